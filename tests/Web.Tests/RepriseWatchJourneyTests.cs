using System.Net;
using Npgsql;
using Scop.Aspire.ServiceDefaults;
using Scop.Aspire.Testing;

namespace Scop.Aspire.Web.Tests;

/// <summary>
/// The reprise watch in the browser: a person of a member cooperative reports a company that may be taken over and
/// follows it in their reports; the union's delegate carries it through the pipeline on the board, each move on the
/// version read; the pool of future managers, from a person volunteering to the delegate recording a proposal's answer.
/// </summary>
[Collection(WebLanes.First)]
public sealed class RepriseWatchJourneyTests(WebPlatform platform)
{
    private const string MemberPassword = "Reprendre-en-Scop-2027";

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_member_reports_a_company_each_error_said_next_to_its_field_and_follows_it_in_their_reports(bool phone)
    {
        var today = ParisCalendar.Today(TimeProvider.System);
        await using var context = await platform.NewContextAsync(phone);
        var page = await context.NewPageAsync();
        var member = await platform.NewMemberAsync(page, "Lou", "Veilleuse", MemberPassword);
        await WatchKnowsAsync(member);
        await page.SignInAsync(platform, member.Email, check: null, password: MemberPassword);
        await page.GetByRole(AriaRole.Link, new() { Name = "Signaler une entreprise" }).ClickAsync();
        await page.WaitForURLAsync("**/reprise/signaler");
        await page.CheckAsync(platform, "reprise-report");

        // A SIREN whose check digit is wrong, and a retiring owner without their age: each said next to its field, in
        // French, and nothing is reported.
        var company = $"Fonderie Batisse {Guid.NewGuid():N}"[..28];
        await page.GetByLabel("SIREN de l'entreprise *").FillAsync(WrongCheckDigit(Siren.Next()));
        await page.GetByLabel("Nom de l'entreprise *").FillAsync(company);
        await page.GetByLabel("Activité (code NAF) *").FillAsync("25.62B");
        await page.GetByLabel("Commune (code INSEE) *").FillAsync("69123");
        await page.GetByLabel("Effectif *").FillAsync("18");
        await page.GetByLabel("Pourquoi l'entreprise change de mains *").SelectOptionAsync("OwnerRetiring");
        await page.GetByRole(AriaRole.Button, new() { Name = "Signaler l'entreprise" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Le signalement n'est pas enregistré : corrigez les champs signalés.");
        await Assertions.Expect(page.Locator("#erreur-siren")).ToHaveTextAsync("Neuf chiffres, dont le dernier est la clé de contrôle des huit premiers : vérifiez le SIREN.");
        await Assertions.Expect(page.Locator("#erreur-ownerAgeBand")).ToHaveTextAsync("Ce champ est obligatoire.");
        await Assertions.Expect(page.GetByLabel("SIREN de l'entreprise *")).ToHaveAttributeAsync("aria-invalid", "true");
        await page.CheckAsync(platform, "reprise-report-error");

        // The SIREN of a cooperative of the movement (the member's own): the rule the watch names, said in French.
        await page.GetByLabel("SIREN de l'entreprise *").FillAsync(member.CooperativeSiren);
        await page.GetByLabel("Âge du ou de la dirigeant·e").SelectOptionAsync("From60To64");
        await page.GetByRole(AriaRole.Button, new() { Name = "Signaler l'entreprise" }).ClickAsync();
        await Assertions.Expect(page.Locator("#erreur-siren")).ToHaveTextAsync(
            "Cette entreprise est déjà une coopérative du mouvement : ce n'est pas une opportunité de reprise.");

        // Right: reported, and listed among the member's reports as reported.
        await page.GetByLabel("SIREN de l'entreprise *").FillAsync(Siren.Next());
        await page.GetByLabel("Échéance connue").FillAsync(today.AddMonths(8).ToString("yyyy-MM-dd"));
        await page.GetByLabel("Ouverte", new() { Exact = false }).CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Signaler l'entreprise" }).ClickAsync();
        await page.WaitForURLAsync("**/reprise/signalements?signale=nouveau");
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Merci : l'entreprise est signalée.");
        var row = page.GetByRole(AriaRole.Row).Filter(new() { HasText = company });
        await Assertions.Expect(row).ToContainTextAsync("Lyon");
        await Assertions.Expect(row).ToContainTextAsync("Signalée");
        await page.CheckAsync(platform, "reprise-my-reports");

        // The union's pipeline is its delegates': a member is refused it.
        var board = await page.GotoAsync("/reprise/opportunites");
        Assert.Equal((int)HttpStatusCode.Forbidden, board!.Status);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_delegate_carries_an_opportunity_through_the_pipeline_on_the_board_and_a_move_made_meanwhile_is_refused_in_french(bool phone)
    {
        var company = $"Menuiserie Rabot {Guid.NewGuid():N}"[..28];
        var opportunity = await ReportedAsync(company, "16.23Z", headcount: 14);

        await using var context = await platform.NewContextAsync(phone);
        var page = await context.NewPageAsync();
        await page.SignInAsync(platform, "delegate-aura", check: null);
        await page.GetByRole(AriaRole.Link, new() { Name = "Voir la veille" }).ClickAsync();
        await page.WaitForURLAsync("**/reprise/opportunites");

        // The board: found by its name, in the column of reported opportunities.
        await page.GetByLabel("Nom ou SIREN").FillAsync(company);
        await page.GetByRole(AriaRole.Button, new() { Name = "Filtrer" }).ClickAsync();
        await page.WaitForURLAsync(url => url.Contains("q=", StringComparison.Ordinal));
        var reported = Column(page, "Signalée");
        await Assertions.Expect(reported.GetByRole(AriaRole.Heading, new() { Level = 2 })).ToContainTextAsync("(1)");
        await Assertions.Expect(reported.GetByRole(AriaRole.Article)).ToContainTextAsync("Retraite", new() { IgnoreCase = true });
        await Assertions.Expect(Column(page, "Qualifiée").GetByRole(AriaRole.Article)).ToHaveCountAsync(0);
        await page.CheckAsync(platform, "reprise-board");
        await reported.GetByRole(AriaRole.Link, new() { Name = company }).ClickAsync();
        await page.WaitForURLAsync($"**/reprise/opportunites/{opportunity}");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync(company);
        await Assertions.Expect(History(page).GetByRole(AriaRole.Listitem)).ToHaveCountAsync(1);
        await page.CheckAsync(platform, "reprise-opportunity");

        // Qualifying needs the jobs at stake: said next to the field; then qualified, and kept in the history.
        await page.GetByRole(AriaRole.Button, new() { Name = "Qualifier l'opportunité" }).ClickAsync();
        await Assertions.Expect(page.Locator("#erreur-jobsAtStake")).ToHaveTextAsync("Ce champ est obligatoire.");
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("corrigez les champs signalés");
        await page.CheckAsync(platform, "reprise-qualify-error");
        await page.GetByLabel("Emplois en jeu *").FillAsync("12");
        await page.GetByRole(AriaRole.Button, new() { Name = "Qualifier l'opportunité" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("L'opportunité est qualifiée.");
        await Assertions.Expect(page.Locator("dl.facts")).ToContainTextAsync("Emplois en jeu12");
        await Assertions.Expect(History(page).GetByRole(AriaRole.Listitem).Last).ToContainTextAsync("Signalée → Qualifiée");

        // Two more tabs read it qualified; the first starts the feasibility study.
        var late = await context.NewPageAsync();
        await late.GotoAsync($"/reprise/opportunites/{opportunity}");
        var forced = await context.NewPageAsync();
        await forced.GotoAsync($"/reprise/opportunites/{opportunity}");
        await page.GetByRole(AriaRole.Button, new() { Name = "Lancer l'étude de faisabilité" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("L'étude de faisabilité est lancée.");

        // The late tab declares it lost on the version it read: refused, said in French, and it shows where it stands.
        await late.GetByLabel("Raison *").SelectOptionAsync("OwnerWithdrew");
        await late.GetByLabel("Ce qui s'est passé *").FillAsync("Le cédant attend encore un an.");
        await late.GetByRole(AriaRole.Button, new() { Name = "Déclarer l'opportunité perdue" }).ClickAsync();
        await Assertions.Expect(late.GetByRole(AriaRole.Alert)).ToContainTextAsync("Quelqu'un a fait avancer cette opportunité entre-temps");
        await Assertions.Expect(late.GetByText("Étude de faisabilité", new() { Exact = true }).First).ToBeVisibleAsync();
        await late.CheckAsync(platform, "reprise-move-stale");

        // Sent on any version (If-Match: *, as a client may), the same move again breaks the pipeline's rule, which the
        // page says in French.
        await forced.Locator("input[name='FeasibilityForm.ETag']").EvaluateAsync("input => input.value = '*'");
        await forced.GetByRole(AriaRole.Button, new() { Name = "Lancer l'étude de faisabilité" }).ClickAsync();
        await Assertions.Expect(forced.GetByRole(AriaRole.Alert)).ToContainTextAsync(
            "Seule une opportunité qualifiée passe à l'étude de faisabilité : qualifiez-la d'abord");

        // Financing needs the study's summary; then lost for a reason, with a comment. Every move is in the history.
        await page.GetByRole(AriaRole.Button, new() { Name = "Passer au financement" }).ClickAsync();
        await Assertions.Expect(page.Locator("#erreur-feasibilitySummary")).ToHaveTextAsync("Ce champ est obligatoire.");
        await page.GetByLabel("Synthèse de l'étude de faisabilité *").FillAsync("Carnet de commandes solide, 9 salariés prêts à reprendre.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Passer au financement" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("L'opportunité passe au financement.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Déclarer l'opportunité perdue" }).ClickAsync();
        await Assertions.Expect(page.Locator("#erreur-reason")).ToHaveTextAsync("Ce champ est obligatoire.");
        await page.GetByLabel("Raison *").SelectOptionAsync("NoFinancing");
        await page.GetByLabel("Ce qui s'est passé *").FillAsync("Les banques ont refusé le prêt.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Déclarer l'opportunité perdue" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("L'opportunité est déclarée perdue.");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Faire avancer" })).ToHaveCountAsync(0);
        var moves = History(page).GetByRole(AriaRole.Listitem);
        await Assertions.Expect(moves).ToHaveCountAsync(5);
        await Assertions.Expect(moves.Last).ToContainTextAsync("Financement → Perdue");
        await Assertions.Expect(moves.Last).ToContainTextAsync("Pas de financement : « Les banques ont refusé le prêt. »");
        await Assertions.Expect(moves.Last).ToContainTextAsync("URSCOP Auvergne-Rhône-Alpes");
        await page.CheckAsync(platform, "reprise-opportunity-lost");

        // Back on the board with the same search: no longer in a column, but among the lost ones.
        await page.GotoAsync($"/reprise/opportunites?q={Uri.EscapeDataString(company)}");
        await Assertions.Expect(page.GetByRole(AriaRole.Article)).ToHaveCountAsync(0);
        await page.GetByRole(AriaRole.Link, new() { Name = "Perdue (1)" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Article).Filter(new() { HasText = company })).ToHaveCountAsync(1);
        await page.CheckAsync(platform, "reprise-board-lost");

        // Another union's delegate reaching it by its address sees a « not found » page, not the company.
        await using var ouest = await platform.NewContextAsync(phone);
        var other = await ouest.NewPageAsync();
        await other.SignInAsync(platform, "delegate-ouest", check: null);
        var response = await other.GotoAsync($"/reprise/opportunites/{opportunity}");
        Assert.Equal((int)HttpStatusCode.NotFound, response!.Status);
        await Assertions.Expect(other.Locator("main")).Not.ToContainTextAsync(company);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_member_volunteers_for_the_pool_and_the_delegate_proposes_them_for_a_takeover_and_records_their_answer(bool phone)
    {
        var familyName = $"Vivier{Guid.NewGuid():N}"[..12];
        var name = $"Sacha {familyName}";
        await using var memberContext = await platform.NewContextAsync(phone);
        var page = await memberContext.NewPageAsync();
        var member = await platform.NewMemberAsync(page, "Sacha", familyName, MemberPassword);
        await WatchKnowsAsync(member);
        await page.SignInAsync(platform, member.Email, check: null, password: MemberPassword);
        await page.CheckAsync(platform, "reprise-member-dashboard");
        await page.GetByRole(AriaRole.Link, new() { Name = "Le vivier de dirigeant·es" }).ClickAsync();
        await page.WaitForURLAsync("**/reprise/vivier/moi");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Le vivier de futur·es dirigeant·es");
        await page.CheckAsync(platform, "reprise-pool-me");

        // A division that is none of the NAF's, and no size ticked: each said next to its field, in French.
        await page.GetByLabel("Secteurs que je reprendrais (divisions NAF) *").FillAsync("25, 04");
        await page.GetByRole(AriaRole.Button, new() { Name = "Me porter volontaire" }).ClickAsync();
        await Assertions.Expect(page.Locator("#erreur-nafDivisions")).ToHaveTextAsync(
            "Des divisions de la NAF rév. 2 : deux chiffres chacune (ex. 25, 62), vingt au plus.");
        await Assertions.Expect(page.Locator("#erreur-companySizes")).ToHaveTextAsync("Cochez au moins une taille d'entreprise.");
        await page.CheckAsync(platform, "reprise-pool-me-error");

        await page.GetByLabel("Secteurs que je reprendrais (divisions NAF) *").FillAsync("25, 62");
        await page.GetByLabel("10 à 49 salarié·es").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Me porter volontaire" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Vous êtes volontaire");
        var entry = page.Locator("section").Filter(new() { Has = page.GetByRole(AriaRole.Heading, new() { Name = "Mon inscription" }) });
        await Assertions.Expect(entry).ToContainTextAsync("25, 62");
        await Assertions.Expect(entry).ToContainTextAsync("Pas encore");

        // Changing one's choices: the smallest companies too.
        await page.GetByLabel("moins de 10 salarié·es").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Enregistrer mes choix" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Vos choix sont enregistrés.");
        await Assertions.Expect(entry).ToContainTextAsync("moins de 10 salarié·es, 10 à 49 salarié·es");
        await page.CheckAsync(platform, "reprise-pool-me-in");

        // The union's delegate: the volunteer in the pool, then among the candidates of a metalworks of 20, matching
        // its sector and its size; proposed, and their answer recorded once.
        var company = $"Chaudronnerie Vivier {Guid.NewGuid():N}"[..30];
        var opportunity = await ReportedAsync(company, "25.62B", headcount: 20);
        await using var delegateContext = await platform.NewContextAsync(phone);
        var board = await delegateContext.NewPageAsync();
        await board.SignInAsync(platform, "delegate-aura", check: null);
        await board.GotoAsync("/espace");
        await board.CheckAsync(platform, "reprise-delegate-dashboard");
        await board.GetByRole(AriaRole.Link, new() { Name = "Le vivier", Exact = true }).ClickAsync();
        await board.WaitForURLAsync("**/reprise/vivier");
        var inPool = board.GetByRole(AriaRole.Row).Filter(new() { HasText = name });
        await Assertions.Expect(inPool).ToContainTextAsync("25, 62");
        await Assertions.Expect(inPool).ToContainTextAsync("En formation");
        await board.CheckAsync(platform, "reprise-pool");

        await board.GotoAsync($"/reprise/opportunites/{opportunity}");
        var candidates = board.Locator("section").Filter(new() { Has = board.GetByRole(AriaRole.Heading, new() { Name = "Candidat·es à la direction" }) });
        var candidate = candidates.GetByRole(AriaRole.Row).Filter(new() { HasText = name });
        await Assertions.Expect(candidate).ToContainTextAsync("Le sien");
        await Assertions.Expect(candidate).ToContainTextAsync("La sienne");
        await candidate.GetByRole(AriaRole.Button, new() { Name = $"Proposer {name}" }).ClickAsync();
        await Assertions.Expect(board.GetByRole(AriaRole.Status)).ToHaveTextAsync($"{name} est proposé·e pour cette reprise.");
        var proposal = candidates.GetByRole(AriaRole.Listitem).Filter(new() { HasText = name });
        await Assertions.Expect(proposal).ToContainTextAsync("Proposé·e, en attente de réponse");
        await board.CheckAsync(platform, "reprise-candidates");

        await proposal.GetByLabel("Sa réponse").SelectOptionAsync("Accepted");
        await proposal.GetByLabel("Commentaire").FillAsync("Prête à reprendre en janvier.");
        await proposal.GetByRole(AriaRole.Button, new() { Name = "Enregistrer sa réponse" }).ClickAsync();
        await Assertions.Expect(board.GetByRole(AriaRole.Status)).ToHaveTextAsync($"Réponse enregistrée : {name}, a accepté.");
        await Assertions.Expect(proposal).ToContainTextAsync("A accepté");
        await Assertions.Expect(proposal).ToContainTextAsync("« Prête à reprendre en janvier. »");
        await Assertions.Expect(proposal.GetByRole(AriaRole.Button)).ToHaveCountAsync(0);
        await board.CheckAsync(platform, "reprise-proposal-answered");

        // The volunteer leaves the pool: no longer in the union's.
        await page.GetByRole(AriaRole.Button, new() { Name = "Quitter le vivier" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Vous avez quitté le vivier.");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Me porter volontaire" })).ToBeVisibleAsync();
        await board.GotoAsync("/reprise/vivier");
        await Assertions.Expect(board.GetByRole(AriaRole.Row).Filter(new() { HasText = name })).ToHaveCountAsync(0);
    }

    /// <summary>A company of Lyon whose owner retires, reported by the union's delegate through the API; its id.</summary>
    private async Task<Guid> ReportedAsync(string company, string nafCode, int headcount)
    {
        var token = await platform.TokenAsync("delegate-aura", "openid reprise-watch");
        var reported = await platform.PostAsync(token, "/api/reprise-watch/opportunities", new
        {
            siren = Siren.Next(), companyName = company, nafCode, communeCode = "69123", headcount,
            cause = "OwnerRetiring", ownerAgeBand = "From65To69", confidentiality = "Restricted",
        });
        return reported.GetProperty("id").GetGuid();
    }

    private static ILocator Column(IPage page, string stage) =>
        page.Locator("section.board-column").Filter(new() { Has = page.GetByRole(AriaRole.Heading, new() { Name = stage, Level = 2 }) });

    private static ILocator History(IPage page) =>
        page.Locator("section").Filter(new() { Has = page.GetByRole(AriaRole.Heading, new() { Name = "Historique", Level = 2 }) });

    /// <summary>Until the watch has heard from the register of the member and their cooperative (its events are asynchronous).</summary>
    private async Task WatchKnowsAsync(NewMember member)
    {
        await using var connection = new NpgsqlConnection(await platform.App.GetConnectionStringAsync(ResourceNames.RepriseWatchDatabase));
        await connection.OpenAsync();
        await Eventually.HoldsAsync(async () =>
        {
            await using var command = new NpgsqlCommand(
                "SELECT (SELECT count(*) FROM people WHERE id = @person) + (SELECT count(*) FROM cooperatives WHERE siren = @siren)", connection);
            command.Parameters.AddWithValue("person", member.Person);
            command.Parameters.AddWithValue("siren", member.CooperativeSiren);
            return (long)(await command.ExecuteScalarAsync())! == 2;
        }, "the reprise watch knows the member and their cooperative");
    }

    /// <summary>The same SIREN with its last digit changed: its Luhn check no longer holds.</summary>
    private static string WrongCheckDigit(string siren) => siren[..8] + (char)('0' + (siren[8] - '0' + 1) % 10);
}
