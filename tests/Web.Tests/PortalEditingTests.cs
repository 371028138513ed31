using Scop.Aspire.ServiceDefaults;
using Scop.Aspire.Testing;

namespace Scop.Aspire.Web.Tests;

/// <summary>
/// A cooperative's manager edits their cooperative's site on the portal: the site made when the cooperative joined,
/// a news item written in Markdown and previewed as the public will read it (a script in it gone), a refused field said
/// in French with nothing written, a concurrent change detected, publication now and on a date, the menu, unpublishing.
/// </summary>
[Collection(WebLanes.Third)]
public sealed class PortalEditingTests(WebPlatform platform)
{
    private const string ManagerPassword = "Un-site-pour-la-cooperative-42";

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_manager_writes_previews_publishes_and_unpublishes_on_their_cooperatives_site(bool phone)
    {
        var (_, name, manager) = await platform.NewManagedCooperativeAsync($"Imprimerie {Guid.NewGuid():N}"[..22], "69123", "18.12Z", ManagerPassword);

        await using var context = await platform.NewContextAsync(phone);
        var page = await context.NewPageAsync();
        await page.SignInAsync(platform, manager, check: null, password: ManagerPassword);
        await page.GotoAsync("/espace");
        await page.GetByRole(AriaRole.Link, new() { Name = "Mes sites" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Mes sites");

        // The portal opens the cooperative's site when membership's CooperativeJoined reaches it: a moment after.
        var mine = page.GetByRole(AriaRole.List, new() { Name = "Sites que j'édite" });
        await Eventually.HoldsAsync(async () =>
        {
            await page.ReloadAsync();
            return await mine.GetByRole(AriaRole.Heading, new() { Name = name }).CountAsync();
        }, count => count == 1, Eventually.Patience, "the cooperative's site among the manager's sites");
        Assert.Equal(1, await mine.GetByRole(AriaRole.Listitem).CountAsync());
        await page.CheckAsync(platform, "my-sites");
        await mine.GetByRole(AriaRole.Link, new() { Name = $"Éditer {name}" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync($"Éditer {name}");
        var editing = page.Url;
        await page.CheckAsync(platform, "site-editing");

        // A title left empty: said next to it, and nothing written.
        await page.GetByRole(AriaRole.Link, new() { Name = "Nouvelle publication" }).ClickAsync();
        await page.GetByLabel("Texte (Markdown)").FillAsync("Sans titre.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Enregistrer et prévisualiser" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("La publication n'est pas enregistrée : corrigez les champs signalés.");
        await Assertions.Expect(page.Locator("#erreur-title")).ToHaveTextAsync("Ce champ est obligatoire.");
        await page.CheckAsync(platform, "item-new");

        // Written in Markdown, with a script: saved as a draft, previewed rendered and without it.
        await page.GetByLabel("Titre *").FillAsync("Nos presses tournent au solaire");
        await page.GetByLabel("Adresse de la page").FillAsync("presses-solaires");
        await page.GetByLabel("Texte (Markdown)").FillAsync(
            "## Trois presses\n\nAlimentées par **nos panneaux**. <script>document.title='pris'</script>[Voir](javascript:alert(1))");
        await page.GetByRole(AriaRole.Button, new() { Name = "Enregistrer et prévisualiser" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("La publication est enregistrée ; l'aperçu est en bas de la page.");
        var preview = page.GetByRole(AriaRole.Region, new() { Name = "Aperçu" });
        await Assertions.Expect(preview.GetByRole(AriaRole.Heading, new() { Name = "Trois presses" })).ToBeVisibleAsync();
        await Assertions.Expect(preview.Locator("strong")).ToHaveTextAsync("nos panneaux");
        Assert.Equal(0, await preview.Locator("script, a[href^='javascript' i]").CountAsync());
        await Assertions.Expect(page.GetByText("Brouillon", new() { Exact = true })).ToBeVisibleAsync();
        await page.CheckAsync(platform, "item-draft");

        // The same item open twice: the second save, on the version read before the first, is refused and says why.
        var itemUrl = page.Url.Split('?')[0];
        var other = await context.NewPageAsync();
        await other.GotoAsync(itemUrl);
        await page.GetByLabel("Résumé").FillAsync("L'atelier passe au solaire.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Enregistrer et prévisualiser" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("La publication est enregistrée");
        await other.GetByLabel("Titre *").FillAsync("Un autre titre");
        await other.GetByRole(AriaRole.Button, new() { Name = "Enregistrer et prévisualiser" }).ClickAsync();
        await Assertions.Expect(other.GetByRole(AriaRole.Alert)).ToContainTextAsync("Quelqu'un a modifié cette publication depuis que vous l'avez ouverte");
        await other.CloseAsync();

        // Published on a date: scheduled; then now: on the public site, with its summary.
        var tomorrow = ParisCalendar.Today(TimeProvider.System).AddDays(1);
        await page.GetByLabel("Publier le (heure de Paris ; vide : maintenant)").FillAsync($"{tomorrow:yyyy-MM-dd}T09:30");
        await page.GetByRole(AriaRole.Button, new() { Name = "Publier", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("La publication est programmée.");
        await Assertions.Expect(page.Locator("main")).ToContainTextAsync($"Programmée pour le {Shown.Date(tomorrow)}");
        await page.GetByRole(AriaRole.Button, new() { Name = "Publier", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("La publication est en ligne.");
        await page.GetByRole(AriaRole.Link, new() { Name = "la voir sur le site" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Nos presses tournent au solaire");
        await Assertions.Expect(page.Locator("main")).ToContainTextAsync("L'atelier passe au solaire.");

        // In the site's menu: on the public site.
        await page.GotoAsync(editing);
        await page.GetByLabel("Entrées du menu").FillAsync("Nos presses presses-solaires");
        await page.GetByRole(AriaRole.Button, new() { Name = "Enregistrer le menu" }).ClickAsync();
        await Assertions.Expect(page.Locator("#erreur-menu")).ToContainTextAsync("il manque la barre verticale");
        await page.GetByLabel("Entrées du menu").FillAsync("Nos presses | presses-solaires");
        await page.GetByRole(AriaRole.Button, new() { Name = "Enregistrer le menu" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Le menu est enregistré.");
        await page.GetByRole(AriaRole.Link, new() { Name = "Voir le site" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Navigation, new() { Name = "Menu du site" })
            .GetByRole(AriaRole.Link, new() { Name = "Nos presses" })).ToBeVisibleAsync();

        // Taken off the site: its public page is gone.
        await page.GotoAsync(itemUrl);
        await page.GetByRole(AriaRole.Button, new() { Name = "Retirer du site" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("La publication n'est plus sur le site.");
        await page.GotoAsync($"/sites/{itemUrl.Split('/')[^2]}/presses-solaires");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Page introuvable");
    }
}
