namespace Scop.Aspire.Web.Tests;

/// <summary>Federation and confederation staff, each journey from the first screen to its confirmation, at both sizes.</summary>
[Collection(WebLanes.First)]
public sealed class StaffJourneyTests(WebPlatform platform)
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Federation_staff_add_a_course_programme_a_session_set_the_fund_and_read_the_targets(bool phone)
    {
        await using var context = await platform.NewContextAsync(phone);
        var page = await context.NewPageAsync();
        await page.SignInAsync(platform, "federation", check: null);
        await page.CheckAsync(platform, "space-federation");

        // The catalogue: an empty title is refused, said next to the field; then the course is added.
        await page.GetByRole(AriaRole.Link, new() { Name = "Le catalogue" }).First.ClickAsync();
        await page.WaitForURLAsync("**/formation/catalogue");
        var title = $"Coopérer au quotidien {Guid.NewGuid():N}"[..32];
        await page.GetByLabel("Durée (heures)").FillAsync("7");
        await page.GetByRole(AriaRole.Button, new() { Name = "Ajouter au catalogue" }).ClickAsync();
        await Assertions.Expect(page.Locator("#erreur-title")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByLabel("Intitulé")).ToHaveAttributeAsync("aria-invalid", "true");
        await page.CheckAsync(platform, "catalogue-error");
        await page.GetByLabel("Intitulé").FillAsync(title);
        await page.GetByRole(AriaRole.Button, new() { Name = "Ajouter au catalogue" }).ClickAsync();
        await Assertions.Expect(page.GetByText("La formation est ajoutée au catalogue.")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Table)).ToContainTextAsync(title);
        await page.CheckAsync(platform, "catalogue");

        // A session of it, open at once, with its seats.
        await page.GetByRole(AriaRole.Link, new() { Name = "Les sessions" }).First.ClickAsync();
        await page.WaitForURLAsync("**/formation/sessions");
        await page.GetByLabel("Formation", new() { Exact = true }).SelectOptionAsync(new SelectOptionValue { Label = title });
        var start = OctoberTuesday();
        await page.GetByLabel("Premier jour").FillAsync(start.ToString("yyyy-MM-dd"));
        await page.GetByLabel("Dernier jour").FillAsync(start.ToString("yyyy-MM-dd"));
        await page.GetByLabel("Union régionale").SelectOptionAsync("urscop-aura");
        await page.GetByLabel("Commune (code INSEE)").FillAsync("69123");
        await page.GetByLabel("Places", new() { Exact = true }).FillAsync("12");
        await page.GetByLabel("Prix par personne (euros)").FillAsync("350");
        await page.GetByRole(AriaRole.Button, new() { Name = "Programmer la session" }).ClickAsync();
        await Assertions.Expect(page.GetByText("La session est programmée.")).ToBeVisibleAsync();
        var row = page.GetByRole(AriaRole.Row).Filter(new() { HasText = title });
        await Assertions.Expect(row).ToContainTextAsync("0 / 12");
        await Assertions.Expect(row).ToContainTextAsync("Ouverte");
        await page.CheckAsync(platform, "sessions");

        // The fund: a budget, shown in euros, as a chart and a table.
        await page.GetByRole(AriaRole.Link, new() { Name = "Le fonds" }).First.ClickAsync();
        await page.WaitForURLAsync("**/formation/fonds");
        await page.GetByLabel("Budget de l'année (en euros)").FillAsync("-5");
        await page.GetByRole(AriaRole.Button, new() { Name = "Enregistrer le budget" }).ClickAsync();
        await Assertions.Expect(page.Locator("#erreur-budgetCents")).ToBeVisibleAsync();
        await page.GetByLabel("Budget de l'année (en euros)").FillAsync("250000");
        await page.GetByRole(AriaRole.Button, new() { Name = "Enregistrer le budget" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "est enregistré" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Table).First).ToContainTextAsync("250 000,00 €");
        await page.CheckAsync(platform, "fund");

        // The targets, nationally and by union.
        await page.GotoAsync("/formation/objectifs");
        await Assertions.Expect(page.Locator("svg.chart").First).ToBeVisibleAsync();
        await page.ExpectTargetShownAsync(platform, "Salarié·es et associé·es", "employees");
        await page.CheckAsync(platform, "targets");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task An_admin_creates_an_account_gives_it_a_delegates_role_and_the_person_signs_in_with_it(bool phone)
    {
        await using var context = await platform.NewContextAsync(phone);
        var page = await context.NewPageAsync();
        await page.SignInAsync(platform, "admin", check: null);
        await page.CheckAsync(platform, "space-admin");
        await page.GetByRole(AriaRole.Link, new() { Name = "Les comptes" }).ClickAsync();
        await page.WaitForURLAsync("**/comptes");
        await page.CheckAsync(platform, "accounts");

        // Creating: without a password the account is refused, said next to the field.
        await page.GetByRole(AriaRole.Link, new() { Name = "Créer un compte" }).ClickAsync();
        var userName = $"lea.{Guid.NewGuid():N}"[..16];
        await page.GetByLabel("Identifiant *").FillAsync(userName);
        await page.GetByLabel("Nom affiché").FillAsync("Léa Déléguée");
        await page.GetByRole(AriaRole.Button, new() { Name = "Créer le compte" }).ClickAsync();
        await Assertions.Expect(page.Locator("#erreur-password")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByLabel("Mot de passe initial *")).ToHaveAttributeAsync("aria-invalid", "true");
        await page.CheckAsync(platform, "account-error");
        const string password = "Une-phrase-assez-longue-42";
        await page.GetByLabel("Mot de passe initial *").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Créer le compte" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Le compte est créé.");
        await Assertions.Expect(page.Locator("dl.facts")).ToContainTextAsync("coopérateur·rice");

        // A delegate acts for one union: without it the roles are refused, then saved with it.
        await page.GetByLabel("coopérateur·rice").UncheckAsync();
        await page.GetByLabel("délégué·e d'union régionale").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Enregistrer les rôles" }).ClickAsync();
        await Assertions.Expect(page.Locator("#erreur-regionalUnion")).ToBeVisibleAsync();
        await page.GetByLabel("Union régionale (délégué·e)").SelectOptionAsync("urscop-ouest");
        await page.GetByRole(AriaRole.Button, new() { Name = "Enregistrer les rôles" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Les rôles sont enregistrés");
        await Assertions.Expect(page.Locator("dl.facts")).ToContainTextAsync("URSCOP Ouest");
        await page.CheckAsync(platform, "account");

        // Found by name in the list.
        await page.GotoAsync("/comptes?nom=" + Uri.EscapeDataString("léa déléguée"));
        await Assertions.Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = userName })).ToContainTextAsync("délégué·e d'union régionale");

        // The person signs in with it and finds their region's cooperatives.
        await using var theirs = await platform.NewContextAsync(phone);
        var their = await theirs.NewPageAsync();
        await their.SignInAsync(platform, userName, check: null, password: password);
        await Assertions.Expect(their.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Bonjour Léa Déléguée");
        await Assertions.Expect(their.GetByRole(AriaRole.Heading, new() { Name = "Les coopératives de ma région" })).ToBeVisibleAsync();
    }

    /// <summary>A Tuesday of October next year: no French public holiday falls in October.</summary>
    private static DateTime OctoberTuesday()
    {
        var day = new DateTime(DateTime.UtcNow.Year + 1, 10, 6);
        while (day.DayOfWeek != DayOfWeek.Tuesday)
        {
            day = day.AddDays(1);
        }

        return day;
    }
}
