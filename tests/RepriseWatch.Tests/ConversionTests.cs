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

    private async Task<string?> StageAsync(Guid id) =>
        (await (await Client.GetAsync($"/api/reprise-watch/opportunities/{id}")).ExpectAsync(200)).GetProperty("stage").GetString();
}
