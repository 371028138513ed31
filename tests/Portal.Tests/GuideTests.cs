using System.Net;
using Scop.Aspire.Portal.Tests.Support;

namespace Scop.Aspire.Portal.Tests;

/// <summary>The good-practice guide: proposed by anyone signed in, reviewed, published by staff, every version readable.</summary>
[Collection(PortalServersCollection.Name)]
public sealed class GuideTests(PortalServers servers, PortalAppPerClass perClass) : IClassFixture<PortalAppPerClass>, IAsyncLifetime
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
    public async Task A_proposal_is_reviewed_then_published_and_each_version_stays_readable()
    {
        var proposer = PortalApp.MemberToken(subject: "member-" + Guid.NewGuid());
        var staff = PortalApp.StaffToken;

        // A member proposes an entry: not public, not publishable before a review, not reviewable by a member.
        var proposal = (await client.PostJsonAsync("/api/portal/guide/proposals",
            new { title = "Accueillir un nouveau sociétaire", body = "Un **parrain** par nouvel associé.", theme = "gouvernance" },
            proposer)).Expect(HttpStatusCode.Created).Body;
        Assert.Equal("proposed", proposal["state"]!.GetValue<string>());
        var id = proposal["id"]!.GetValue<string>();
        (await client.PostJsonAsync($"/api/portal/guide/proposals/{id}/review", new { accept = true }, proposer)).Expect(HttpStatusCode.Forbidden);
        (await client.PostJsonAsync($"/api/portal/guide/proposals/{id}/publish", null, staff)).Expect(HttpStatusCode.Conflict);
        (await client.ReadAsync($"/api/portal/guide/proposals/{id}", PortalApp.MemberToken())).Expect(HttpStatusCode.NotFound);
        (await client.ReadAsync($"/api/portal/guide/proposals/{id}", proposer)).Expect(HttpStatusCode.OK);

        // Staff accept and publish it: version 1, current.
        (await client.PostJsonAsync($"/api/portal/guide/proposals/{id}/review", new { accept = true, note = "Clair." }, staff))
            .Expect(HttpStatusCode.OK);
        var published = (await client.PostJsonAsync($"/api/portal/guide/proposals/{id}/publish", null, staff)).Expect(HttpStatusCode.OK).Body;
        var entry = published["entry"]!.GetValue<string>();
        Assert.Equal(1, published["number"]!.GetValue<int>());
        var page = (await client.ReadAsync($"/api/portal/sites/confederation/items/{entry}")).Expect(HttpStatusCode.OK).Body;
        Assert.Equal("guide", page["kind"]!.GetValue<string>());
        Assert.Contains("<strong>parrain</strong>", page["html"]!.GetValue<string>());

        // Another member proposes a revision; a rejection needs a note and cannot be published.
        var other = PortalApp.MemberToken(subject: "member-" + Guid.NewGuid());
        var rejected = (await client.PostJsonAsync("/api/portal/guide/proposals",
            new { entry, title = "Accueillir un nouveau sociétaire", body = "Rien à dire." }, other)).Expect(HttpStatusCode.Created).Body;
        Assert.Contains("note", (await client.PostJsonAsync($"/api/portal/guide/proposals/{rejected["id"]}/review", new { accept = false }, staff))
            .Expect(HttpStatusCode.BadRequest).ErrorFields);
        (await client.PostJsonAsync($"/api/portal/guide/proposals/{rejected["id"]}/review", new { accept = false, note = "Trop court." }, staff))
            .Expect(HttpStatusCode.OK);
        (await client.PostJsonAsync($"/api/portal/guide/proposals/{rejected["id"]}/publish", null, staff)).Expect(HttpStatusCode.Conflict);

        // A second revision is accepted and published: version 2 becomes current, version 1 stays readable.
        var revision = (await client.PostJsonAsync("/api/portal/guide/proposals",
            new { entry, title = "Accueillir et former un nouveau sociétaire", body = "Un parrain et une **journée d'accueil**." }, other))
            .Expect(HttpStatusCode.Created).Body;
        (await client.PostJsonAsync($"/api/portal/guide/proposals/{revision["id"]}/review", new { accept = true }, staff)).Expect(HttpStatusCode.OK);
        var second = (await client.PostJsonAsync($"/api/portal/guide/proposals/{revision["id"]}/publish", null, staff)).Expect(HttpStatusCode.OK).Body;
        Assert.Equal(2, second["number"]!.GetValue<int>());

        var versions = (await client.ReadAsync($"/api/portal/guide/{entry}/versions")).Expect(HttpStatusCode.OK).Body.AsArray();
        Assert.Equal([2, 1], versions.Select(v => v!["number"]!.GetValue<int>()));
        Assert.Equal([true, false], versions.Select(v => v!["current"]!.GetValue<bool>()));
        var first = (await client.ReadAsync($"/api/portal/guide/{entry}/versions/1")).Expect(HttpStatusCode.OK).Body;
        Assert.Contains("<strong>parrain</strong>", first["html"]!.GetValue<string>());
        Assert.False(first["current"]!.GetValue<bool>());
        var current = (await client.ReadAsync($"/api/portal/sites/confederation/items/{entry}")).Expect(HttpStatusCode.OK).Body;
        Assert.Equal("Accueillir et former un nouveau sociétaire", current["title"]!.GetValue<string>());
        Assert.Equal(2, current["version"]!.GetValue<int>());
        (await client.ReadAsync($"/api/portal/guide/{entry}/versions/3")).Expect(HttpStatusCode.NotFound);

        // The watch feed told the network each time.
        var feed = await client.GetPageAsync(limit: 100);
        Assert.Equal(2, feed.Items.Count(e => e.Kind == "good-practice-published" && e.Title.StartsWith("Accueillir", StringComparison.Ordinal)));

        // The proposer sees their own proposals, staff every one.
        var mine = (await client.ReadAsync("/api/portal/guide/proposals", other)).Expect(HttpStatusCode.OK).Body;
        Assert.Equal(2, mine["totalCount"]!.GetValue<int>());
        var all = (await client.ReadAsync("/api/portal/guide/proposals?pageSize=100", staff)).Expect(HttpStatusCode.OK).Body;
        Assert.True(all["totalCount"]!.GetValue<int>() >= 3);
    }

    [Fact]
    public async Task A_guide_entry_is_not_edited_or_published_around_its_review()
    {
        var staff = PortalApp.StaffToken;
        var p = (await client.PostJsonAsync("/api/portal/guide/proposals", new { title = "Tenir une AG vivante", body = "Ordre du jour court." },
            PortalApp.MemberToken())).Expect(HttpStatusCode.Created).Body;
        (await client.PostJsonAsync($"/api/portal/guide/proposals/{p["id"]}/review", new { accept = true }, staff)).Expect(HttpStatusCode.OK);
        var entry = (await client.PostJsonAsync($"/api/portal/guide/proposals/{p["id"]}/publish", null, staff)).Expect(HttpStatusCode.OK).Body;
        var itemId = await app.QueryScalarAsync<Guid>("SELECT id FROM items WHERE slug = @s AND kind = 'Guide'", ("s", entry["entry"]!.GetValue<string>()));

        var edit = await client.PutJsonAsync($"/api/portal/items/{itemId}", new { title = "Changé en douce", body = "x" }, staff, "*");

        edit.Expect(HttpStatusCode.Conflict);
        (await client.PostJsonAsync($"/api/portal/guide/proposals/{p["id"]}/review", new { accept = false, note = "Trop tard" }, staff))
            .Expect(HttpStatusCode.Conflict);
    }
}
