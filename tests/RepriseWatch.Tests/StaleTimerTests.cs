using Scop.Aspire.RepriseWatch.Tests.Support;

namespace Scop.Aspire.RepriseWatch.Tests;

/// <summary>
/// An opportunity without activity for 30 days is flagged stale by its durable timer, on the service's (fake) clock,
/// and its union's delegates are told by an event; activity clears the flag and starts the count again.
/// </summary>
[Collection(RepriseWatchServersCollection.Name)]
public sealed class StaleTimerTests(RepriseWatchServers servers, RepriseWatchAppPerClass perClass)
    : RepriseWatchTestBase(servers, perClass), IClassFixture<RepriseWatchAppPerClass>
{
    [Fact]
    public async Task Thirty_days_without_activity_flag_it_stale_and_tell_its_delegates_and_a_move_starts_the_count_again()
    {
        var id = await App.NewOpportunityAsync(Client);
        var untouched = await App.NewOpportunityAsync(Client, RepriseWatchApp.Report(communeCode: RepriseWatchApp.Rennes));

        // 20 days: a move on the first one.
        App.Advance(TimeSpan.FromDays(20));
        await (await RepriseWatchApp.MoveAsync(Client, id, "qualify", App.Qualification())).ExpectAsync(200);

        // Day 30 and a minute: the untouched one is stale, and its union (Ouest) is told; the first one's report timer
        // fires too, and finds it active.
        App.Advance(TimeSpan.FromDays(10) + TimeSpan.FromMinutes(1));
        await RepriseWatchApp.WaitUntilAsync(async () => await App.EventsAsync("TakeoverOpportunityStale", untouched) == 1,
            "the untouched opportunity was flagged stale");
        await RepriseWatchApp.WaitUntilAsync(async () => await ConsumedTimersAsync(id) == 1, "the first report's timer fired");
        Assert.Equal(1, await App.ScalarAsync(
            "SELECT count(*) FROM outbox_messages WHERE message_type LIKE '%TakeoverOpportunityStale,%' AND body->>'opportunityId' = @id AND body->>'regionalUnion' = 'urscop-ouest' AND body->>'stage' = 'Reported'",
            ("id", untouched.ToString())));
        Assert.True((await GetAsync(untouched)).TryGetProperty("staleSince", out _));
        Assert.False((await GetAsync(id)).TryGetProperty("staleSince", out _));
        Assert.Equal(0, await App.EventsAsync("TakeoverOpportunityStale", id));
        var stale = await (await Client.GetAsync("/api/reprise-watch/opportunities?stale=true&pageSize=100")).ExpectAsync(200);
        Assert.Contains(untouched, stale.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetGuid()));
        Assert.DoesNotContain(id, stale.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetGuid()));

        // 30 days after its move, the first one is stale too; a move clears the flag.
        App.Advance(TimeSpan.FromDays(20));
        await RepriseWatchApp.WaitUntilAsync(async () => await App.EventsAsync("TakeoverOpportunityStale", id) == 1,
            "the first opportunity was flagged stale 30 days after its last move");
        await (await RepriseWatchApp.MoveAsync(Client, id, "feasibility", new { })).ExpectAsync(200);
        Assert.False((await GetAsync(id)).TryGetProperty("staleSince", out _));

        // A closed opportunity never goes stale, and a stale one is flagged once, not at every timer. (Published
        // events leave the outbox a week after they were sent, on this clock too: the inbox counts the timers.)
        await (await RepriseWatchApp.MoveAsync(Client, id, "lose", new { reason = "NotViable", comment = "Marges trop faibles." })).ExpectAsync(200);
        var untouchedSince = (await GetAsync(untouched)).GetProperty("staleSince").GetDateTimeOffset();
        Assert.Equal(1, await App.EventsAsync("TakeoverOpportunityStale", id));
        App.Advance(TimeSpan.FromDays(31));
        await RepriseWatchApp.WaitUntilAsync(async () => await App.ScalarAsync(
            "SELECT count(*) FROM inbox_messages WHERE consumer LIKE '%StaleCheckConsumer'") == 4, "the four timers fired");
        Assert.False((await GetAsync(id)).TryGetProperty("staleSince", out _));
        Assert.Equal(untouchedSince, (await GetAsync(untouched)).GetProperty("staleSince").GetDateTimeOffset());
        Assert.Equal(0, await App.ScalarAsync(
            "SELECT count(*) FROM outbox_messages WHERE message_type LIKE '%TakeoverOpportunityStale,%' AND sent_at IS NULL"));
    }

    private Task<long> ConsumedTimersAsync(Guid id) => App.ScalarAsync(
        "SELECT count(*) FROM inbox_messages i JOIN outbox_messages o ON o.id = i.message_id WHERE o.message_type LIKE '%StaleCheckDue,%' AND o.body->>'opportunityId' = @id",
        ("id", id.ToString()));

    private async Task<System.Text.Json.JsonElement> GetAsync(Guid id) =>
        await (await Client.GetAsync($"/api/reprise-watch/opportunities/{id}")).ExpectAsync(200);
}
