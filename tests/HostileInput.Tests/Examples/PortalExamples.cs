using System.Text.Json.Nodes;
using Scop.Aspire.HostileInput.Tests.Contract;
using Scop.Aspire.HostileInput.Tests.Support;
using Scop.Aspire.ServiceDefaults;
using Scop.Aspire.ServiceDefaults.Security;
using Scop.Aspire.Testing;

namespace Scop.Aspire.HostileInput.Tests.Examples;

/// <summary>
/// The portal: a partner's site with a draft and a published experience sheet, a guide entry published from a proposal, a proposal
/// waiting for review and one accepted, a space with a thread and a document, a saved watch filter. The feed's cursor is left out of the valid request; a site to close and reopen
/// has its own.
/// </summary>
public sealed class PortalExamples : ServiceExamples
{
    /// <summary>The person the examples' callers are: a member of the example space, so its threads and documents answer.</summary>
    private static readonly Guid Person = Guid.Parse("0195a3c4-1f00-7000-8000-0000000000bb");

    public override string Service => ResourceNames.Portal;

    public override Task<string?> TokenAsync(ServiceContext context, string role) =>
        Task.FromResult<string?>(TestTokens.For(PlatformAudiences.Portal, role, Callers.RegionalUnionOf(role), Callers.CooperativeOf(role),
            personId: Person));

