using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Scop.Aspire.ServiceDefaults;
using Scop.Aspire.Testing;

namespace Scop.Aspire.Web.Tests;

/// <summary>
/// The SCOP Ambassades in the browser: a project holder, without an account, finds the Ambassades nearest to a
/// commune, writes to one, keeps the private link given once, follows their enquiry and withdraws it, their data erased.
/// </summary>
[Collection(WebLanes.Second)]
public sealed class AmbassadeJourneyTests(WebPlatform platform)
{
    private const string ManagerPassword = "Une-ambassade-pour-tous-42";

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_project_holder_finds_the_nearest_ambassade_from_a_commune_writes_to_it_follows_and_withdraws_the_enquiry(bool phone)
    {
        // A labelled Ambassade in Aurillac (15014), of an uncommon sector (91, libraries and museums).
        var (_, name, _) = await platform.LabelledAmbassadeAsync("Médiathèque", "15014", "91.01Z", ManagerPassword);

        await using var context = await platform.NewContextAsync(phone);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/");
        await page.GetByRole(AriaRole.Link, new() { Name = "Trouver une SCOP Ambassade" }).First.ClickAsync();
        await page.WaitForURLAsync("**/ambassades");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Trouver une SCOP Ambassade");
        await page.CheckAsync(platform, "ambassades-search");

        // A code no commune carries: said in French.
        await page.GetByLabel("Code postal ou code INSEE de la commune").FillAsync("00000");
        await page.GetByRole(AriaRole.Button, new() { Name = "Chercher" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("Aucune commune ne porte ce code postal ou ce code INSEE : vérifiez-le.");

        // From the postcode 15000 (Aurillac), sector 91: the Ambassade, at 0 km, in the Cantal.
        await page.GetByLabel("Code postal ou code INSEE de la commune").FillAsync("15000");
        await page.GetByLabel("Secteur (division NAF)").FillAsync("91");
        await page.GetByRole(AriaRole.Button, new() { Name = "Chercher" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Les plus proches de Aurillac" })).ToBeVisibleAsync();
        var card = page.GetByRole(AriaRole.List, new() { Name = "Les plus proches de Aurillac" })
            .GetByRole(AriaRole.Listitem).Filter(new() { HasText = name });
        await Assertions.Expect(card).ToContainTextAsync("0,0 km — Aurillac (15)");
        await Assertions.Expect(card).ToContainTextAsync("Auvergne-Rhône-Alpes");
        await page.CheckAsync(platform, "ambassades-nearest");

        // The enquiry: every error said next to its field, in French, and nothing sent.
        await card.GetByRole(AriaRole.Link, new() { Name = $"Écrire à {name}" }).ClickAsync();
        await page.WaitForURLAsync("**/ambassades/demande?ambassade=*");
        await Assertions.Expect(page.GetByText($"Votre demande va à {name}.")).ToBeVisibleAsync();
        await page.CheckAsync(platform, "ambassades-enquiry");
        await page.GetByLabel("Votre projet, en quelques lignes *").FillAsync("Reprendre la librairie <b>du bourg</b> à trois salarié·es.");
        await page.GetByLabel("Secteur (division NAF) *").FillAsync("47");
        await page.GetByLabel("Commune du projet (code INSEE) *").FillAsync("99999");
        await page.GetByRole(AriaRole.Button, new() { Name = "Envoyer ma demande" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("La demande n'est pas envoyée : corrigez les champs signalés.");
        await Assertions.Expect(page.Locator("#erreur-communeCode")).ToHaveTextAsync("Le code INSEE d'une commune (ex. 69123 pour Lyon).");
        await Assertions.Expect(page.Locator("#erreur-consentToContact")).ToHaveTextAsync("Cochez la case pour que l'Ambassade puisse vous répondre.");
        await page.CheckAsync(platform, "ambassades-enquiry-error");

        // Right: sent, the private link shown once with the date of the answer due.
        await page.GetByLabel("Commune du projet (code INSEE) *").FillAsync("15014");
        await page.GetByLabel("Votre nom").FillAsync("Dominique Libraire");
        await page.GetByLabel("Courriel").FillAsync("dominique.libraire@example.org");
        await page.GetByLabel("J'accepte que la SCOP Ambassade", new() { Exact = false }).CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Envoyer ma demande" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Votre demande est envoyée");
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync($"{name} a reçu votre demande.");
        var link = page.Locator("[data-follow-link]");
        await Assertions.Expect(link).ToContainTextAsync("/ambassades/suivi/");
        await page.CheckAsync(platform, "ambassades-enquiry-sent");

        // The follow page: the status, the Ambassade and the text, as plain text.
        await link.ClickAsync();
        await page.WaitForURLAsync("**/ambassades/suivi/*");
        await Assertions.Expect(page.Locator("[data-status]")).ToHaveTextAsync("Reçue, en attente de réponse");
        await Assertions.Expect(page.GetByText(name, new() { Exact = true })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("Reprendre la librairie <b>du bourg</b> à trois salarié·es.")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("b", new() { HasText = "du bourg" })).ToHaveCountAsync(0);
        await page.CheckAsync(platform, "ambassades-follow");

        // Withdrawing asks for confirmation; confirmed, the text is erased.
        var withdraw = page.GetByRole(AriaRole.Button, new() { Name = "Retirer ma demande et effacer mes données" });
        await page.GetByLabel("Je confirme : retirer ma demande et effacer mes données").CheckAsync();
        await withdraw.ClickAsync();
        await page.WaitForURLAsync("**/ambassades/suivi/*?retiree=1");
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Votre demande est retirée et vos données sont effacées.");
        await Assertions.Expect(page.Locator("[data-status]")).ToHaveTextAsync("Retirée");
        await Assertions.Expect(page.GetByText("Reprendre la librairie", new() { Exact = false })).ToHaveCountAsync(0);
        await Assertions.Expect(withdraw).ToHaveCountAsync(0);
        await page.CheckAsync(platform, "ambassades-withdrawn");

        // A wrong link follows nothing.
        await page.GotoAsync("/ambassades/suivi/pas-un-jeton");
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("Ce lien de suivi ne correspond à aucune demande.");
    }
}
