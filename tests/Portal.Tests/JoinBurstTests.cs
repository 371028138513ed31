using System.Net;
using Scop.Aspire.Contracts.Membership;
using Scop.Aspire.Portal.Tests.Support;

namespace Scop.Aspire.Portal.Tests;

/// <summary>
/// Cooperatives joining by the dozen, as after a busy morning of registrations: the portal takes them in batches, and
/// each still gets one site under a slug of its own, one feed entry and one count on the Congress dashboard.
/// </summary>
[Collection(PortalServersCollection.Name)]
public sealed class JoinBurstTests(PortalServers servers, PortalAppPerClass perClass) : IClassFixture<PortalAppPerClass>, IAsyncLifetime
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
    public async Task Sixty_cooperatives_joining_at_once_get_a_site_a_feed_entry_and_a_count_each()
    {
        var year = 2033; // a year of its own on the dashboard
        var at = new DateTimeOffset(year, 5, 4, 9, 0, 0, TimeSpan.Zero);
        var union = $"urscop-burst-{Guid.NewGuid().ToString("N")[..6]}"; // a union the portal has no site for yet
        var tag = Guid.NewGuid().ToString("N")[..6];

        // One cooperative the portal knows already: a later change of its register entry arrived first.
        var known = Feed.Joined(at, name: $"Connue {tag}", union: union);
        await app.PublishAsync(new CooperativeUpdated(Guid.NewGuid(), at.AddDays(1), known.CooperativeId, $"Connue renommée {tag}",
            "69123", "62.01Z", union, union, 12));
        await Feed.EventuallyAsync(() => app.QueryScalarAsync<long>("SELECT count(*) FROM sites WHERE cooperative_id = @c",
            ("c", known.CooperativeId)), n => n == 1, "the known cooperative's site");

        // Three share a name, so they cannot share its slug.
        var burst = Enumerable.Range(0, 56).Select(i => Feed.Joined(at.AddMinutes(i), name: $"Rafale {tag} {i}", union: union))
            .Concat(Enumerable.Range(0, 3).Select(i => Feed.Joined(at.AddMinutes(60 + i), name: $"Même nom {tag}", union: union)))
            .Append(known)
            .ToList();
        await Task.WhenAll(burst.Select(app.PublishAsync));

        var ours = burst.Select(j => j.CooperativeId).ToHashSet();
        var feed = await Feed.EventuallyAsync(() => client.ReadAllAsync(limit: 100),
            all => all.Items.Count(i => ours.Contains(i.SubjectId)) >= burst.Count, "the burst in the feed");

        // One feed entry each, linking to one site each, under a slug of its own.
        var entries = feed.Items.Where(i => ours.Contains(i.SubjectId)).ToList();
        Assert.Equal(burst.Count, entries.Count);
        Assert.Equal(ours, entries.Select(e => e.SubjectId).ToHashSet());
        Assert.Equal(burst.Count, entries.Select(e => e.Link).Distinct().Count());
        Assert.Equal(burst.Count, await app.QueryScalarAsync<long>(
            "SELECT count(*) FROM sites WHERE cooperative_id = ANY(@ids)", ("ids", ours.ToArray())));

        // The shared name's slug went to one of the three; the others have it with the end of their id.
        var sameName = burst.Where(j => j.Name == $"Même nom {tag}").ToList();
        var slugs = await Task.WhenAll(sameName.Select(j => app.QueryScalarAsync<string>(
            "SELECT slug FROM sites WHERE cooperative_id = @c", ("c", j.CooperativeId))));
        Assert.Single(slugs, s => s == $"meme-nom-{tag}");
        Assert.All(sameName.Zip(slugs).Where(p => p.Second != $"meme-nom-{tag}"),
            p => Assert.Equal($"meme-nom-{tag}-{p.First.CooperativeId.ToString("N")[^6..]}", p.Second));
        foreach (var slug in slugs)
        {
            var site = (await client.ReadAsync($"/api/portal/sites/{slug}")).Expect(HttpStatusCode.OK).Body;
            Assert.Equal($"Même nom {tag}", site["name"]!.GetValue<string>());
        }

        // The known cooperative keeps the later name; its joining still made the feed.
        Assert.Equal($"Connue renommée {tag}", await app.QueryScalarAsync<string>(
            "SELECT name FROM sites WHERE cooperative_id = @c", ("c", known.CooperativeId)));

        // The new union got its one site; each cooperative counts once towards the Congress target.
        Assert.Equal(1, await app.QueryScalarAsync<long>("SELECT count(*) FROM sites WHERE slug = @u", ("u", union)));
        Assert.Equal(burst.Count, await app.QueryScalarAsync<long>(
            "SELECT count(*) FROM target_facts WHERE target = 'member-cooperatives' AND year = @y AND subject_id = ANY(@ids)",
            ("y", year), ("ids", ours.ToArray())));

        // And they came in batches, fewer transactions than cooperatives.
        Assert.InRange(await app.QueryScalarAsync<long>(
            "SELECT count(DISTINCT xmin::text) FROM inbox_messages WHERE message_id = ANY(@ids)",
            ("ids", burst.Select(j => j.EventId).ToArray())), 1, burst.Count - 1);
    }
}
