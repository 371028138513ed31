using System.Text.Json;

namespace Scop.Aspire.Web.Tests;

/// <summary>
/// The portal's sites as the public reads them: a partner's site found among the network's sites, its menu, a page of
/// hostile Markdown shown inert, an experience sheet reached from the search; and each page view counted by the
/// front-end's beacon, to the site it belongs to, in the statistics page — at a desktop's size and a phone's.
/// </summary>
[Collection(WebLanes.Third)]
public sealed class PortalSitesTests(WebPlatform platform)
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_visitor_reads_a_site_its_page_inert_and_its_sheet_from_the_search_and_each_view_is_counted_to_that_site(bool phone)
    {
        // A partner's site of this run only, with a page of hostile Markdown in its menu and an experience sheet.
        var word = new string(Enumerable.Range(0, 9).Select(_ => (char)('a' + Random.Shared.Next(26))).ToArray());
        var slug = $"partenaire-{word}";
        var name = $"Banque partenaire {word}";
        var token = await platform.TokenAsync("admin", "openid portal");
        await platform.PostAsync(token, "/api/portal/sites", new { kind = "partner", name, slug });
        async Task PublishAsync(object item)
        {
            var created = await platform.PostAsync(token, $"/api/portal/sites/{slug}/items", item);
            await platform.PostAsync(token, $"/api/portal/items/{created.GetProperty("id").GetString()}/publish", new { });
        }

        await PublishAsync(new
        {
            kind = "page", slug = "nos-offres", title = "Nos offres aux coopératives",
            body = "## Le prêt participatif\n\nPour **les SCOP** en création. <script>document.title='x'</script>" +
                   "<img src=x onerror=\"document.title='y'\"> [Simuler](javascript:document.title='z')",
        });
        await PublishAsync(new
        {
            kind = "experience-sheet", slug = "reprise-atelier", title = $"Fiche : l'atelier {word} repris par ses salariés", body = "Le récit.",
            region = "urscop-aura", sector = "25", theme = "transmission",
            sheet = new { problem = "Le dirigeant partait.", whatWasDone = "Reprise en SCOP.", results = "18 emplois maintenus.", contact = "contact@exemple.coop" },
        });
        var edit = await platform.GetAsync(token, $"/api/portal/sites/{slug}/edit");
        await platform.PutAsync(token, $"/api/portal/sites/{slug}",
            new { menu = new[] { new { label = "Nos offres", page = "nos-offres" } }, links = new[] { "confederation" } },
            edit.GetProperty("eTag").GetString()!);

        // A person's browser: headless Chromium names itself « HeadlessChrome », and the portal counts no robot's views.
        await using var context = await platform.NewContextAsync(phone, phone
            ? "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Mobile Safari/537.36"
            : "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36");
        var page = await context.NewPageAsync();
        await page.GotoAsync("/sites?type=partner");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Les sites du réseau");
        await page.CheckAsync(platform, "sites");
        // Partners' sites only; more than a page may be there, so the one of this run is looked for by its name.
        await page.GetByLabel("Type de site").SelectOptionAsync("partner");
        await page.GetByRole(AriaRole.Button, new() { Name = "Filtrer" }).ClickAsync();
        var sites = page.GetByRole(AriaRole.List, new() { Name = "Sites" });
        await Assertions.Expect(sites.GetByRole(AriaRole.Listitem).First).ToContainTextAsync("Partenaire");

        await page.GotoAsync($"/sites/{slug}");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync(name);
        await Assertions.Expect(page.GetByRole(AriaRole.Region, new() { Name = "Sites complémentaires" })).ToContainTextAsync("Confédération");
        await page.CheckAsync(platform, "site");

        // The page of the menu: its Markdown rendered, nothing of the script, the handler or the javascript: link left.
        await page.GetByRole(AriaRole.Navigation, new() { Name = "Menu du site" }).GetByRole(AriaRole.Link, new() { Name = "Nos offres" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Nos offres aux coopératives");
        var prose = page.Locator("article .prose");
        await Assertions.Expect(prose.GetByRole(AriaRole.Heading, new() { Level = 2 })).ToHaveTextAsync("Le prêt participatif");
        await Assertions.Expect(prose.Locator("strong")).ToHaveTextAsync("les SCOP");
        Assert.Equal(0, await prose.Locator("script, [onerror]").CountAsync());
        Assert.Equal(0, await prose.Locator("a[href^='javascript' i]").CountAsync());
        Assert.DoesNotContain(await page.TitleAsync(), new[] { "x", "y", "z" });
        await page.CheckAsync(platform, "site-page");

        // The sheet, found by the search and opened from its result.
        await page.GotoAsync($"/recherche?q={word}");
        await page.GetByRole(AriaRole.List, new() { Name = "Résultats" })
            .GetByRole(AriaRole.Link, new() { Name = $"Fiche : l'atelier {word} repris par ses salariés" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync($"Fiche : l'atelier {word} repris par ses salariés");
        await Assertions.Expect(page.Locator("article dl")).ToContainTextAsync("18 emplois maintenus.");
        await Assertions.Expect(page.Locator("article")).ToContainTextAsync("Auvergne-Rhône-Alpes");
        await page.CheckAsync(platform, "site-sheet");

        // Three page views of the site (its home, its page, its sheet) by one visitor: what the statistics say once the
        // counters are flushed. The other pages counted to the national site.
        await page.GotoAsync($"/statistiques?site={slug}");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("La fréquentation du portail");
        var figures = page.Locator("dl.facts");
        var pageViews = figures.Locator("dt:text-is('Pages vues') + dd");
        for (var attempt = 0; attempt < 30 && await pageViews.InnerTextAsync() != "3"; attempt++)
        {
            await Task.Delay(1000);
            await page.ReloadAsync();
        }

        await Assertions.Expect(pageViews).ToHaveTextAsync("3");
        await Assertions.Expect(figures.Locator("dt:text-is('Visites') + dd")).ToHaveTextAsync("1");
        await Assertions.Expect(figures.Locator("dt:text-is(\"Visiteurs uniques de l'année\") + dd")).ToHaveTextAsync("1");
        await page.CheckAsync(platform, "statistics");

        // What cannot be a site's address: said, in French.
        await page.GetByLabel("Site (vide : tout le portail)").FillAsync("Pas un site !");
        await page.GetByRole(AriaRole.Button, new() { Name = "Afficher" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("L'adresse d'un site s'écrit en minuscules");
    }
}
