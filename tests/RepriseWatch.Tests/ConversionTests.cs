using System.Collections.Concurrent;
using System.Diagnostics;
using Scop.Aspire.RepriseWatch.Tests.Support;

namespace Scop.Aspire.RepriseWatch.Tests;

/// <summary>
/// Conversion: when the register announces the company as a cooperative (<c>CooperativeJoined</c>, for its own SIREN or
/// for the new SIREN a delegate linked), the opportunity is converted by itself, with the jobs kept — once, however
/// often the event is delivered.
/// </summary>
[Collection(RepriseWatchServersCollection.Name)]
public sealed class ConversionTests(RepriseWatchServers servers, RepriseWatchAppPerClass perClass)
    : RepriseWatchTestBase(servers, perClass), IClassFixture<RepriseWatchAppPerClass>
{
    [Fact]
    public async Task The_register_announcing_the_company_converts_it_once_however_often_the_event_is_delivered()
    {
        var siren = RepriseWatchApp.NewSiren();
        var id = await App.OpportunityAtAsync(Client, "Financing", RepriseWatchApp.Report(siren));
        var joined = RepriseWatchApp.Joined(siren, headcount: 16);

        await App.PublishAsync(joined);
        await App.PublishAsync(joined); // the same message again: the broker redelivers, or the publisher retried
        await RepriseWatchApp.WaitUntilAsync(async () => await StageAsync(id) == "Converted", "the opportunity was converted");
        await RepriseWatchApp.WaitUntilAsync(async () => await App.ScalarAsync(
            "SELECT count(*) FROM inbox_messages WHERE message_id = @m", ("m", joined.EventId)) == 1, "the event was consumed");
        await Task.Delay(500); // time for a second delivery, were it to be applied

        var converted = await (await Client.GetAsync($"/api/reprise-watch/opportunities/{id}")).ExpectAsync(200);
        Assert.Equal(16, converted.GetProperty("jobsKept").GetInt32());
        Assert.Equal(joined.CooperativeId, converted.GetProperty("cooperativeId").GetGuid());
        var history = (await (await Client.GetAsync($"/api/reprise-watch/opportunities/{id}/history")).ExpectAsync(200)).EnumerateArray().ToList();
        var conversion = Assert.Single(history, m => m.GetProperty("toStage").GetString() == "Converted");
        Assert.Equal("Financing", conversion.GetProperty("fromStage").GetString());
        Assert.Equal("register", conversion.GetProperty("actorRole").GetString());
        Assert.Equal("CooperativeJoined", conversion.GetProperty("reason").GetString());
        Assert.Equal(1, await App.EventsAsync("TakeoverOpportunityConverted", id));
        Assert.Equal(1, await App.ScalarAsync("SELECT count(*) FROM inbox_messages WHERE message_id = @m", ("m", joined.EventId)));
    }

    [Fact]
    public async Task A_new_cooperative_linked_by_a_delegate_converts_the_opportunity_when_it_joins()
    {
        var id = await App.OpportunityAtAsync(Client, "Feasibility");
        var successor = RepriseWatchApp.NewSiren();
        using var aura = App.CreateClient(RepriseWatchApp.DelegateToken());
        var linked = await (await RepriseWatchApp.MoveAsync(aura, id, "successor", new { siren = successor })).ExpectAsync(200);
        Assert.Equal(successor, linked.GetProperty("successorSiren").GetString());
        Assert.Equal("Feasibility", linked.GetProperty("stage").GetString());

        // The jobs kept are those at stake when the new cooperative declares no headcount.
        await App.PublishAsync(RepriseWatchApp.Joined(successor, headcount: null));
        await RepriseWatchApp.WaitUntilAsync(async () => await StageAsync(id) == "Converted", "the opportunity was converted");
        Assert.Equal(18, (await (await Client.GetAsync($"/api/reprise-watch/opportunities/{id}")).ExpectAsync(200)).GetProperty("jobsKept").GetInt32());
    }

    [Fact]
    public async Task Linking_a_cooperative_the_register_announced_already_converts_at_once()
    {
        var successor = RepriseWatchApp.NewSiren();
        await App.PublishAsync(RepriseWatchApp.Joined(successor, headcount: 9));
        await RepriseWatchApp.WaitUntilAsync(async () => await App.ScalarAsync(
            "SELECT count(*) FROM cooperatives WHERE siren = @s", ("s", successor)) == 1, "the watch knows the cooperative");

        var id = await App.OpportunityAtAsync(Client, "Qualified");
        var converted = await (await RepriseWatchApp.MoveAsync(Client, id, "successor", new { siren = successor })).ExpectAsync(200);
        Assert.Equal("Converted", converted.GetProperty("stage").GetString());
        Assert.Equal(9, converted.GetProperty("jobsKept").GetInt32());
        Assert.Equal(1, await App.EventsAsync("TakeoverOpportunityConverted", id));

        // Another opportunity's company is not a successor.
        var other = await App.NewOpportunityAsync(Client);
        var otherSiren = (await (await Client.GetAsync($"/api/reprise-watch/opportunities/{other}")).ExpectAsync(200)).GetProperty("siren").GetString();
        var third = await App.NewOpportunityAsync(Client);
        await (await RepriseWatchApp.MoveAsync(Client, third, "successor", new { siren = otherSiren })).ExpectRuleAsync("successor-not-an-opportunity");
        await (await RepriseWatchApp.MoveAsync(Client, third, "successor", new { siren = "123" })).ExpectInvalidAsync("siren");
    }

    [Fact]
    public async Task A_lost_opportunity_stays_lost_when_the_company_joins_later()
    {
        var siren = RepriseWatchApp.NewSiren();
        var id = await App.NewOpportunityAsync(Client, RepriseWatchApp.Report(siren));
        await (await RepriseWatchApp.MoveAsync(Client, id, "lose", new { reason = "SoldToAnotherBuyer", comment = "Racheté par un concurrent." })).ExpectAsync(200);
        var joined = RepriseWatchApp.Joined(siren);
        await App.PublishAsync(joined);
        await RepriseWatchApp.WaitUntilAsync(async () => await App.ScalarAsync(
            "SELECT count(*) FROM inbox_messages WHERE message_id = @m", ("m", joined.EventId)) == 1, "the event was consumed");
        Assert.Equal("Lost", await StageAsync(id));
    }

    [Fact]
    public async Task A_burst_of_registrations_converts_the_opportunity_of_every_company_in_it_once_under_its_own_trace()
    {
        // Five companies watched: four under their own SIREN, one under the SIREN of the cooperative a delegate linked.
        var watched = new List<(Guid Opportunity, string Siren)>();
        for (var i = 0; i < 4; i++)
        {
            var siren = RepriseWatchApp.NewSiren();
            watched.Add((await App.OpportunityAtAsync(Client, i % 2 == 0 ? "Qualified" : "Financing", RepriseWatchApp.Report(siren)), siren));
        }

        var linked = await App.OpportunityAtAsync(Client, "Feasibility");
        var successor = RepriseWatchApp.NewSiren();
        using var aura = App.CreateClient(RepriseWatchApp.DelegateToken());
        await (await RepriseWatchApp.MoveAsync(aura, linked, "successor", new { siren = successor })).ExpectAsync(200);
        watched.Add((linked, successor));

        // Forty registrations at once, each from a request of its own, the five companies' among them.
        var burst = Enumerable.Range(0, 40).Select(i => RepriseWatchApp.Joined(RepriseWatchApp.NewSiren(), headcount: 10 + i)).ToList();
        for (var i = 0; i < watched.Count; i++)
        {
            burst[(i * 8) + 3] = RepriseWatchApp.Joined(watched[i].Siren, headcount: 60 + i);
        }

        var traceOf = new ConcurrentDictionary<Guid, string>();
        await Task.WhenAll(burst.Select(async joined =>
        {
            using var registration = new Activity("POST /api/membership/cooperatives") { ActivityTraceFlags = ActivityTraceFlags.Recorded }.Start();
            traceOf[joined.EventId] = registration.TraceId.ToString();
            await App.PublishAsync(joined);
        }));
        Guid[] eventIds = [.. burst.Select(j => j.EventId)];
        await RepriseWatchApp.WaitUntilAsync(async () => await App.ScalarAsync(
            "SELECT count(*) FROM inbox_messages WHERE message_id = ANY(@m)", ("m", eventIds)) == 40, "the burst was consumed");
        Assert.True(await App.ScalarAsync("SELECT count(DISTINCT xmin::text) FROM inbox_messages WHERE message_id = ANY(@m)",
            ("m", eventIds)) < 40, "the burst was applied in batches, not one transaction a message");

        // The watch knows every cooperative of the burst, under its SIREN.
        Assert.Equal(40, await App.ScalarAsync("SELECT count(*) FROM cooperatives c JOIN unnest(@ids, @sirens) AS j(id, siren) ON c.id = j.id AND c.siren = j.siren",
            ("ids", burst.Select(j => j.CooperativeId).ToArray()), ("sirens", burst.Select(j => j.Siren).ToArray())));
        for (var i = 0; i < watched.Count; i++)
        {
            var (id, _) = watched[i];
            var joined = burst[(i * 8) + 3];
            var converted = await (await Client.GetAsync($"/api/reprise-watch/opportunities/{id}")).ExpectAsync(200);
            Assert.Equal("Converted", converted.GetProperty("stage").GetString());
            Assert.Equal(joined.CooperativeId, converted.GetProperty("cooperativeId").GetGuid());
            Assert.Equal(60 + i, converted.GetProperty("jobsKept").GetInt32());
            Assert.Equal(1, await App.EventsAsync("TakeoverOpportunityConverted", id));
            // The conversion's event goes on in the trace of the registration that caused it.
            Assert.Equal(1, await App.ScalarAsync(
                "SELECT count(*) FROM outbox_messages WHERE message_type LIKE @type AND body->>'opportunityId' = @id AND split_part(trace_parent, '-', 2) = @trace",
                ("type", "Scop.Aspire.Contracts.RepriseWatch.TakeoverOpportunityConverted,%"), ("id", id.ToString()), ("trace", traceOf[joined.EventId])));
        }
    }

    private async Task<string?> StageAsync(Guid id) =>
        (await (await Client.GetAsync($"/api/reprise-watch/opportunities/{id}")).ExpectAsync(200)).GetProperty("stage").GetString();
}
