using System.Net;
using System.Text.Json;
using Npgsql;
using Scop.Aspire.ServiceDefaults;
using Scop.Aspire.Testing;

namespace Scop.Aspire.Web.Tests;

/// <summary>
/// The reprise watch's money and figures in the browser: staff open a compartment of the seed fund and record a
/// funder's contribution; a delegate asks it to finance a takeover in financing, which staff approve, and a request over
/// what is left is refused in French; staff set the year of the job premium and grant one; the year's figures as charts.
/// </summary>
[Collection(WebLanes.First)]
public sealed class RepriseWatchMoneyJourneyTests(WebPlatform platform)
{
    private const string Union = "urscop-aura";

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Staff_open_a_compartment_a_delegate_asks_it_to_finance_a_takeover_staff_approve_and_a_request_over_what_is_left_is_refused(bool phone)
    {
        // Staff open a regional compartment and record a bank's contribution: it holds 50 000 €, all of it left.
        await using var staffContext = await platform.NewContextAsync(phone);
        var staff = await staffContext.NewPageAsync();
        await staff.SignInAsync(platform, "federation", check: null);
        await staff.GotoAsync("/espace");
        await staff.GetByRole(AriaRole.Link, new() { Name = "Le fonds d'amorçage" }).ClickAsync();
        await staff.WaitForURLAsync("**/reprise/fonds");
        var compartment = $"Amorçage AURA {Guid.NewGuid():N}"[..26];
        await staff.GetByLabel("Nom du compartiment *").FillAsync(compartment);
        await staff.GetByLabel("Portée *").SelectOptionAsync("Regional");
        await staff.GetByRole(AriaRole.Button, new() { Name = "Ouvrir le compartiment" }).ClickAsync();
        await Assertions.Expect(staff.Locator("#erreur-regionalUnions")).ToContainTextAsync("un régional une seule");
        await staff.GetByLabel("URSCOP Auvergne-Rhône-Alpes").CheckAsync();
        await staff.GetByRole(AriaRole.Button, new() { Name = "Ouvrir le compartiment" }).ClickAsync();
        await Assertions.Expect(staff.GetByRole(AriaRole.Status)).ToHaveTextAsync($"Le compartiment « {compartment} » est ouvert.");
        await staff.CheckAsync(platform, "reprise-seed-fund");
        await staff.GetByRole(AriaRole.Link, new() { Name = compartment }).ClickAsync();
        await Assertions.Expect(staff.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync(compartment);

        await staff.GetByLabel("Financeur *", new() { Exact = true }).FillAsync("Crédit Coopératif");
        await staff.GetByLabel("Type de financeur *").SelectOptionAsync("Bank");
        await staff.GetByLabel("Code partenaire *").FillAsync("credit-cooperatif");
        await staff.GetByLabel("Montant (en euros) *").FillAsync("50000");
        await staff.GetByRole(AriaRole.Button, new() { Name = "Enregistrer la contribution" }).ClickAsync();
        await Assertions.Expect(staff.GetByRole(AriaRole.Status)).ToContainTextAsync($"le compartiment détient {Shown.Euros(50_000)}");
        await ExpectAmountsAsync(staff, held: 50_000, committed: 0, left: 50_000);
        await Assertions.Expect(staff.GetByRole(AriaRole.Row).Filter(new() { HasText = "Crédit Coopératif" })).ToContainTextAsync(Shown.Euros(50_000));
        await Assertions.Expect(staff.GetByRole(AriaRole.Img, new() { Name = $"{compartment} : engagé et disponible" })).ToBeVisibleAsync();
        await staff.CheckAsync(platform, "reprise-compartment");
        var compartmentPage = staff.Url;

        // A takeover of the union brought to the financing stage; its delegate asks the compartment for 30 000 €.
        var company = $"Imprimerie Fonds {Guid.NewGuid():N}"[..28];
        var opportunity = await InFinancingAsync(company);
        await using var delegateContext = await platform.NewContextAsync(phone);
        var board = await delegateContext.NewPageAsync();
        await board.SignInAsync(platform, "delegate-aura", check: null);
        await board.GotoAsync($"/reprise/opportunites/{opportunity}");
        var financing = Section(board, "Le financement par le fonds d'amorçage");
        var part = financing.GetByLabel($"Montant pris sur « {compartment} »");
        await Assertions.Expect(financing).ToContainTextAsync($"Disponible : {Shown.Euros(50_000)} sur {Shown.Euros(50_000)}.");
        await part.FillAsync("30000");
        await financing.GetByLabel("Commentaire").FillAsync("Le rachat des machines.");
        await financing.GetByRole(AriaRole.Button, new() { Name = "Demander le financement" }).ClickAsync();
        await Assertions.Expect(financing.GetByRole(AriaRole.Status)).ToContainTextAsync($"La demande de financement de {Shown.Euros(30_000)} est envoyée");
        await Assertions.Expect(financing.GetByRole(AriaRole.Listitem).First).ToContainTextAsync("En attente de décision");
        await board.CheckAsync(platform, "reprise-financing-requested");

        // 25 000 € more: the compartment has 20 000 € left, which the refusal says in French.
        await part.FillAsync("25000");
        await financing.GetByRole(AriaRole.Button, new() { Name = "Demander le financement" }).ClickAsync();
        await Assertions.Expect(financing.GetByRole(AriaRole.Alert)).ToHaveTextAsync(
            $"La demande n'est pas envoyée. Le compartiment « {compartment} » n'a plus que {Shown.Euros(20_000)} disponibles sur {Shown.Euros(50_000)}, pour {Shown.Euros(25_000)} demandés.");
        await Assertions.Expect(financing.GetByRole(AriaRole.Listitem)).ToHaveCountAsync(1);
        await board.CheckAsync(platform, "reprise-financing-refused");

        // Staff approve the request among those awaiting their decision.
        await staff.GotoAsync("/reprise/fonds/demandes?statut=Requested");
        var request = staff.GetByRole(AriaRole.Article).Filter(new() { HasText = company });
        await Assertions.Expect(request).ToContainTextAsync($"{compartment} : {Shown.Euros(30_000)}");
        await staff.CheckAsync(platform, "reprise-financing-requests");
        await request.GetByLabel("Commentaire de la décision (obligatoire pour un refus)").FillAsync("Dossier complet.");
        await request.GetByRole(AriaRole.Button, new() { Name = "Approuver la demande" }).ClickAsync();
        await Assertions.Expect(staff.GetByRole(AriaRole.Status)).ToHaveTextAsync($"La demande de {Shown.Euros(30_000)} est approuvée.");
        await Assertions.Expect(staff.GetByRole(AriaRole.Article).Filter(new() { HasText = company })).ToHaveCountAsync(0);
        await staff.GotoAsync("/reprise/fonds/demandes?statut=Approved");
        await Assertions.Expect(staff.GetByRole(AriaRole.Article).Filter(new() { HasText = company })).ToContainTextAsync("« Dossier complet. »");

        // The compartment shows what it committed, and the delegate sees the request approved on the opportunity.
        await staff.GotoAsync(compartmentPage);
        await ExpectAmountsAsync(staff, held: 50_000, committed: 30_000, left: 20_000);
        await board.ReloadAsync();
        await Assertions.Expect(Section(board, "Le financement par le fonds d'amorçage").GetByRole(AriaRole.Listitem).First).ToContainTextAsync("Approuvée");

        // A delegate of another union does not see the compartment: « not found ».
        await using var ouest = await platform.NewContextAsync(phone);
        var other = await ouest.NewPageAsync();
        await other.SignInAsync(platform, "delegate-ouest", check: null);
        var response = await other.GotoAsync(new Uri(compartmentPage).PathAndQuery);
        Assert.Equal((int)HttpStatusCode.NotFound, response!.Status);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Staff_set_the_year_of_the_job_premium_and_grant_a_cooperative_its_premium_shown_with_the_budget_left(bool phone)
    {
        var year = ParisCalendar.Today(TimeProvider.System).Year;
        var cooperativeName = $"Coop Prime {Guid.NewGuid():N}"[..24];
        await RegisteredCooperativeAsync(cooperativeName, headcount: 12);
        // The year may be set already (the other viewport's run): its budget is set to what was granted plus 10 000 €.
        var staffToken = await platform.TokenAsync("federation", "openid reprise-watch");
        var granted = await platform.StatusOfAsync(staffToken, $"/api/reprise-watch/job-premium/years/{year}") == HttpStatusCode.OK
            ? (await platform.GetAsync(staffToken, $"/api/reprise-watch/job-premium/years/{year}")).GetProperty("granted").GetInt64()
            : 0;

        await using var context = await platform.NewContextAsync(phone);
        var page = await context.NewPageAsync();
        await page.SignInAsync(platform, "federation", check: null);
        await page.GotoAsync("/espace");
        await page.GetByRole(AriaRole.Link, new() { Name = "La prime à l'emploi" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("La prime à l'emploi");

        await page.GetByLabel("Montant par emploi (en euros) *").FillAsync("1000");
        await page.GetByLabel("Budget de l'année (en euros) *").FillAsync((granted + 10_000).ToString(System.Globalization.CultureInfo.InvariantCulture));
        await page.GetByLabel("Banque partenaire (code) *").FillAsync("Crédit Coopératif");
        await page.GetByRole(AriaRole.Button, new() { Name = "Enregistrer l'année" }).ClickAsync();
        await Assertions.Expect(page.Locator("#erreur-partnerCode")).ToContainTextAsync("lettres minuscules, chiffres et tirets");
        await page.GetByLabel("Banque partenaire (code) *").FillAsync("credit-cooperatif");
        await page.GetByRole(AriaRole.Button, new() { Name = "Enregistrer l'année" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync($"L'année {year} est enregistrée.");
        await ExpectFactAsync(page, "Reste du budget", Shown.Euros(10_000));

        // The union's top-up: 200 € a job, at most 500 € a premium.
        await page.Locator("select#topUpUnion").SelectOptionAsync(Union);
        await page.GetByLabel("Complément par emploi (en euros) *").FillAsync("200");
        await page.GetByLabel("Plafond par prime (en euros) *").FillAsync("500");
        await page.GetByRole(AriaRole.Button, new() { Name = "Enregistrer le complément" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Le complément régional est enregistré.");
        await Assertions.Expect(page.GetByRole(AriaRole.Table, new() { Name = "Les compléments régionaux de la prime" })
            .GetByRole(AriaRole.Row).Filter(new() { HasText = "URSCOP Auvergne-Rhône-Alpes" })).ToContainTextAsync(Shown.Euros(500));

        // The cooperative found by its name, granted for 3 jobs: 3 000 €, 500 € of top-up, 7 000 € left of the budget.
        await page.GetByLabel("Nom de la coopérative").FillAsync(cooperativeName);
        await page.GetByRole(AriaRole.Button, new() { Name = "Chercher" }).ClickAsync();
        await page.GetByLabel("Emplois créés ou maintenus *").FillAsync("3");
        await page.GetByRole(AriaRole.Button, new() { Name = "Accorder la prime" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("La prime est accordée");
        var row = page.GetByRole(AriaRole.Row).Filter(new() { HasText = cooperativeName });
        await Assertions.Expect(row).ToContainTextAsync(Shown.Euros(3_000));
        await Assertions.Expect(row).ToContainTextAsync(Shown.Euros(500));
        await Assertions.Expect(row).ToContainTextAsync("Demandé à la banque");
        await ExpectFactAsync(page, "Reste du budget", Shown.Euros(7_000));
        await Assertions.Expect(page.GetByRole(AriaRole.Img, new() { Name = $"Budget de la prime à l'emploi {year} : accordé et restant" })).ToBeVisibleAsync();
        await page.CheckAsync(platform, "reprise-job-premium");

        // Once per cooperative: a second grant is refused, said in French.
        await page.GetByLabel("Nom de la coopérative").FillAsync(cooperativeName);
        await page.GetByRole(AriaRole.Button, new() { Name = "Chercher" }).ClickAsync();
        await page.GetByLabel("Emplois créés ou maintenus *").FillAsync("2");
        await page.GetByRole(AriaRole.Button, new() { Name = "Accorder la prime" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync(
            "Cette coopérative a déjà reçu sa prime à l'emploi : une coopérative la reçoit une seule fois.");
        await page.CheckAsync(platform, "reprise-job-premium-refused");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_figures_page_charts_the_takeovers_reported_in_a_union_with_their_numbers(bool phone)
    {
        // Takeovers of Occitanie (which no other journey uses), counted on top of what earlier runs left there.
        const string occitanie = "urscop-occitanie";
        var year = ParisCalendar.Today(TimeProvider.System).Year;
        var token = await platform.TokenAsync("federation", "openid reprise-watch");
        var before = await platform.GetAsync(token, $"/api/reprise-watch/figures?year={year}&regionalUnion={occitanie}");
        var retiring = await ReportedInToulouseAsync(token, "OwnerRetiring");
        await ReportedInToulouseAsync(token, "OwnerRetiring");
        var noSuccessor = await ReportedInToulouseAsync(token, "NoSuccessor");
        await platform.PostAsync(token, $"/api/reprise-watch/opportunities/{retiring}/qualify",
            new { contactedOn = ParisCalendar.Today(TimeProvider.System), jobsAtStake = 9 }, ifMatch: "*");
        await platform.PostAsync(token, $"/api/reprise-watch/opportunities/{noSuccessor}/lose",
            new { reason = "NotViable", comment = "Carnet de commandes vide." }, ifMatch: "*");

        await using var context = await platform.NewContextAsync(phone);
        var page = await context.NewPageAsync();
        await page.SignInAsync(platform, "federation", check: null);
        await page.GotoAsync("/espace");
        await page.GetByRole(AriaRole.Link, new() { Name = "Les chiffres de la veille" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Les chiffres de la veille des reprises");
        await page.Locator("select#union").SelectOptionAsync(occitanie);
        await page.GetByRole(AriaRole.Button, new() { Name = "Afficher" }).ClickAsync();
        await page.WaitForURLAsync(url => url.Contains(occitanie, StringComparison.Ordinal));

        var opportunities = before.GetProperty("opportunities");
        var stages = $"Entreprises signalées en {year}, par étape aujourd'hui";
        await Assertions.Expect(page.GetByRole(AriaRole.Img, new() { Name = stages })).ToBeVisibleAsync();
        await ExpectCountAsync(page, stages, "Signalée", Count(opportunities, "byStage", "Reported") + 1);
        await ExpectCountAsync(page, stages, "Qualifiée", Count(opportunities, "byStage", "Qualified") + 1);
        await ExpectCountAsync(page, stages, "Perdue", Count(opportunities, "byStage", "Lost") + 1);
        var causes = $"Entreprises signalées en {year}, par cause";
        await Assertions.Expect(page.GetByRole(AriaRole.Img, new() { Name = causes })).ToBeVisibleAsync();
        await ExpectCountAsync(page, causes, "Départ à la retraite du ou de la dirigeant·e", Count(opportunities, "byCause", "OwnerRetiring") + 2);
        await ExpectCountAsync(page, causes, "Pas de successeur·e", Count(opportunities, "byCause", "NoSuccessor") + 1);
        await ExpectCountAsync(page, $"Reprises closes en {year} : en coopérative ou perdues", "Perdues",
            before.GetProperty("conversions").GetProperty("lost").GetInt64() + 1);
        await Assertions.Expect(page.Locator("main")).ToContainTextAsync(
            $"{opportunities.GetProperty("reported").GetInt64() + 3} entreprise(s) signalée(s).");
        await page.CheckAsync(platform, "reprise-figures");
    }

    /// <summary>Held, committed and left as the compartment's page states them.</summary>
    private static async Task ExpectAmountsAsync(IPage page, long held, long committed, long left)
    {
        await ExpectFactAsync(page, "Détenu", Shown.Euros(held));
        await ExpectFactAsync(page, "Engagé", Shown.Euros(committed));
        await ExpectFactAsync(page, "Disponible", Shown.Euros(left));
    }

    private static Task ExpectFactAsync(IPage page, string term, string value) =>
        Assertions.Expect(page.Locator($"dl.facts dt:text-is(\"{term}\") + dd")).ToHaveTextAsync(value);

    /// <summary>A chart's table (« … (tableau) ») says <paramref name="expected"/> for the row <paramref name="label"/>.</summary>
    private static Task ExpectCountAsync(IPage page, string chart, string label, long expected) =>
        Assertions.Expect(page.GetByRole(AriaRole.Table, new() { Name = $"{chart} (tableau)" })
                .GetByRole(AriaRole.Row).Filter(new() { Has = page.GetByRole(AriaRole.Rowheader, new() { Name = label, Exact = true }) })
                .GetByRole(AriaRole.Cell).Last)
            .ToHaveTextAsync(expected.ToString("N0", System.Globalization.CultureInfo.GetCultureInfo("fr-FR")));

    private static long Count(JsonElement opportunities, string by, string key) =>
        opportunities.GetProperty(by).TryGetProperty(key, out var count) ? count.GetInt64() : 0;

    private static ILocator Section(IPage page, string heading) =>
        page.Locator("section").Filter(new() { Has = page.GetByRole(AriaRole.Heading, new() { Name = heading, Level = 2 }) });

    /// <summary>A company of Lyon reported by the union's delegate and moved to the financing stage through the API; its id.</summary>
    private async Task<Guid> InFinancingAsync(string company)
    {
        var token = await platform.TokenAsync("delegate-aura", "openid reprise-watch");
        var id = (await platform.PostAsync(token, "/api/reprise-watch/opportunities", new
        {
            siren = Siren.Next(), companyName = company, nafCode = "18.12Z", communeCode = "69123", headcount = 11,
            cause = "NoSuccessor", confidentiality = "Restricted",
        })).GetProperty("id").GetGuid();
        await platform.PostAsync(token, $"/api/reprise-watch/opportunities/{id}/qualify",
            new { contactedOn = ParisCalendar.Today(TimeProvider.System), jobsAtStake = 11 }, ifMatch: "*");
        await platform.PostAsync(token, $"/api/reprise-watch/opportunities/{id}/feasibility", new { }, ifMatch: "*");
        await platform.PostAsync(token, $"/api/reprise-watch/opportunities/{id}/financing",
            new { feasibilitySummary = "Repreneurs prêts, clients fidèles." }, ifMatch: "*");
        return id;
    }

    /// <summary>A company of Toulouse reported by staff; its id.</summary>
    private async Task<Guid> ReportedInToulouseAsync(string token, string cause) =>
        (await platform.PostAsync(token, "/api/reprise-watch/opportunities", new
        {
            siren = Siren.Next(), companyName = $"Atelier Toulousain {Guid.NewGuid():N}"[..28], nafCode = "25.62B", communeCode = "31555",
            headcount = 9, cause, ownerAgeBand = cause == "OwnerRetiring" ? "From60To64" : null, confidentiality = "Open",
        })).GetProperty("id").GetGuid();

    /// <summary>A cooperative of Lyon registered by the union's delegate, once the watch has heard of it (and of its headcount).</summary>
    private async Task RegisteredCooperativeAsync(string name, int headcount)
    {
        var token = await platform.TokenAsync("delegate-aura", "openid membership");
        var siren = Siren.Next();
        await platform.PostAsync(token, "/api/membership/cooperatives", new
        {
            name, siren, legalForm = "SCOP", communeCode = "69123", nafCode = "13.20Z", headcount,
        });
        await using var connection = new NpgsqlConnection(await platform.App.GetConnectionStringAsync(ResourceNames.RepriseWatchDatabase));
        await connection.OpenAsync();
        await Eventually.HoldsAsync(async () =>
        {
            await using var command = new NpgsqlCommand("SELECT count(*) FROM cooperatives WHERE siren = @siren AND declared_headcount IS NOT NULL", connection);
            command.Parameters.AddWithValue("siren", siren);
            return (long)(await command.ExecuteScalarAsync())! == 1;
        }, "the reprise watch knows the cooperative and its headcount");
    }
}
