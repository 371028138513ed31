using System.Text.Json;
using Scop.Aspire.Portal.Tests.Support;
using Scop.Aspire.ServiceDefaults.Security;
using Scop.Aspire.Testing.Access;
using static Scop.Aspire.Testing.Access.AccessRequests;

namespace Scop.Aspire.Portal.Tests;

/// <summary>
/// Every endpoint the portal maps, against every kind of caller. What is published is public (sites, items, sitemaps,
/// the guide's versions, the feed), as are the probes, the ping and the API document. A site's editors write on it: its
/// cooperative's manager (the records here are a cooperative's site), confederation staff; a delegate their union's
/// site, which is not this one. Anyone signed in proposes to the guide and sees their own proposals; staff review and
/// publish them.
/// </summary>
[Collection(PortalServersCollection.Name)]
public sealed class AccessMatrixTests(PortalServers servers, PortalAppPerClass perClass) : IClassFixture<PortalAppPerClass>
{
    [Fact]
    public async Task Every_mapped_endpoint_names_a_policy_and_answers_each_caller_as_the_matrix_says()
    {
        var app = await perClass.GetAsync(servers);
        using var client = app.CreateClient();
        var staff = PortalApp.StaffToken;
        var joined = Feed.Joined(name: $"Scop {Guid.NewGuid():N}");
        var site = await app.SiteOfAsync(client, joined);
        var proposer = Guid.NewGuid();
        var subject = new AccessSubject(joined.CooperativeId, "urscop-aura", proposer);

        var published = await client.CreateItemAsync(site, staff, $"Publié {Guid.NewGuid():N}");
        await client.PublishAsync(published, staff);
        var draft = await client.CreateItemAsync(site, staff, $"Brouillon {Guid.NewGuid():N}");
        var draftTitle = draft["title"]!.GetValue<string>();
        var proposal = (await client.PostJsonAsync("/api/portal/guide/proposals",
            new { title = $"Proposition {Guid.NewGuid():N}", body = "Texte." }, PortalApp.MemberToken(person: proposer))).Body;
        var proposalTitle = proposal["title"]!.GetValue<string>();
        (await client.PostJsonAsync($"/api/portal/guide/proposals/{proposal["id"]}/review", new { accept = true }, staff)).Expect(System.Net.HttpStatusCode.OK);
        var entry = (await client.PostJsonAsync($"/api/portal/guide/proposals/{proposal["id"]}/publish", null, staff)).Body["entry"]!.GetValue<string>();
        (await client.PostJsonAsync("/api/portal/sites", new { kind = "partner", name = "Partenaire de la matrice", slug = "matrix-partner" }, staff))
            .Expect(System.Net.HttpStatusCode.Created);

        var space = (await client.PostJsonAsync("/api/portal/spaces",
            new { name = $"Espace {Guid.NewGuid():N}", kind = "working-group", members = new[] { proposer } }, staff)).Body;
        var spaceId = space["id"]!.GetValue<string>();
        var memberToken = PortalApp.MemberToken(person: proposer);
        var thread = (await client.PostJsonAsync($"/api/portal/spaces/{spaceId}/threads",
            new { title = $"Fil {Guid.NewGuid():N}", body = "Bonjour." }, memberToken)).Body["thread"]!;
        var pdf = System.Text.Encoding.ASCII.GetBytes("%PDF-1.7\n%%EOF\n");
        HttpRequestMessage Upload()
        {
            var request = new HttpRequestMessage(HttpMethod.Post, $"/api/portal/spaces/{spaceId}/documents?name=matrice.pdf")
            {
                Content = new ByteArrayContent(pdf),
            };
            request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/pdf");
            return request;
        }

        using var uploadAsMember = Upload();
        uploadAsMember.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", memberToken);
        using var uploaded = await client.SendAsync(uploadAsMember);
        var documentId = System.Text.Json.Nodes.JsonNode.Parse(await uploaded.Content.ReadAsStringAsync())!["id"]!.GetValue<string>();
        var year = DateTime.UtcNow.Year;

        async Task<string> NewProposalAsync(bool accepted)
        {
            var p = (await client.PostJsonAsync("/api/portal/guide/proposals", new { title = $"P {Guid.NewGuid():N}", body = "x" },
                PortalApp.MemberToken())).Body;
            if (accepted)
            {
                await client.PostJsonAsync($"/api/portal/guide/proposals/{p["id"]}/review", new { accept = true }, staff);
            }

            return p["id"]!.GetValue<string>();
        }

        string Json(object value) => JsonSerializer.Serialize(value);
        var itemBody = Json(new { kind = "news", title = "Par la matrice", body = "x" });

        var matrix = new AccessMatrix()
            //                                                            anon mem  self mgr  mgr2 elec dlg  dlg2 fed  adm  partner
            .Row("GET /api/portal/ping",                                 "* 200", () => Get("/api/portal/ping"))
            .Row("* /health",                                            "* 200", () => Get("/health"))
            .Row("* /alive",                                             "* 200", () => Get("/alive"))
            .Row("GET /openapi/{documentName}.json",                     "* 200", () => Get("/openapi/v1.json"))
            .Row("GET /api/portal/feed",                                 "* 200", () => Get("/api/portal/feed?limit=100"), marker: joined.Name)
            .Row("GET /api/portal/sites",                                "* 200", () => Get("/api/portal/sites?kind=cooperative&pageSize=100"), marker: joined.Name)
            .Row("GET /api/portal/sites/{slug}",                         "* 200", () => Get($"/api/portal/sites/{site}"), marker: joined.Name)
            .Row("GET /api/portal/sites/{slug}/items",                   "* 200", () => Get($"/api/portal/sites/{site}/items"), marker: published["title"]!.GetValue<string>())
            .Row("GET /api/portal/sites/{slug}/items/{itemSlug}",        "* 200", () => Get($"/api/portal/sites/{site}/items/{published["slug"]}"), marker: published["title"]!.GetValue<string>())
            .Row("GET /api/portal/search",                               "* 200", () => Get($"/api/portal/search?q={Uri.EscapeDataString(published["title"]!.GetValue<string>())}"),
                marker: published["slug"]!.GetValue<string>())
            .Row("GET /api/portal/sites/{slug}/sitemap.xml",             "* 200", () => Get($"/api/portal/sites/{site}/sitemap.xml"))
            .Row("POST /api/portal/sites",                               "401 403 403 403 403 403 403 403 201 201 403",
                () => Post("/api/portal/sites", Json(new { kind = "partner", name = $"Banque {Guid.NewGuid():N}" })))
            .Row("GET /api/portal/me/sites",                             "401 200- 200- 200 200- 200- 200- 200- 200 200 403",
                () => Get("/api/portal/me/sites?kind=cooperative&pageSize=100"), marker: joined.Name)
            .Row("GET /api/portal/sites/{slug}/edit",                    "401 403 403 200 403 403 403 403 200 200 403", () => Get($"/api/portal/sites/{site}/edit"))
            .Row("PUT /api/portal/sites/{slug}",                         "401 403 403 200 403 403 403 403 200 200 403",
                () => WithIfMatch(Put($"/api/portal/sites/{site}", Json(new { menu = Array.Empty<object>(), links = new[] { "confederation" } }))))
            .Row("POST /api/portal/sites/{slug}/close",                  "401 403 403 403 403 403 403 403 204 204 403", () => Post("/api/portal/sites/matrix-partner/close"))
            .Row("POST /api/portal/sites/{slug}/reopen",                 "401 403 403 403 403 403 403 403 204 204 403", () => Post("/api/portal/sites/matrix-partner/reopen"))
            .Row("POST /api/portal/sites/{slug}/items",                  "401 403 403 201 403 403 403 403 201 201 403", () => Post($"/api/portal/sites/{site}/items", itemBody))
            .Row("GET /api/portal/items",                                "401 403 403 200 403 403 403 403 200 200 403", () => Get($"/api/portal/items?site={site}&pageSize=100"), marker: draftTitle)
            .Row("GET /api/portal/items/{id:guid}",                           "401 404 404 200 404 404 404 404 200 200 403", () => Get($"/api/portal/items/{draft["id"]}"), marker: draftTitle)
            .Row("PUT /api/portal/items/{id:guid}",                           "401 404 404 200 404 404 404 404 200 200 403",
                () => WithIfMatch(Put($"/api/portal/items/{draft["id"]}", Json(new { title = draftTitle, body = "Revu." }))))
            .Row("POST /api/portal/items/{id:guid}/publish",                  "401 404 404 200 404 404 404 404 200 200 403",
                () => Post($"/api/portal/items/{draft["id"]}/publish", "{}"))
            .Row("POST /api/portal/items/{id:guid}/unpublish",                "401 404 404 200 404 404 404 404 200 200 403", async _ =>
            {
                await client.PostJsonAsync($"/api/portal/items/{published["id"]}/publish", null, staff);
                return Post($"/api/portal/items/{published["id"]}/unpublish");
            })
            .Row("POST /api/portal/guide/proposals",                     "401 201 201 201 201 201 201 201 201 201 403",
                () => Post("/api/portal/guide/proposals", Json(new { title = "Une bonne pratique", body = "x" })))
            .Row("GET /api/portal/guide/proposals",                      "401 200- 200 200- 200- 200- 200- 200- 200 200 403",
                () => Get("/api/portal/guide/proposals?state=published&pageSize=100"), marker: proposalTitle)
            .Row("GET /api/portal/guide/proposals/{id:guid}",                 "401 404 200 404 404 404 404 404 200 200 403",
                () => Get($"/api/portal/guide/proposals/{proposal["id"]}"), marker: proposalTitle)
            .Row("POST /api/portal/guide/proposals/{id:guid}/review",         "401 403 403 403 403 403 403 403 200 200 403",
                async _ => Post($"/api/portal/guide/proposals/{await NewProposalAsync(accepted: false)}/review", Json(new { accept = true })))
            .Row("POST /api/portal/guide/proposals/{id:guid}/publish",        "401 403 403 403 403 403 403 403 200 200 403",
                async _ => Post($"/api/portal/guide/proposals/{await NewProposalAsync(accepted: true)}/publish"))
            .Row("GET /api/portal/feed.atom",                            "* 200", () => Get("/api/portal/feed.atom"), marker: joined.Name)
            .Row("GET /api/portal/me/watch-filters",                     "401 200 200 200 200 200 200 200 200 200 403", () => Get("/api/portal/me/watch-filters"))
            .Row("POST /api/portal/me/watch-filters",                    "401 201 201 201 201 201 201 201 201 201 403",
                () => Post("/api/portal/me/watch-filters", Json(new { name = "Ma veille", region = "urscop-aura" })))
            .Row("DELETE /api/portal/me/watch-filters/{id:guid}",        "401 404 404 404 404 404 404 404 404 404 403",
                () => Send(HttpMethod.Delete, $"/api/portal/me/watch-filters/{Guid.NewGuid()}"))
            .Row("POST /api/portal/visits",                              "* 202", () => Post("/api/portal/visits", Json(new { site })))
            .Row("GET /api/portal/statistics/{year:int}",                "* 200", () => Get($"/api/portal/statistics/{year}?site={site}"))
            .Row("GET /api/portal/targets/{year:int}",                   "* 200", () => Get($"/api/portal/targets/{joined.OccurredAt.Year}"))
            .Row("GET /api/portal/targets/{year:int}/{target}/facts",    "401 403 403 403 403 403 200 200- 200 200 403",
                () => Get($"/api/portal/targets/{joined.OccurredAt.Year}/member-cooperatives/facts?pageSize=100"), marker: joined.CooperativeId.ToString())
            .Row("POST /api/portal/spaces",                              "401 403 403 403 403 403 403 403 201 201 403",
                () => Post("/api/portal/spaces", Json(new { name = "Club de la matrice", kind = "club" })))
            .Row("GET /api/portal/spaces",                               "401 200- 200 200- 200- 200- 200- 200- 200 200 403",
                () => Get("/api/portal/spaces?pageSize=100"), marker: space["name"]!.GetValue<string>())
            .Row("GET /api/portal/spaces/{id:guid}",                     "401 404 200 404 404 404 404 404 200 200 403",
                () => Get($"/api/portal/spaces/{spaceId}"), marker: space["name"]!.GetValue<string>())
            .Row("PUT /api/portal/spaces/{id:guid}/members/{personId:guid}", "401 403 403 403 403 403 403 403 204 204 403",
                () => Put($"/api/portal/spaces/{spaceId}/members/{Guid.NewGuid()}"))
            .Row("DELETE /api/portal/spaces/{id:guid}/members/{personId:guid}", "401 403 403 403 403 403 403 403 204 204 403",
                () => Send(HttpMethod.Delete, $"/api/portal/spaces/{spaceId}/members/{Guid.NewGuid()}"))
            .Row("POST /api/portal/spaces/{id:guid}/threads",            "401 404 201 404 404 404 404 404 404 404 403",
                () => Post($"/api/portal/spaces/{spaceId}/threads", Json(new { title = "Un fil", body = "Texte." })))
            .Row("GET /api/portal/spaces/{id:guid}/threads",             "401 404 200 404 404 404 404 404 404 404 403",
                () => Get($"/api/portal/spaces/{spaceId}/threads?pageSize=100"), marker: thread["title"]!.GetValue<string>())
            .Row("GET /api/portal/threads/{id:guid}",                    "401 404 200 404 404 404 404 404 404 404 403",
                () => Get($"/api/portal/threads/{thread["id"]}"), marker: thread["title"]!.GetValue<string>())
            .Row("POST /api/portal/threads/{id:guid}/posts",             "401 404 201 404 404 404 404 404 404 404 403",
                () => Post($"/api/portal/threads/{thread["id"]}/posts", Json(new { body = "Réponse." })))
            .Row("GET /api/portal/me/mentions",                          "401 200 200 200 200 200 200 200 200 200 403", () => Get("/api/portal/me/mentions"))
            .Row("POST /api/portal/spaces/{id:guid}/documents",          "401 404 201 404 404 404 404 404 404 404 403", () => Upload())
            .Row("GET /api/portal/spaces/{id:guid}/documents",           "401 404 200 404 404 404 404 404 404 404 403",
                () => Get($"/api/portal/spaces/{spaceId}/documents"), marker: "matrice.pdf")
            .Row("GET /api/portal/documents/{id:guid}",                  "401 404 200 404 404 404 404 404 404 404 403",
                () => Get($"/api/portal/documents/{documentId}"))
            .Row("GET /api/portal/guide/{entry}/versions",               "* 200", () => Get($"/api/portal/guide/{entry}/versions"), marker: proposalTitle)
            .Row("GET /api/portal/guide/{entry}/versions/{number:int}",      "* 200", () => Get($"/api/portal/guide/{entry}/versions/1"), marker: proposalTitle);

        matrix.AssertCoversEveryEndpoint(app.Services);
        await matrix.AssertOutcomesAsync(client, caller => Task.FromResult(AccessCallers.TokenOf(caller, PlatformAudiences.Portal, subject)));
    }

    private static HttpRequestMessage WithIfMatch(HttpRequestMessage request)
    {
        request.Headers.TryAddWithoutValidation("If-Match", "*");
        return request;
    }
}
