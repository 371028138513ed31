using System.Net;
using System.Text;
using Scop.Aspire.Contracts.Membership;
using Scop.Aspire.Portal.Tests.Support;
using Scop.Aspire.ServiceDefaults;

namespace Scop.Aspire.Portal.Tests;

/// <summary>Sites made from the register, drafts, publication now or at a moment, unpublishing, concurrent edits.</summary>
[Collection(PortalServersCollection.Name)]
public sealed class ContentTests(PortalServers servers, PortalAppPerClass perClass) : IClassFixture<PortalAppPerClass>, IAsyncLifetime
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
    public async Task Hostile_markdown_is_published_inert()
    {
        var hostile = new StringBuilder()
            .AppendLine("# Notre **assemblée** générale")
            .AppendLine("<script>alert('script')</script>")
            .AppendLine("<img src=x onerror=\"alert('onerror')\">")
            .AppendLine("[un lien](javascript:alert('lien'))")
            .AppendLine("[en capitales](JaVaScRiPt:alert('capitales'))")
            .AppendLine("[encodé](&#106;avascript:alert('entites'))")
            .AppendLine("![image](javascript:alert('image'))")
            .AppendLine("<javascript:alert('autolien')>")
            .AppendLine("[données](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)")
            .AppendLine("<a href=\"javascript:alert('a')\" onclick=\"alert('click')\">clic</a>")
            .AppendLine("<svg onload=alert('svg')></svg><iframe src=\"https://evil.example\"></iframe>")
            .AppendLine("[un vrai lien](https://www.les-scop.coop/)");
        while (hostile.Length < 960_000) // about 1 MB of UTF-8: the most a request body carries
        {
            hostile.AppendLine("Une ligne de remplissage <b onmouseover=alert(1)>pour</b> atteindre un mégaoctet de Markdown.");
        }

        var site = await app.SiteOfAsync(client, Feed.Joined());
        var manager = PortalApp.ManagerToken(await ManagedCooperativeAsync(site));
        var item = await client.CreateItemAsync(site, manager, "Page hostile", hostile.ToString(), kind: "page");
        await client.PublishAsync(item, manager);

        var page = (await client.ReadAsync($"/api/portal/sites/{site}/items/{item["slug"]}")).Expect(HttpStatusCode.OK).Body;
        var html = page["html"]!.GetValue<string>();
        // Read as a browser would: nothing in the page runs, loads or frames anything; what was markup shows as text.
        var document = new AngleSharp.Html.Parser.HtmlParser().ParseDocument($"<body>{html}</body>");
        var elements = document.Body!.QuerySelectorAll("*").ToList();
        Assert.DoesNotContain(elements, e => e.LocalName is "script" or "iframe" or "svg" or "object" or "embed" or "style" or "form");
        Assert.DoesNotContain(elements.SelectMany(e => e.Attributes), a => a.Name.StartsWith("on", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(elements.SelectMany(e => e.Attributes), a => a.Name is "href" or "src"
            && !(a.Value.StartsWith("https://", StringComparison.Ordinal) || a.Value.StartsWith("http://", StringComparison.Ordinal)));
        Assert.Contains("<strong>assemblée</strong>", html);
        Assert.Contains(elements, e => e.LocalName == "a" && e.GetAttribute("href") == "https://www.les-scop.coop/");
        Assert.Contains("<script>alert('script')</script>", document.Body.TextContent);
        Assert.True(html.Length > 900_000, "the whole body is rendered");
    }

    [Fact]
    public async Task A_draft_is_seen_by_its_site_editors_only_until_published()
    {
        var joined = Feed.Joined();
        var site = await app.SiteOfAsync(client, joined);
        var manager = PortalApp.ManagerToken(joined.CooperativeId);
        var item = await client.CreateItemAsync(site, manager, "Nos vingt ans de coopération");

        Assert.Equal("draft", item["status"]!.GetValue<string>());
        (await client.ReadAsync($"/api/portal/sites/{site}/items/{item["slug"]}")).Expect(HttpStatusCode.NotFound);
        (await client.ReadAsync($"/api/portal/items/{item["id"]}", PortalApp.ManagerToken(Guid.NewGuid()))).Expect(HttpStatusCode.NotFound);
        (await client.ReadAsync($"/api/portal/items/{item["id"]}", PortalApp.DelegateToken("urscop-aura"))).Expect(HttpStatusCode.NotFound);
        (await client.ReadAsync($"/api/portal/items/{item["id"]}", PortalApp.StaffToken)).Expect(HttpStatusCode.OK);
        (await client.PostJsonAsync($"/api/portal/sites/{site}/items", new { kind = "news", title = "Intrus", body = "x" },
            PortalApp.ManagerToken(Guid.NewGuid()))).Expect(HttpStatusCode.Forbidden);

        await client.PublishAsync(item, manager);

        var page = (await client.ReadAsync($"/api/portal/sites/{site}/items/{item["slug"]}")).Expect(HttpStatusCode.OK).Body;
        Assert.Equal("Nos vingt ans de coopération", page["title"]!.GetValue<string>());
        var list = (await client.ReadAsync($"/api/portal/sites/{site}/items")).Expect(HttpStatusCode.OK).Body;
        Assert.Single(list["items"]!.AsArray(), i => i!["slug"]!.GetValue<string>() == item["slug"]!.GetValue<string>());
        var feed = await client.GetPageAsync(limit: 100);
        Assert.Contains(feed.Items, e => e.Kind == "news-published" && e.SubjectId == Guid.Parse(item["id"]!.GetValue<string>()));
    }

    [Fact]
    public async Task A_scheduled_item_is_published_at_its_moment_by_a_durable_timer()
    {
        var site = await app.SiteOfAsync(client, Feed.Joined());
        var manager = PortalApp.ManagerToken(await ManagedCooperativeAsync(site));
        var item = await client.CreateItemAsync(site, manager, "Portes ouvertes le mois prochain");
        var at = app.Time.GetUtcNow().AddHours(1);

        var scheduled = await client.PublishAsync(item, manager, at);

        Assert.Equal("scheduled", scheduled["status"]!.GetValue<string>());
        app.Advance(TimeSpan.FromMinutes(59));
        // The timer waits in the outbox, not yet published; the item is not public.
        Assert.Equal(1L, await app.QueryScalarAsync<long>(
            "SELECT count(*) FROM outbox_messages WHERE sent_at IS NULL AND not_before = @at", ("at", at)));
        (await client.ReadAsync($"/api/portal/sites/{site}/items/{item["slug"]}")).Expect(HttpStatusCode.NotFound);

        app.Advance(TimeSpan.FromMinutes(2));

        var page = await Feed.EventuallyAsync(() => client.ReadAsync($"/api/portal/sites/{site}/items/{item["slug"]}"),
            a => a.Status == HttpStatusCode.OK, "the scheduled item to be published");
        Assert.Equal(at, page.Body["publishedAt"]!.GetValue<DateTimeOffset>());
        var edited = (await client.ReadAsync($"/api/portal/items/{item["id"]}", manager)).Body;
        Assert.Equal("published", edited["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_unpublished_schedule_leaves_its_timer_nothing_to_do()
    {
        var site = await app.SiteOfAsync(client, Feed.Joined());
        var manager = PortalApp.ManagerToken(await ManagedCooperativeAsync(site));
        var item = await client.CreateItemAsync(site, manager, "Annulé");
        var at = app.Time.GetUtcNow().AddMinutes(30);
        await client.PublishAsync(item, manager, at);
        var timer = await app.QueryScalarAsync<Guid>("SELECT id FROM outbox_messages WHERE not_before = @at", ("at", at));

        (await client.PostJsonAsync($"/api/portal/items/{item["id"]}/unpublish", null, manager)).Expect(HttpStatusCode.OK);
        app.Advance(TimeSpan.FromHours(1));

        // The timer fired and was consumed, and the item stayed a draft.
        await Feed.EventuallyAsync(() => app.QueryScalarAsync<long>("SELECT count(*) FROM inbox_messages WHERE message_id = @m", ("m", timer)),
            n => n == 1, "the timer to be consumed");
        var after = (await client.ReadAsync($"/api/portal/items/{item["id"]}", manager)).Body;
        Assert.Equal("draft", after["status"]!.GetValue<string>());
        (await client.ReadAsync($"/api/portal/sites/{site}/items/{item["slug"]}")).Expect(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Concurrent_edits_are_detected_with_ETag_and_If_Match()
    {
        var site = await app.SiteOfAsync(client, Feed.Joined());
        var manager = PortalApp.ManagerToken(await ManagedCooperativeAsync(site));
        var item = await client.CreateItemAsync(site, manager, "Première version");
        var read = await client.ReadAsync($"/api/portal/items/{item["id"]}", manager);
        var etag = read.ETag!;
        Assert.Equal(etag, read.Body["eTag"]!.GetValue<string>());

        var first = await client.PutJsonAsync($"/api/portal/items/{item["id"]}", new { title = "Deuxième version", body = "Texte **revu**." }, manager, etag);
        var second = await client.PutJsonAsync($"/api/portal/items/{item["id"]}", new { title = "Version concurrente", body = "Autre." }, manager, etag);
        var none = await client.PutJsonAsync($"/api/portal/items/{item["id"]}", new { title = "Sans If-Match", body = "x" }, manager, null);

        first.Expect(HttpStatusCode.OK);
        Assert.NotEqual(etag, first.ETag);
        Assert.Contains("<strong>revu</strong>", first.Body["html"]!.GetValue<string>());
        second.Expect(HttpStatusCode.PreconditionFailed);
        none.Expect((HttpStatusCode)428);
        var now = (await client.ReadAsync($"/api/portal/items/{item["id"]}", manager)).Body;
        Assert.Equal("Deuxième version", now["title"]!.GetValue<string>());
    }

    [Fact]
    public async Task Bad_input_is_a_400_naming_each_field_and_writes_nothing()
    {
        var site = await app.SiteOfAsync(client, Feed.Joined());
        var manager = PortalApp.ManagerToken(await ManagedCooperativeAsync(site));
        var before = await app.CountAsync("items");

        var noTitle = await client.PostJsonAsync($"/api/portal/sites/{site}/items", new { kind = "news", title = " ", body = "x" }, manager);
        var badKind = await client.PostJsonAsync($"/api/portal/sites/{site}/items", new { kind = "guide", title = "Guide", body = "x" }, manager);
        var sheet = await client.PostJsonAsync($"/api/portal/sites/{site}/items",
            new { kind = "experience-sheet", title = "Fiche", body = "x", sheet = new { problem = "Un problème" } }, manager);
        var tooLong = await client.PostJsonAsync($"/api/portal/sites/{site}/items",
            new { kind = "news", title = new string('a', 301), body = "x", slug = "Pas Un Slug" }, manager);

        Assert.Contains("title", noTitle.Expect(HttpStatusCode.BadRequest).ErrorFields);
        Assert.Contains("kind", badKind.Expect(HttpStatusCode.BadRequest).ErrorFields);
        Assert.Equal(["region", "sector", "sheet.contact", "sheet.results", "sheet.whatWasDone", "theme"],
            sheet.Expect(HttpStatusCode.BadRequest).ErrorFields.Order(StringComparer.Ordinal));
        Assert.Equal(["slug", "title"], tooLong.Expect(HttpStatusCode.BadRequest).ErrorFields.Order(StringComparer.Ordinal));
        Assert.Equal(before, await app.CountAsync("items"));
    }

    [Fact]
    public async Task An_experience_sheet_keeps_its_structure()
    {
        var site = await app.SiteOfAsync(client, Feed.Joined());
        var manager = PortalApp.ManagerToken(await ManagedCooperativeAsync(site));
        var item = await client.CreateItemAsync(site, manager, "Reprise d'une menuiserie par ses salariés", "Le récit complet.",
            kind: "experience-sheet", extra: new
            {
                region = "urscop-aura", sector = "16", theme = "transmission",
                sheet = new { problem = "Le dirigeant partait en retraite.", whatWasDone = "Les salariés ont repris en SCOP.",
                    results = "22 emplois maintenus.", contact = "contact@menuiserie.example" },
            });
        await client.PublishAsync(item, manager);

        var page = (await client.ReadAsync($"/api/portal/sites/{site}/items/{item["slug"]}")).Expect(HttpStatusCode.OK).Body;
        Assert.Equal("experience-sheet", page["kind"]!.GetValue<string>());
        Assert.Equal("22 emplois maintenus.", page["sheet"]!["results"]!.GetValue<string>());
        Assert.Equal("transmission", page["theme"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_cooperative_site_follows_the_register_and_closes_when_its_membership_lapses()
    {
        var joined = Feed.Joined(name: "Coopérative des Tisserands Lyonnais");
        var site = await app.SiteOfAsync(client, joined);
        Assert.StartsWith("cooperative-des-tisserands-lyonnais", site);
        var read = (await client.ReadAsync($"/api/portal/sites/{site}")).Expect(HttpStatusCode.OK).Body;
        Assert.Equal("cooperative", read["kind"]!.GetValue<string>());
        Assert.Equal("urscop-aura", read["regionalUnion"]!.GetValue<string>());

        await app.PublishAsync(new MembershipLapsed(Guid.NewGuid(), DateTimeOffset.UtcNow, Guid.NewGuid(), joined.CooperativeId,
            "urscop-aura", ParisCalendar.Today(TimeProvider.System)));

        await Feed.EventuallyAsync(() => client.ReadAsync($"/api/portal/sites/{site}"), a => a.Status == HttpStatusCode.NotFound,
            "the site to close");
    }

    [Fact]
    public async Task Editors_are_given_by_the_site()
    {
        var joined = Feed.Joined(union: "urscop-ouest");
        var site = await app.SiteOfAsync(client, joined);
        var body = new { kind = "news", title = "Essai", body = "x" };

        (await client.PostJsonAsync("/api/portal/sites/urscop-ouest/items", body, PortalApp.DelegateToken("urscop-ouest"))).Expect(HttpStatusCode.Created);
        (await client.PostJsonAsync("/api/portal/sites/urscop-ouest/items", body, PortalApp.DelegateToken("urscop-aura"))).Expect(HttpStatusCode.Forbidden);
        (await client.PostJsonAsync($"/api/portal/sites/{site}/items", body, PortalApp.DelegateToken("urscop-ouest"))).Expect(HttpStatusCode.Forbidden);
        (await client.PostJsonAsync("/api/portal/sites/confederation/items", body, PortalApp.ManagerToken(joined.CooperativeId))).Expect(HttpStatusCode.Forbidden);
        (await client.PostJsonAsync("/api/portal/sites/confederation/items", body, PortalApp.StaffToken)).Expect(HttpStatusCode.Created);
        (await client.PostJsonAsync($"/api/portal/sites/{site}/items", body, PortalApp.StaffToken)).Expect(HttpStatusCode.Created);
        (await client.PostJsonAsync($"/api/portal/sites/{site}/items", body, PortalApp.MemberToken())).Expect(HttpStatusCode.Forbidden);
    }

    private async Task<Guid> ManagedCooperativeAsync(string site) =>
        await app.QueryScalarAsync<Guid>("SELECT cooperative_id FROM sites WHERE slug = @s", ("s", site));
}
