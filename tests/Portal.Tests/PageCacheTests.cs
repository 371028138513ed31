using System.Net;
using Scop.Aspire.Portal.Tests.Support;

namespace Scop.Aspire.Portal.Tests;

/// <summary>Public answers from Redis: ETags and 304, and never a stale page once a change is acknowledged.</summary>
[Collection(PortalServersCollection.Name)]
public sealed class PageCacheTests(PortalServers servers, PortalAppPerClass perClass) : IClassFixture<PortalAppPerClass>, IAsyncLifetime
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
    public async Task A_public_page_is_served_from_the_cache_with_an_ETag_and_304()
    {
        var staff = PortalApp.StaffToken;
        var item = await client.CreateItemAsync("scop-btp", staff, "Chantiers coopératifs", "Le BTP en **SCOP**.");
        await client.PublishAsync(item, staff);
        var path = $"/api/portal/sites/scop-btp/items/{item["slug"]}";

        var first = (await client.ReadAsync(path)).Expect(HttpStatusCode.OK);
        var second = (await client.ReadAsync(path)).Expect(HttpStatusCode.OK);
        var revalidated = await client.ReadAsync(path, ifNoneMatch: first.ETag);

        Assert.Equal("miss", first.Headers.GetValues("X-Portal-Cache").Single());
        Assert.Equal("hit", second.Headers.GetValues("X-Portal-Cache").Single());
        Assert.Equal(first.ETag, second.ETag);
        Assert.Equal(first.Text, second.Text);
        Assert.Equal(HttpStatusCode.NotModified, revalidated.Status);
        Assert.Equal("", revalidated.Text);
    }

    [Fact]
    public async Task No_stale_page_after_an_edit_publication_or_unpublication_is_acknowledged()
    {
        var staff = PortalApp.StaffToken;
        var item = await client.CreateItemAsync("scop-industrie", staff, "Version 1", "Texte un.");
        await client.PublishAsync(item, staff);
        var path = $"/api/portal/sites/scop-industrie/items/{item["slug"]}";
        var list = "/api/portal/sites/scop-industrie/items";
        var v1 = (await client.ReadAsync(path)).Expect(HttpStatusCode.OK);
        (await client.ReadAsync(path)).Expect(HttpStatusCode.OK); // now cached
        (await client.ReadAsync(list)).Expect(HttpStatusCode.OK);

        var etag = (await client.ReadAsync($"/api/portal/items/{item["id"]}", staff)).ETag!;
        (await client.PutJsonAsync($"/api/portal/items/{item["id"]}", new { title = "Version 2", body = "Texte deux." }, staff, etag))
            .Expect(HttpStatusCode.OK);

        var v2 = (await client.ReadAsync(path, ifNoneMatch: v1.ETag)).Expect(HttpStatusCode.OK);
        Assert.Equal("Version 2", v2.Body["title"]!.GetValue<string>());
        Assert.Contains("Version 2", (await client.ReadAsync(list)).Text);

        (await client.PostJsonAsync($"/api/portal/items/{item["id"]}/unpublish", null, staff)).Expect(HttpStatusCode.OK);
        (await client.ReadAsync(path)).Expect(HttpStatusCode.NotFound);
        Assert.DoesNotContain("Version 2", (await client.ReadAsync(list)).Text);
    }

    [Fact]
    public async Task Each_site_has_a_sitemap_of_its_published_items()
    {
        var staff = PortalApp.StaffToken;
        var published = await client.CreateItemAsync("scop-communication", staff, "Imprimer en coopérative");
        await client.PublishAsync(published, staff);
        var draft = await client.CreateItemAsync("scop-communication", staff, "Brouillon secret");

        var sitemap = (await client.ReadAsync("/api/portal/sites/scop-communication/sitemap.xml")).Expect(HttpStatusCode.OK);

        Assert.StartsWith("<?xml", sitemap.Text);
        Assert.Contains($"/sites/scop-communication/{published["slug"]}</loc>", sitemap.Text);
        Assert.DoesNotContain(draft["slug"]!.GetValue<string>(), sitemap.Text);
        (await client.ReadAsync("/api/portal/sites/no-such-site/sitemap.xml")).Expect(HttpStatusCode.NotFound);
    }
}
