using Scop.Aspire.Contracts.Membership;
using Scop.Aspire.Portal.Tests.Support;

namespace Scop.Aspire.Portal.Tests;

/// <summary>The feed's order and its cursor, on a database of its own.</summary>
[Collection(PortalServersCollection.Name)]
public sealed class FeedPagingTests(PortalServers servers, PortalAppPerClass perClass)
    : IClassFixture<PortalAppPerClass>, IAsyncLifetime
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
    public async Task Twenty_five_entries_come_newest_first_each_exactly_once_across_pages()
    {
        // 25 events, published in a shuffled order; some happened at the very same instant (the cursor must break ties).
        var start = new DateTimeOffset(2025, 6, 1, 8, 0, 0, TimeSpan.Zero);
        var events = Enumerable.Range(0, 25)
            .Select(i => Feed.Joined(start.AddMinutes(i < 6 ? 0 : i < 10 ? 7 : i), name: $"Paging {i}"))
            .ToList();
        foreach (var joined in events.OrderBy(_ => Random.Shared.Next()))
        {
            await app.PublishAsync(joined);
        }

        var ours = events.Select(e => e.CooperativeId).ToHashSet();
        await Feed.EventuallyAsync(() => client.ReadAllAsync(limit: 100),
            all => all.Items.Count(i => ours.Contains(i.SubjectId)) == 25, "the 25 entries in the feed");

        var (items, sizes) = await client.ReadAllAsync(limit: 7);

        // Every page but the last is full, and the cursor ends.
        Assert.All(sizes.SkipLast(1), size => Assert.Equal(7, size));
        Assert.InRange(sizes[^1], 1, 7);

        // Each entry once, none lost, in the order of the whole feed: newest first, ties by id.
        Assert.Equal(items.Count, items.Select(i => i.Id).Distinct().Count());
        var expected = events
            .OrderByDescending(e => e.OccurredAt)
            .ThenByDescending(e => e.EventId.ToString("N"), StringComparer.Ordinal)
            .Select(e => e.EventId)
            .ToList();
        Assert.Equal(expected, items.Where(i => ours.Contains(i.SubjectId)).Select(i => i.Id).ToList());
        Assert.Equal(items.OrderByDescending(i => i.OccurredAt).ThenByDescending(i => i.Id.ToString("N"), StringComparer.Ordinal)
            .Select(i => i.Id), items.Select(i => i.Id));
    }

    [Fact]
    public async Task An_entry_arriving_while_someone_reads_neither_shifts_nor_repeats_the_next_pages()
    {
        var start = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var events = Enumerable.Range(0, 6).Select(i => Feed.Joined(start.AddHours(i), $"Reader {i}")).ToList();
        await PublishAndWaitAsync(events);
        var ours = events.Select(e => e.EventId).ToHashSet();

        // Read the first page of the feed...
        var first = await client.GetPageAsync(limit: 3);
        Assert.NotNull(first.NextCursor);

        // ...a newer entry arrives...
        var newer = Feed.Joined(DateTimeOffset.UtcNow, "Arrived meanwhile");
        await PublishAndWaitAsync([newer]);

        // ...and the rest of the feed continues exactly where the first page stopped.
        var rest = new List<Feed.Entry>();
        var cursor = first.NextCursor;
        while (cursor is not null)
        {
            var page = await client.GetPageAsync(limit: 3, cursor);
            rest.AddRange(page.Items);
            cursor = page.NextCursor;
        }

        Assert.DoesNotContain(rest, i => i.Id == newer.EventId);
        Assert.Empty(first.Items.Select(i => i.Id).Intersect(rest.Select(i => i.Id)));
        var seen = first.Items.Concat(rest).Select(i => i.Id).Where(ours.Contains).ToList();
        Assert.Equal(events.OrderByDescending(e => e.OccurredAt).Select(e => e.EventId), seen);

        // A fresh read starts with the newcomer.
        Assert.Equal(newer.EventId, (await client.GetPageAsync(limit: 1)).Items[0].Id);
    }

    [Fact]
    public async Task Without_a_limit_a_page_has_twenty_entries()
    {
        var start = new DateTimeOffset(2023, 1, 1, 0, 0, 0, TimeSpan.Zero);
        await PublishAndWaitAsync(Enumerable.Range(0, 21).Select(i => Feed.Joined(start.AddSeconds(i))).ToList());

        var page = await client.GetPageAsync();

        Assert.Equal(20, page.Items.Count);
        Assert.NotNull(page.NextCursor);
    }

    private async Task PublishAndWaitAsync(IReadOnlyList<CooperativeJoined> events)
    {
        foreach (var joined in events)
        {
            await app.PublishAsync(joined);
        }

        var expected = events.Select(e => e.EventId).ToHashSet();
        await Feed.EventuallyAsync(
            () => app.QueryScalarAsync<long>("SELECT count(*) FROM feed_items WHERE id = ANY(@ids)", ("ids", expected.ToArray())),
            n => n == expected.Count, $"{expected.Count} entries in the feed");
    }
}
