using System.Net;
using Scop.Aspire.Contracts.RepriseWatch;
using Scop.Aspire.Portal.Tests.Support;

namespace Scop.Aspire.Portal.Tests;

[Collection(PortalServersCollection.Name)]
public sealed class FeedTests(PortalServers servers, PortalAppPerClass perClass) : IClassFixture<PortalAppPerClass>, IAsyncLifetime
{
    private PortalApp app = null!;
    private HttpClient client = null!;

    public async Task InitializeAsync()
    {
        app = await perClass.GetAsync(servers);
        client = app.CreateClient();
    }

    public Task DisposeAsync()
    {
        client.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task A_cooperative_that_joined_shows_in_the_feed()
    {
        var occurredAt = new DateTimeOffset(2026, 3, 14, 9, 26, 53, TimeSpan.Zero);
        var joined = Feed.Joined(occurredAt, name: "Scop des Canuts");

        await app.PublishAsync(joined);

        var page = await Feed.EventuallyAsync(() => client.GetPageAsync(limit: 100),
            p => p.Items.Any(i => i.SubjectId == joined.CooperativeId), "the new cooperative in the feed");
        var entry = Assert.Single(page.Items, i => i.SubjectId == joined.CooperativeId);
        Assert.Equal(joined.EventId, entry.Id);
        Assert.Equal("cooperative-joined", entry.Kind);
        Assert.Contains("Scop des Canuts", entry.Title);
        Assert.Contains("SCOP", entry.Title);
        Assert.Equal(occurredAt, entry.OccurredAt);
    }

    [Fact]
    public async Task Takeovers_show_in_the_feed_as_their_confidentiality_allows()
    {
        var at = new DateTimeOffset(2026, 4, 2, 10, 0, 0, TimeSpan.Zero);
        // An open opportunity names the company; a restricted one's event carries no name nor SIREN.
        var open = new TakeoverOpportunityReported(Guid.NewGuid(), at, Guid.NewGuid(), "urscop-aura", "69123", "43.32A", 12,
            "OwnerRetiring", "732829320", "Menuiserie Durand");
        var restricted = new TakeoverOpportunityReported(Guid.NewGuid(), at, Guid.NewGuid(), "urscop-ouest", "35238", "18.12Z", 7,
            "NoSuccessor", null, null);
        var joined = Feed.Joined(at.AddMonths(3), name: "Scop Menuiserie Durand");
        var converted = new TakeoverOpportunityConverted(Guid.NewGuid(), at.AddMonths(3), open.OpportunityId, "urscop-aura",
            joined.CooperativeId, 11, "732829320", "Menuiserie Durand");
        await app.PublishAsync(open);
        await app.PublishAsync(restricted);
        await app.PublishAsync(joined);
        await Feed.EventuallyAsync(() => client.GetPageAsync(limit: 100), p => p.Items.Any(i => i.SubjectId == joined.CooperativeId),
            "the new cooperative's site");
        await app.PublishAsync(converted);

        var page = await Feed.EventuallyAsync(() => client.GetPageAsync(limit: 100),
            p => p.Items.Count(i => i.Kind.StartsWith("takeover-", StringComparison.Ordinal)) == 3, "the takeovers in the feed");
        var openEntry = Assert.Single(page.Items, i => i.Id == open.EventId);
        Assert.Equal("takeover-reported", openEntry.Kind);
        Assert.Equal("Menuiserie Durand : une reprise par les salariés à l'étude", openEntry.Title);
        Assert.Equal("43", openEntry.Sector);
        var restrictedEntry = Assert.Single(page.Items, i => i.Id == restricted.EventId);
        Assert.Equal("Une entreprise de moins de 10 salariés à reprendre par ses salariés", restrictedEntry.Title);
        Assert.Equal("urscop-ouest", restrictedEntry.Region);
        Assert.Null(restrictedEntry.Link);
        var convertedEntry = Assert.Single(page.Items, i => i.Id == converted.EventId);
        Assert.Equal("takeover-converted", convertedEntry.Kind);
        Assert.Equal("Menuiserie Durand reprise en SCOP par ses salariés : 11 emplois maintenus", convertedEntry.Title);
        Assert.StartsWith("/api/portal/sites/", convertedEntry.Link);

        // Filtered by kind, as a reader subscribes to the takeovers only.
        var takeovers = await client.GetPageAsync(limit: 100, filter: "kind=takeover-reported");
        Assert.All(takeovers.Items, i => Assert.Equal("takeover-reported", i.Kind));
        Assert.Contains(takeovers.Items, i => i.Id == restricted.EventId);
    }

    [Fact]
    public async Task The_same_event_delivered_twice_makes_one_entry()
    {
        var joined = Feed.Joined();

        await app.PublishAsync(joined);
        await app.PublishAsync(joined); // a redelivery: same message id (the EventId)

        // Both deliveries went through the consumer...
        await Feed.EventuallyAsync(() => Task.FromResult(app.ConsumedCount(joined.EventId)), n => n >= 2,
            "both deliveries to be consumed");
        Assert.Equal(0, app.FaultedCount(joined.EventId));

        // ...and the feed shows the cooperative once.
        var page = await client.GetPageAsync(limit: 100);
        Assert.Single(page.Items, i => i.SubjectId == joined.CooperativeId);
        Assert.Equal(1, await app.QueryScalarAsync<long>("SELECT count(*) FROM feed_items WHERE subject_id = @s", ("s", joined.CooperativeId)));
        Assert.Equal(1, await app.QueryScalarAsync<long>("SELECT count(*) FROM inbox_messages WHERE message_id = @m", ("m", joined.EventId)));
    }

    [Fact]
    public async Task Two_different_events_make_two_entries()
    {
        var first = Feed.Joined();
        var second = Feed.Joined();

        await app.PublishAsync(first);
        await app.PublishAsync(second);

        var page = await Feed.EventuallyAsync(() => client.GetPageAsync(limit: 100),
            p => p.Items.Count(i => i.SubjectId == first.CooperativeId || i.SubjectId == second.CooperativeId) == 2,
            "both cooperatives in the feed");
        Assert.Single(page.Items, i => i.SubjectId == first.CooperativeId);
        Assert.Single(page.Items, i => i.SubjectId == second.CooperativeId);
    }

    [Theory]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=101", "limit")]
    [InlineData("limit=-1", "limit")]
    [InlineData("before=not-a-cursor", "before")]
    [InlineData("before=%21%21%21", "before")] // "!!!": not base64url at all
    [InlineData("before=aGVsbG8", "before")] // base64url of "hello"
    [InlineData("before=MzE1NTM3ODk3NjAwMDAwMDAwMDowMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMA", "before")] // ticks past year 9999
    [InlineData("before=LTE6MDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDA", "before")] // negative ticks
    [InlineData("before=NjM4MDAwMDAwMDAwMDAwMDAwOm5vdC1hLWd1aWQ", "before")] // "638000000000000000:not-a-guid"
    [InlineData("before=", "before")]
    public async Task A_bad_limit_or_cursor_is_a_400_naming_it(string query, string field)
    {
        using var response = await client.GetAsync($"/api/portal/feed?{query}");

        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{query}: {(int)response.StatusCode} {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = System.Text.Json.JsonDocument.Parse(text);
        Assert.True(problem.RootElement.GetProperty("errors").TryGetProperty(field, out _), text);
    }

    [Fact]
    public async Task A_limit_that_is_not_a_number_is_a_400_problem()
    {
        using var response = await client.GetAsync("/api/portal/feed?limit=ten");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(100)]
    public async Task The_limit_bounds_themselves_are_accepted(int limit)
    {
        using var response = await client.GetAsync($"/api/portal/feed?limit={limit}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
