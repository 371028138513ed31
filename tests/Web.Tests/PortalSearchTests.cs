namespace Scop.Aspire.Web.Tests;

/// <summary>
/// The portal's search page as the public uses it: French words found whatever their accents and plurals, the matches
/// marked in the extracts, the facets narrowing the results — at a desktop's size and a phone's.
/// </summary>
[Collection(WebLanes.Third)]
public sealed class PortalSearchTests(WebPlatform platform)
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_visitor_finds_published_content_by_its_French_words_and_narrows_it_by_type(bool phone)
    {
        // A word of this run only, so that nothing else published matches it.
        var word = new string(Enumerable.Range(0, 9).Select(_ => (char)('a' + Random.Shared.Next(26))).ToArray());
        var token = await platform.TokenAsync("admin", "openid portal");
        async Task PublishAsync(object item)
        {
            var created = await platform.PostAsync(token, "/api/portal/sites/confederation/items", item);
            await platform.PostAsync(token, $"/api/portal/items/{created.GetProperty("id").GetString()}/publish", new { });
        }

        await PublishAsync(new
        {
            kind = "news", title = $"Les coopératives de {word} reprennent l'atelier",
            body = $"À {word}, les salariés ont repris leur entreprise en SCOP. <script>alert('x')</script>",
        });
        await PublishAsync(new
        {
            kind = "experience-sheet", title = $"Fiche : la reprise de la menuiserie de {word}", body = $"Le récit de {word}.",
            region = "urscop-aura", sector = "16", theme = "transmission",
            sheet = new { problem = "Le dirigeant partait.", whatWasDone = "Reprise en SCOP.", results = "12 emplois maintenus.", contact = "contact@exemple.coop" },
        });

        await using var context = await platform.NewContextAsync(phone);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/");
        await page.GetByRole(AriaRole.Link, new() { Name = "Rechercher", Exact = true }).First.ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Rechercher dans le portail");
        // Without the accent and in the singular, the word of the title is found.
        await page.GetByLabel("Mots cherchés").FillAsync($"cooperative {word}");
        await page.GetByRole(AriaRole.Button, new() { Name = "Rechercher" }).ClickAsync();

        var results = page.GetByRole(AriaRole.List, new() { Name = "Résultats" });
        await Assertions.Expect(results).ToContainTextAsync($"Les coopératives de {word} reprennent l'atelier");
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync($"pour « cooperative {word} »");
        await Assertions.Expect(results.Locator("mark").First).ToBeVisibleAsync();
        // The text of an item is text: a script in it is shown, never run nor made an element.
        Assert.Equal(0, await results.Locator("script").CountAsync());

        // Both items hold the word; the type facet keeps the experience sheet only.
        await page.GetByLabel("Mots cherchés").FillAsync(word);
        await page.GetByRole(AriaRole.Button, new() { Name = "Rechercher" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("2 résultats");
        await page.GetByRole(AriaRole.Region, new() { Name = "Type" }).GetByRole(AriaRole.Link, new() { NameRegex = new("^Fiche d'expérience") }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("1 résultat");
        await Assertions.Expect(results).ToContainTextAsync($"Fiche : la reprise de la menuiserie de {word}");
        await Assertions.Expect(results).ToContainTextAsync("Auvergne-Rhône-Alpes");
        await page.CheckAsync(platform, "search");
    }
}