    public override async Task SetUpAsync(ServiceContext context, ExampleValues examples)
    {
        var site = (await context.PostAsync("/api/portal/sites", new { kind = "partner", name = "Crédit Coopératif", slug = "credit-cooperatif" }))
            .GetProperty("slug").GetString()!;
        var closing = (await context.PostAsync("/api/portal/sites", new { kind = "partner", name = "Banque Populaire", slug = "banque-populaire" }))
            .GetProperty("slug").GetString()!;
        async Task<(Guid Id, string Slug)> ItemAsync(bool publish)
        {
            var item = await context.PostAsync($"/api/portal/sites/{site}/items", new
            {
                kind = "experience-sheet", title = $"Le prêt coopératif {Guid.NewGuid():N}"[..30], body = "Un prêt **à taux zéro**.",
                region = "urscop-aura", sector = "10", theme = "financement",
                sheet = new { problem = "Financer la reprise.", whatWasDone = "Un prêt.", results = "Reprise faite.", contact = "contact@example.coop" },
            });
            var id = item.GetProperty("id").GetGuid();
            if (publish)
            {
                await context.PostAsync($"/api/portal/items/{id}/publish", new { });
            }

            return (id, item.GetProperty("slug").GetString()!);
        }

        async Task<Guid> ProposalAsync(bool accepted)
        {
            var id = (await context.PostAsync("/api/portal/guide/proposals", new { title = "Tenir une AG vivante", body = "Un ordre du jour court." }))
                .GetProperty("id").GetGuid();
            if (accepted)
            {
                await context.PostAsync($"/api/portal/guide/proposals/{id}/review", new { accept = true });
            }

            return id;
        }

        var draft = await ItemAsync(publish: false);
        var published = await ItemAsync(publish: true);
        var entryProposal = await ProposalAsync(accepted: true);
        var entry = (await context.PostAsync($"/api/portal/guide/proposals/{entryProposal}/publish")).GetProperty("entry").GetString()!;

        var space = (await context.PostAsync("/api/portal/spaces", new { name = "Groupe finance", kind = "working-group", members = new[] { Person } }))
            .GetProperty("id").GetGuid();
        var thread = (await context.PostAsync($"/api/portal/spaces/{space}/threads", new { title = "Le prêt", body = "Qui s'en occupe ?" }))
            .GetProperty("thread").GetProperty("id").GetGuid();
        var filter = (await context.PostAsync("/api/portal/me/watch-filters", new { name = "Ma veille", region = "urscop-aura" }))
            .GetProperty("id").GetGuid();
        Guid document;
        using (var upload = context.Service.CreateClient(ServiceContext.Patience))
        {
            upload.WithToken(await context.TokenAsync(PlatformRoles.ConfederationAdmin));
            using var content = new ByteArrayContent(System.Text.Encoding.ASCII.GetBytes("%PDF-1.7\n%%EOF\n"));
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/pdf");
            using var response = await upload.PostAsync($"/api/portal/spaces/{space}/documents?name=statuts.pdf", content);
            document = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetGuid();
        }

        examples
            .Set("before", ExampleValues.Omitted)
            .Set("GetFeed.kind", JsonValue.Create("cooperative-joined"))
            .Set("GetAtomFeed.kind", JsonValue.Create("cooperative-joined"))
            .Set("SaveWatchFilter.kind", JsonValue.Create("cooperative-joined"))
            .Set("name", JsonValue.Create("Ma veille"))
            .Set("UploadDocument.name", JsonValue.Create("rapport.pdf"))
            .Set("CreateSpace.name", () => JsonValue.Create($"Groupe {Guid.NewGuid():N}"))
            .Set("CreateSpace.kind", JsonValue.Create("working-group"))
            .Set("members", new JsonArray(JsonValue.Create(Person.ToString())))
            .Set("mentions", new JsonArray())
            .Set("path", JsonValue.Create("/sites/credit-cooperatif"))
            .Set("year", JsonValue.Create(DateTime.UtcNow.Year))
            .Set("target", JsonValue.Create("member-cooperatives"))
            .Set("GetSpace.id", space)
            .Set("AddSpaceMember.id", space)
            .Set("RemoveSpaceMember.id", space)
            .Set("StartThread.id", space)
            .Set("ListThreads.id", space)
            .Set("UploadDocument.id", space)
            .Set("ListDocuments.id", space)
            .Set("GetThread.id", thread)
            .Set("AddPost.id", thread)
            .Set("DownloadDocument.id", document)
            .Set("DeleteWatchFilter.id", filter)
            .Set("personId", Guid.NewGuid())
            .Set("slug", JsonValue.Create(site))
            .Set("CloseSite.slug", JsonValue.Create(closing))
            .Set("ReopenSite.slug", JsonValue.Create(closing))
            .Set("CreateSite.slug", ExampleValues.Omitted)
            .Set("CreateItem.slug", ExampleValues.Omitted)
            .Set("UpdateItem.slug", ExampleValues.Omitted)
            .Set("CreateSite.kind", JsonValue.Create("partner"))
            .Set("CreateSite.name", () => JsonValue.Create($"Partenaire {Guid.NewGuid():N}"))
            .Set("kind", JsonValue.Create("experience-sheet"))
            .Set("UpdateItem.kind", ExampleValues.Omitted)
            .Set("title", JsonValue.Create("Le prêt coopératif expliqué"))
            .Set("summary", JsonValue.Create("Ce que le prêt change pour une reprise."))
            .Set("body", JsonValue.Create("Un prêt **à taux zéro** pour les repreneurs."))
            .Set("region", JsonValue.Create("urscop-aura"))
            .Set("sector", JsonValue.Create("10"))
            .Set("theme", JsonValue.Create("financement"))
            .Set("sheet", new JsonObject
            {
                ["problem"] = "Financer la reprise.", ["whatWasDone"] = "Un prêt à taux zéro.", ["results"] = "22 emplois.",
                ["contact"] = "contact@example.coop",
            })
            .Set("ListItemsForEditors.kind", JsonValue.Create("experience-sheet"))
            .Set("ListPublishedItems.kind", JsonValue.Create("experience-sheet"))
            .Set("at", ExampleValues.Omitted)
            .Set("menu", new JsonArray(new JsonObject { ["label"] = "Le prêt", ["page"] = published.Slug }))
            .Set("links", new JsonArray("confederation"))
            .Set("If-Match", JsonValue.Create("*"))
            .Set("site", JsonValue.Create(site))
            .Set("ListItemsForEditors.status", JsonValue.Create("draft"))
            .Set("ListGuideProposals.state", JsonValue.Create("proposed"))
            .Set("itemSlug", JsonValue.Create(published.Slug))
            .Set("GetItemForEditors.id", draft.Id)
            .Set("UpdateItem.id", draft.Id)
            .Set("PublishItem.id", draft.Id)
            .Set("UnpublishItem.id", published.Id)
            .Set("GetGuideProposal.id", entryProposal)
            .Set("ReviewGuideProposal.id", await ProposalAsync(accepted: false))
            .Set("PublishGuideProposal.id", await ProposalAsync(accepted: true))
            .Set("ProposeGuideVersion.entry", ExampleValues.Omitted)
            .Set("entry", JsonValue.Create(entry))
            .Set("number", JsonValue.Create(1))
            .Set("accept", JsonValue.Create(true))
            .Set("note", JsonValue.Create("Clair et utile."))
            .Set("q", JsonValue.Create("coopératives"));
    }
}
