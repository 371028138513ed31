using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Scop.Aspire.ServiceDefaults;
using Scop.Aspire.Testing;

namespace Scop.Aspire.Web.Tests;

/// <summary>
/// The SCOP Ambassade label and its enquiries in the browser: a cooperative's manager applies, the union's delegate
/// visits, fills the checklist and grants the label, suspends and reinstates it; a refused input is said in French and
/// writes nothing; an enquiry a project holder sent reaches the Ambassade's manager and its delegate, who answers it.
/// </summary>
[Collection(WebLanes.Second)]
public sealed class AmbassadeLabelJourneyTests(WebPlatform platform)
{
    private const string ManagerPassword = "Une-ambassade-pour-tous-42";

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_manager_applies_the_delegate_reviews_and_approves_and_the_manager_sees_the_label_and_its_history(bool phone)
    {
        var (_, name, manager) = await platform.ManagedCooperativeAsync("Atelier", "69123", "62.01Z", ManagerPassword);

        // The manager, from their space: no label yet.
        await using var managerContext = await platform.NewContextAsync(phone);
        var managerPage = await managerContext.NewPageAsync();
        await managerPage.SignInAsync(platform, manager, check: null, password: ManagerPassword);
        await managerPage.GotoAsync("/espace");
        await managerPage.GetByRole(AriaRole.Link, new() { Name = "Ma SCOP Ambassade" }).ClickAsync();
        await managerPage.WaitForURLAsync("**/gestion/ambassade");
        await Assertions.Expect(managerPage.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Ma SCOP Ambassade");
        await Assertions.Expect(managerPage.GetByText("Votre coopérative n'a pas encore demandé le label.")).ToBeVisibleAsync();
        await managerPage.CheckAsync(platform, "ambassade-manager-none");

        // Without a motivation: said next to the field, nothing applied.
        await managerPage.GetByRole(AriaRole.Button, new() { Name = "Déposer la candidature" }).ClickAsync();
        await Assertions.Expect(managerPage.GetByRole(AriaRole.Alert)).ToHaveTextAsync("La candidature n'est pas déposée : corrigez les champs signalés.");
        await Assertions.Expect(managerPage.Locator("#erreur-motivation")).ToHaveTextAsync("Ce champ est obligatoire.");
        await Assertions.Expect(managerPage.GetByText("Votre coopérative n'a pas encore demandé le label.")).ToBeVisibleAsync();
        await managerPage.CheckAsync(platform, "ambassade-manager-apply-error");

        // Applied (the service learns the cooperative from the register's events: until then the page says so).
        var applied = managerPage.GetByRole(AriaRole.Status).Filter(new() { HasText = "Votre candidature est déposée" });
        await UntilAsync(async () =>
        {
            await managerPage.GetByLabel("Votre motivation *").FillAsync("Accueillir les porteurs de projet <b>du quartier</b>.");
            await managerPage.GetByRole(AriaRole.Button, new() { Name = "Déposer la candidature" }).ClickAsync();
            await managerPage.WaitForLoadStateAsync();
            return await applied.CountAsync() == 1;
        }, "the application in the browser");
        await Assertions.Expect(managerPage.Locator("[data-label-status]")).ToHaveTextAsync("candidature en cours");
        await Assertions.Expect(managerPage.GetByText("Accueillir les porteurs de projet <b>du quartier</b>.")).ToBeVisibleAsync();
        await Assertions.Expect(managerPage.GetByRole(AriaRole.Button, new() { Name = "Déposer la candidature" })).ToHaveCountAsync(0);
        await managerPage.CheckAsync(platform, "ambassade-manager-applied");

        // The delegate, from their space: the applications to examine, the new one among them.
        await using var delegateContext = await platform.NewContextAsync(phone);
        var delegatePage = await delegateContext.NewPageAsync();
        await delegatePage.SignInAsync(platform, "delegate-aura", check: null);
        await delegatePage.GotoAsync("/espace");
        await delegatePage.GetByRole(AriaRole.Link, new() { Name = "Les labels" }).ClickAsync();
        await delegatePage.WaitForURLAsync("**/ambassades/labels");
        await delegatePage.GetByLabel("Statut").SelectOptionAsync("Applied");
        await delegatePage.GetByRole(AriaRole.Button, new() { Name = "Filtrer" }).ClickAsync();
        await delegatePage.WaitForURLAsync("**/ambassades/labels?statut=Applied");
        var row = delegatePage.GetByRole(AriaRole.Row).Filter(new() { HasText = name });
        await Assertions.Expect(row).ToContainTextAsync("candidature en cours");
        await Assertions.Expect(row).ToContainTextAsync("visite à faire");
        await Assertions.Expect(row).ToContainTextAsync("Lyon");
        await delegatePage.CheckAsync(platform, "ambassade-labels");

        // Its page: only the visit and the refusal until the visit is made.
        await row.GetByRole(AriaRole.Link, new() { Name = name }).ClickAsync();
        await delegatePage.WaitForURLAsync("**/ambassades/labels/*");
        await Assertions.Expect(delegatePage.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync(name);
        await Assertions.Expect(delegatePage.GetByRole(AriaRole.Button, new() { Name = "Accorder le label" })).ToHaveCountAsync(0);
        await Assertions.Expect(delegatePage.GetByRole(AriaRole.Button, new() { Name = "Suspendre le label" })).ToHaveCountAsync(0);
        await delegatePage.CheckAsync(platform, "ambassade-label-applied");

        await delegatePage.GetByLabel("La signalétique est en place").CheckAsync();
        await delegatePage.GetByLabel("Elle peut accueillir et informer les porteurs de projet").CheckAsync();
        await delegatePage.GetByLabel("Elle a une représentation locale").CheckAsync();
        await delegatePage.GetByRole(AriaRole.Button, new() { Name = "Enregistrer la visite" }).ClickAsync();
        await Assertions.Expect(delegatePage.GetByRole(AriaRole.Status)).ToHaveTextAsync("La visite et la grille des critères sont enregistrées.");
        await Assertions.Expect(delegatePage.Locator("dl").Filter(new() { HasText = "Signalétique en place" })).ToContainTextAsync("Représentation locale");

        // Granted (once the register's events say the membership is current: until then the page says why not).
        var granted = delegatePage.GetByRole(AriaRole.Status).Filter(new() { HasText = "Le label est accordé." });
        await UntilAsync(async () =>
        {
            await delegatePage.GetByLabel("Commentaire (facultatif)").First.FillAsync("Visite concluante, vitrine visible depuis la rue.");
            await delegatePage.GetByRole(AriaRole.Button, new() { Name = "Accorder le label" }).ClickAsync();
            await delegatePage.WaitForLoadStateAsync();
            return await granted.CountAsync() == 1;
        }, "the approval in the browser");
        await Assertions.Expect(delegatePage.Locator("[data-label-status]")).ToHaveTextAsync("labellisée");
        var history = delegatePage.GetByRole(AriaRole.List, new() { Name = "Historique du label" });
        await Assertions.Expect(history.GetByRole(AriaRole.Listitem)).ToHaveCountAsync(3);
        await Assertions.Expect(history).ToContainTextAsync("« Visite concluante, vitrine visible depuis la rue. »");
        await Assertions.Expect(delegatePage.GetByRole(AriaRole.Button, new() { Name = "Suspendre le label" })).ToBeVisibleAsync();
        await Assertions.Expect(delegatePage.GetByRole(AriaRole.Button, new() { Name = "Enregistrer la visite" })).ToHaveCountAsync(0);
        await delegatePage.CheckAsync(platform, "ambassade-label-labelled");

        // The manager sees it labelled, until when, every step, and may ask for its renewal.
        var delegateToken = await platform.TokenAsync("delegate-aura", "openid ambassadors");
        var id = Guid.Parse(delegatePage.Url.Split('/').Last());
        var endsOn = DateOnly.Parse((await platform.GetAsync(delegateToken, $"/api/ambassadors/ambassades/{id}")).GetProperty("labelEndsOn").GetString()!);
        await managerPage.ReloadAsync();
        await Assertions.Expect(managerPage.Locator("[data-label-status]")).ToHaveTextAsync("labellisée");
        await Assertions.Expect(managerPage.Locator("[data-label-ends]")).ToHaveTextAsync(Shown.Date(endsOn));
        var steps = managerPage.GetByRole(AriaRole.List, new() { Name = "Historique du label" }).GetByRole(AriaRole.Listitem);
        await Assertions.Expect(steps).ToHaveCountAsync(3);
        await Assertions.Expect(steps.Nth(0)).ToContainTextAsync("Candidature déposée");
        await Assertions.Expect(steps.Nth(1)).ToContainTextAsync("Visite et grille des critères");
        await Assertions.Expect(steps.Nth(2)).ToContainTextAsync($"Label accordé jusqu'au {Shown.Date(endsOn)}, par délégué·e d'union régionale");
        await Assertions.Expect(managerPage.GetByRole(AriaRole.Button, new() { Name = "Demander le renouvellement" })).ToBeVisibleAsync();
        await managerPage.CheckAsync(platform, "ambassade-manager-labelled");
    }

    [Fact]
    public async Task The_delegate_suspends_with_a_reason_and_reinstates_a_label_and_a_missing_reason_writes_nothing()
    {
        var (id, name, _) = await platform.LabelledAmbassadeAsync("Imprimerie", "69123", "18.12Z", ManagerPassword);
        var delegateToken = await platform.TokenAsync("delegate-aura", "openid ambassadors");
        var stepsBefore = (await platform.GetAsync(delegateToken, $"/api/ambassadors/ambassades/{id}/history")).GetArrayLength();

        await using var context = await platform.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.SignInAsync(platform, "delegate-aura", check: null);
        await page.GotoAsync($"/ambassades/labels/{id}");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync(name);
        await Assertions.Expect(page.Locator("[data-label-status]")).ToHaveTextAsync("labellisée");
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Rétablir le label" })).ToHaveCountAsync(0);

        // No reason: said next to the field, in French, and nothing written.
        await page.GetByRole(AriaRole.Button, new() { Name = "Suspendre le label" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("Rien n'est enregistré : corrigez les champs signalés.");
        await Assertions.Expect(page.Locator("#erreur-suspend-reason")).ToHaveTextAsync("Ce champ est obligatoire.");
        await Assertions.Expect(page.GetByLabel("Motif de la suspension *")).ToHaveAttributeAsync("aria-invalid", "true");
        await Assertions.Expect(page.Locator("[data-label-status]")).ToHaveTextAsync("labellisée");
        await page.CheckAsync(platform, "ambassade-label-suspend-error");
        var unchanged = await platform.GetAsync(delegateToken, $"/api/ambassadors/ambassades/{id}");
        Assert.Equal("Labelled", unchanged.GetProperty("status").GetString());
        Assert.Equal(stepsBefore, (await platform.GetAsync(delegateToken, $"/api/ambassadors/ambassades/{id}/history")).GetArrayLength());

        // With its reason: suspended, the reason said as the delegate wrote it; only reinstating or withdrawing is left.
        await page.GetByLabel("Motif de la suspension *").FillAsync("Signalétique déposée <i>pendant les travaux</i>.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Suspendre le label" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Le label est suspendu : l'Ambassade sort de l'annuaire.");
        await Assertions.Expect(page.Locator("[data-label-status]")).ToHaveTextAsync("suspendue");
        await Assertions.Expect(page.Locator("dd").Filter(new() { HasText = "pendant les travaux" })).ToHaveTextAsync("Signalétique déposée <i>pendant les travaux</i>.");
        await Assertions.Expect(page.Locator("i", new() { HasText = "pendant les travaux" })).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Suspendre le label" })).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Retirer le label" })).ToBeVisibleAsync();
        var history = page.GetByRole(AriaRole.List, new() { Name = "Historique du label" }).GetByRole(AriaRole.Listitem);
        await Assertions.Expect(history.Last).ToContainTextAsync("Label suspendu");
        await Assertions.Expect(history.Last).ToContainTextAsync("« Signalétique déposée <i>pendant les travaux</i>. »");
        await page.CheckAsync(platform, "ambassade-label-suspended");
        Assert.Equal("Suspended", (await platform.GetAsync(delegateToken, $"/api/ambassadors/ambassades/{id}")).GetProperty("status").GetString());

        // Reinstated: in force again.
        await page.GetByLabel("Commentaire (facultatif)").FillAsync("Signalétique reposée.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Rétablir le label" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Le label est rétabli : l'Ambassade revient dans l'annuaire.");
        await Assertions.Expect(page.Locator("[data-label-status]")).ToHaveTextAsync("labellisée");
        await Assertions.Expect(history.Last).ToContainTextAsync("Label rétabli");
        await Assertions.Expect(history.Last).ToContainTextAsync("« Signalétique reposée. »");
        await Assertions.Expect(history).ToHaveCountAsync(stepsBefore + 2);
        await page.CheckAsync(platform, "ambassade-label-reinstated");
        Assert.Equal("Labelled", (await platform.GetAsync(delegateToken, $"/api/ambassadors/ambassades/{id}")).GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_door_100_km_from_the_commune_is_refused_in_french_and_a_near_one_is_set_then_back_to_the_commune()
    {
        var (_, _, manager) = await platform.LabelledAmbassadeAsync("Boulangerie", "69123", "10.71C", ManagerPassword);
        using var browser = CodeFlow.NewBrowser(platform.Address);
        var managerToken = (await CodeFlow.SignInAsync(browser, manager, ManagerPassword, "openid ambassadors")).AccessToken!;
        var before = await platform.GetAsync(managerToken, "/api/ambassadors/me/ambassade");

        await using var context = await platform.NewContextAsync(phone: true);
        var page = await context.NewPageAsync();
        await page.SignInAsync(platform, manager, check: null, password: ManagerPassword);
        await page.GotoAsync("/gestion");
        await page.GetByRole(AriaRole.Link, new() { Name = "Ma SCOP Ambassade" }).ClickAsync();
        await page.WaitForURLAsync("**/gestion/ambassade");
        await Assertions.Expect(page.GetByText("L'annuaire place votre Ambassade au centre de sa commune", new() { Exact = false })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Revenir à la commune" })).ToHaveCountAsync(0);

        // About 100 km east of Lyon: refused, said next to the field, nothing moved.
        await page.GetByLabel("Latitude *").FillAsync("45.764");
        await page.GetByLabel("Longitude *").FillAsync("6.12");
        await page.GetByRole(AriaRole.Button, new() { Name = "Placer la porte ici" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("La position n'est pas enregistrée : corrigez les champs signalés.");
        await Assertions.Expect(page.Locator("#erreur-latitude")).ToContainTextAsync("km de Lyon, la commune de l'Ambassade : la porte est à 30 km au plus.");
        await Assertions.Expect(page.GetByLabel("Latitude *")).ToHaveAttributeAsync("aria-invalid", "true");
        await page.CheckAsync(platform, "ambassade-manager-door-error");
        var after = await platform.GetAsync(managerToken, "/api/ambassadors/me/ambassade");
        Assert.Equal("Commune", after.GetProperty("positionSource").GetString());
        Assert.Equal(before.GetProperty("latitude").GetDouble(), after.GetProperty("latitude").GetDouble());
        Assert.Equal(before.GetProperty("eTag").GetString(), after.GetProperty("eTag").GetString());

        // At the door, in the commune: placed; then back to the commune.
        await page.GetByLabel("Latitude *").FillAsync("45.7597");
        await page.GetByLabel("Longitude *").FillAsync("4.8422");
        await page.GetByRole(AriaRole.Button, new() { Name = "Placer la porte ici" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("La porte de votre coopérative est placée sur la carte.");
        await Assertions.Expect(page.GetByText("L'annuaire place votre Ambassade à la porte que vous avez indiquée : 45,7597, 4,8422.")).ToBeVisibleAsync();
        await page.CheckAsync(platform, "ambassade-manager-door");
        var placed = await platform.GetAsync(managerToken, "/api/ambassadors/me/ambassade");
        Assert.Equal("Manager", placed.GetProperty("positionSource").GetString());
        Assert.Equal(45.7597, placed.GetProperty("latitude").GetDouble(), 4);

        await page.GetByRole(AriaRole.Button, new() { Name = "Revenir à la commune" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Votre Ambassade est de nouveau placée au centre de sa commune.");
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Revenir à la commune" })).ToHaveCountAsync(0);
        Assert.Equal("Commune", (await platform.GetAsync(managerToken, "/api/ambassadors/me/ambassade")).GetProperty("positionSource").GetString());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task An_enquiry_reaches_the_manager_and_the_delegate_who_answers_it_and_the_project_holder_sees_the_answer(bool phone)
    {
        var (id, name, manager) = await platform.LabelledAmbassadeAsync("Menuiserie", "69123", "16.23Z", ManagerPassword);
        var project = "Reprendre l'atelier <script>alert(1)</script> de mon oncle, voir https://example.org/atelier.";
        using var sent = await platform.Gateway.PostAsJsonAsync("/api/ambassadors/enquiries", new
        {
            ambassade = id.ToString(), project, sector = "16", communeCode = "69123", name = "Camille Porteuse",
            email = "camille.porteuse@example.org", consentToContact = true,
        });
        Assert.True(sent.StatusCode == HttpStatusCode.Created, $"enquiry: {(int)sent.StatusCode} {await sent.Content.ReadAsStringAsync()}");
        var enquiry = await sent.Content.ReadFromJsonAsync<JsonElement>();
        var enquiryId = enquiry.GetProperty("id").GetGuid();
        var followPath = $"/ambassades/suivi/{enquiry.GetProperty("followToken").GetString()}";

        // The manager sees it in their Ambassade's list, and opens it: the text and the contact as plain text.
        await using var managerContext = await platform.NewContextAsync(phone);
        var managerPage = await managerContext.NewPageAsync();
        await managerPage.SignInAsync(platform, manager, check: null, password: ManagerPassword);
        await managerPage.GotoAsync("/gestion/ambassade");
        var managerRow = managerPage.Locator($"tr[data-enquiry='{enquiryId}']");
        await Assertions.Expect(managerRow).ToContainTextAsync("en attente de réponse");
        await managerPage.CheckAsync(platform, "ambassade-manager-enquiries");
        await managerRow.GetByRole(AriaRole.Link).ClickAsync();
        await managerPage.WaitForURLAsync($"**/ambassades/demandes/{enquiryId}");
        await Assertions.Expect(managerPage.Locator("[data-enquiry-project]")).ToHaveTextAsync(project);
        await Assertions.Expect(managerPage.GetByText("camille.porteuse@example.org", new() { Exact = true })).ToBeVisibleAsync();
        await Assertions.Expect(managerPage.Locator("main a[href^='https://example.org'], main a[href^='mailto:']")).ToHaveCountAsync(0);
        await Assertions.Expect(managerPage.GetByRole(AriaRole.Link, new() { Name = "Retour à mon Ambassade" })).ToBeVisibleAsync();
        await Assertions.Expect(managerPage.GetByRole(AriaRole.Button, new() { Name = "Enregistrer la réponse" })).ToBeVisibleAsync();
        await managerPage.CheckAsync(platform, "ambassade-enquiry-manager");

        // The delegate finds it among the union's enquiries.
        await using var delegateContext = await platform.NewContextAsync(phone);
        var delegatePage = await delegateContext.NewPageAsync();
        await delegatePage.SignInAsync(platform, "delegate-aura", check: null);
        await delegatePage.GotoAsync("/espace");
        await delegatePage.GetByRole(AriaRole.Link, new() { Name = "Les demandes" }).ClickAsync();
        await delegatePage.WaitForURLAsync("**/ambassades/demandes");
        var delegateRow = delegatePage.Locator($"tr[data-enquiry='{enquiryId}']");
        await Assertions.Expect(delegateRow).ToContainTextAsync("en attente de réponse");
        await Assertions.Expect(delegateRow).ToContainTextAsync("69123");
        await delegatePage.CheckAsync(platform, "ambassade-enquiries");
        await delegateRow.GetByRole(AriaRole.Link).ClickAsync();
        await delegatePage.WaitForURLAsync($"**/ambassades/demandes/{enquiryId}");
        await Assertions.Expect(delegatePage.GetByRole(AriaRole.Link, new() { Name = "Le label de l'Ambassade" })).ToHaveAttributeAsync("href", $"/ambassades/labels/{id}");

        // An empty answer: said next to the field, nothing recorded.
        await delegatePage.GetByRole(AriaRole.Button, new() { Name = "Enregistrer la réponse" }).ClickAsync();
        await Assertions.Expect(delegatePage.GetByRole(AriaRole.Alert)).ToHaveTextAsync("La réponse n'est pas enregistrée : corrigez le champ signalé.");
        await Assertions.Expect(delegatePage.Locator("#erreur-note")).ToHaveTextAsync("Ce champ est obligatoire.");
        await Assertions.Expect(delegatePage.Locator("[data-enquiry-status]")).ToHaveTextAsync("en attente de réponse");
        await delegatePage.CheckAsync(platform, "ambassade-enquiry-error");

        // Answered.
        await delegatePage.GetByLabel("Votre réponse *").FillAsync($"Bonjour, {name} vous reçoit mardi à 10 h.");
        await delegatePage.GetByRole(AriaRole.Button, new() { Name = "Enregistrer la réponse" }).ClickAsync();
        await Assertions.Expect(delegatePage.GetByRole(AriaRole.Status)).ToHaveTextAsync("Votre réponse est enregistrée.");
        await Assertions.Expect(delegatePage.Locator("[data-enquiry-status]")).ToHaveTextAsync("répondue");
        await Assertions.Expect(delegatePage.Locator("[data-enquiry-answer]")).ToHaveTextAsync($"Bonjour, {name} vous reçoit mardi à 10 h.");
        await Assertions.Expect(delegatePage.GetByRole(AriaRole.Button, new() { Name = "Enregistrer la réponse" })).ToHaveCountAsync(0);
        await delegatePage.CheckAsync(platform, "ambassade-enquiry-answered");

        // The manager's page, reloaded, shows the answer and no form any more; the list says it answered.
        await managerPage.ReloadAsync();
        await Assertions.Expect(managerPage.Locator("[data-enquiry-answer]")).ToHaveTextAsync($"Bonjour, {name} vous reçoit mardi à 10 h.");
        await Assertions.Expect(managerPage.GetByRole(AriaRole.Button, new() { Name = "Enregistrer la réponse" })).ToHaveCountAsync(0);
        await managerPage.GotoAsync("/gestion/ambassade");
        await Assertions.Expect(managerRow).ToContainTextAsync("répondue");

        // The project holder's follow page shows it answered.
        await using var holderContext = await platform.NewContextAsync(phone);
        var holderPage = await holderContext.NewPageAsync();
        await holderPage.GotoAsync(followPath);
        await Assertions.Expect(holderPage.Locator("[data-status]")).ToHaveTextAsync("Répondue");
        await Assertions.Expect(holderPage.GetByText($"Bonjour, {name} vous reçoit mardi à 10 h.")).ToBeVisibleAsync();
        await holderPage.CheckAsync(platform, "ambassade-enquiry-follow-answered");
    }

    /// <summary>Tries <paramref name="attempt"/> until it holds: what waits on the register's events reaching the service.</summary>
    private static async Task UntilAsync(Func<Task<bool>> attempt, string what)
    {
        var until = DateTime.UtcNow + Eventually.Patience;
        while (!await attempt())
        {
            Assert.True(DateTime.UtcNow < until, $"{what} did not succeed within {Eventually.Patience}");
            await Task.Delay(500);
        }
    }
}
