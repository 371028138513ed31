using System.Net;
using System.Xml.Linq;
using Scop.Aspire.Portal.Tests.Support;

namespace Scop.Aspire.Portal.Tests;

/// <summary>The strategic-watch feed: filtered by kind, région and sector, as Atom, and a person's saved filters.</summary>
[Collection(PortalServersCollection.Name)]
public sealed class WatchFeedTests(PortalServers servers, PortalAppPerClass perClass) : IClassFixture<PortalAppPerClass>, IAsyncLifetime
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
    public async Task The_feed_is_filtered_by_kind_region_and_sector()
    {
        var lyon = Feed.Joined(name: "Imprimerie lyonnaise", union: "urscop-aura", nafCode: "18.12Z");
        var rennes = Feed.Joined(name: "Imprimerie rennaise", union: "urscop-ouest", nafCode: "18.12Z");
        var software = Feed.Joined(name: "Logiciels lyonnais", union: "urscop-aura", nafCode: "62.01Z");
        foreach (var joined in new[] { lyon, rennes, software })
        {
            await app.SiteOfAsync(client, joined);
        }

        var staff = PortalApp.StaffToken;
        var news = await client.CreateItemAsync("urscop-aura", staff, "Rencontre régionale des imprimeurs", extra: new { sector = "18" });
        await client.PublishAsync(news, staff);

        var printersInAura = (await client.ReadAsync("/api/portal/feed?region=urscop-aura&sector=18&limit=100")).Expect(HttpStatusCode.OK).Body;
        var joinedInAura = (await client.ReadAsync("/api/portal/feed?region=urscop-aura&kind=cooperative-joined&limit=100")).Body;

        var titles = printersInAura["items"]!.AsArray().Select(i => i!["title"]!.GetValue<string>()).ToList();
        Assert.Equal(2, titles.Count);
        Assert.Contains(titles, t => t.Contains("Imprimerie lyonnaise"));
        Assert.Contains("Rencontre régionale des imprimeurs", titles);
        var joinedTitles = joinedInAura["items"]!.AsArray().Select(i => i!["title"]!.GetValue<string>()).ToList();
        Assert.Contains(joinedTitles, t => t.Contains("Logiciels lyonnais"));
        Assert.DoesNotContain(joinedTitles, t => t.Contains("rennaise") || t.Contains("Rencontre"));
        Assert.Contains("sector", (await client.ReadAsync("/api/portal/feed?sector=imprimerie")).Expect(HttpStatusCode.BadRequest).ErrorFields);
        Assert.Contains("kind", (await client.ReadAsync("/api/portal/feed?kind=rumeur")).Expect(HttpStatusCode.BadRequest).ErrorFields);
    }

    [Fact]
    public async Task An_Atom_feed_follows_a_filter_and_a_reader_can_parse_it()
    {
        var joined = Feed.Joined(name: "Scop des Canuts", union: "urscop-aura", nafCode: "13.20Z");
        await app.SiteOfAsync(client, joined);

        var atom = (await client.ReadAsync("/api/portal/feed.atom?region=urscop-aura&sector=13")).Expect(HttpStatusCode.OK);

        var feed = XDocument.Parse(atom.Text);
        XNamespace ns = "http://www.w3.org/2005/Atom";
        Assert.Equal("feed", feed.Root!.Name.LocalName);
        var entry = Assert.Single(feed.Root.Elements(ns + "entry"), e => e.Element(ns + "title")!.Value.Contains("Scop des Canuts"));
        Assert.Equal($"urn:uuid:{joined.EventId}", entry.Element(ns + "id")!.Value);
        Assert.Equal("cooperative-joined", entry.Element(ns + "category")!.Attribute("term")!.Value);
        Assert.EndsWith("/api/portal/sites/scop-des-canuts", entry.Element(ns + "link")!.Attribute("href")!.Value);
    }

    [Fact]
    public async Task A_person_keeps_their_own_filters()
    {
        var mine = PortalApp.MemberToken(subject: "reader-" + Guid.NewGuid());
        var theirs = PortalApp.MemberToken(subject: "reader-" + Guid.NewGuid());

        var saved = (await client.PostJsonAsync("/api/portal/me/watch-filters",
            new { name = "Imprimeurs d'Auvergne-Rhône-Alpes", region = "urscop-aura", sector = "18" }, mine)).Expect(HttpStatusCode.Created).Body;
        var bad = await client.PostJsonAsync("/api/portal/me/watch-filters", new { name = "", kind = "rumeur" }, mine);

        Assert.EndsWith("/api/portal/feed.atom?region=urscop-aura&sector=18", saved["atom"]!.GetValue<string>());
        Assert.Equal("/api/portal/feed?region=urscop-aura&sector=18", saved["feed"]!.GetValue<string>());
        Assert.Equal(["kind", "name"], bad.Expect(HttpStatusCode.BadRequest).ErrorFields.Order(StringComparer.Ordinal));
        Assert.Single((await client.ReadAsync("/api/portal/me/watch-filters", mine)).Body.AsArray());
        Assert.Empty((await client.ReadAsync("/api/portal/me/watch-filters", theirs)).Body.AsArray());
        (await client.SendAsync(HttpMethod.Delete, $"/api/portal/me/watch-filters/{saved["id"]}", token: theirs)).Expect(HttpStatusCode.NotFound);
        (await client.SendAsync(HttpMethod.Delete, $"/api/portal/me/watch-filters/{saved["id"]}", token: mine)).Expect(HttpStatusCode.NoContent);
        Assert.Empty((await client.ReadAsync("/api/portal/me/watch-filters", mine)).Body.AsArray());
    }
}
