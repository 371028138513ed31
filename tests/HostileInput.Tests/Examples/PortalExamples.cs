using System.Text.Json.Nodes;
using Scop.Aspire.HostileInput.Tests.Contract;
using Scop.Aspire.ServiceDefaults;

namespace Scop.Aspire.HostileInput.Tests.Examples;

/// <summary>
/// The portal: a partner's site with a draft and a published experience sheet, a guide entry published from a proposal, a proposal
/// waiting for review and one accepted. The feed's cursor is left out of the valid request; a site to close and reopen
/// has its own.
/// </summary>
public sealed class PortalExamples : ServiceExamples
{
    public override string Service => ResourceNames.Portal;

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

        examples
            .Set("before", ExampleValues.Omitted)
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
