using System.Net;
using System.Text.Json;
using Npgsql;
using Scop.Aspire.Contracts.Training;
using Scop.Aspire.ServiceDefaults;
using Scop.Aspire.Testing;

namespace Scop.Aspire.Web.Tests;

/// <summary>
/// The inter-SCOP clubs in the browser: a regional union's delegate opens a club in an employment area of their union,
/// refused until training reports its animator's module completed; adds a member; records a meeting (a meeting without
/// a day or a place is refused in French and nothing is written), its attendance shown; the public sees the club and
/// nobody in it; the club is closed with a reason.
/// </summary>
[Collection(WebLanes.Second)]
public sealed class ClubJourneyTests(WebPlatform platform)
{
    private const string ModuleTitle = "Animer un club inter-SCOP";

    /// <summary>Employment areas (EPCI) of Auvergne-Rhône-Alpes, the union of <c>delegate-aura</c>, tried in turn.</summary>
    private static readonly (string Epci, string Name)[] AuraAreas =
    [
        ("200066793", "CA du Grand Annecy"), ("200069110", "CA du Grand Chambéry"), ("200071751", "CA du Bassin de Bourg-en-Bresse"),
        ("243800604", "CA Porte de l'Isère (CAPI)"), ("200065886", "CA Loire Forez Agglomération (LFA)"), ("240100750", "CA du Pays de Gex"),
    ];

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_delegate_opens_a_club_once_its_animator_completed_the_module_adds_a_member_records_a_meeting_and_closes_it(bool phone)
    {
        var today = ParisCalendar.Today(TimeProvider.System);
        var (epci, area) = await FreeAreaAsync();
        var name = $"Club inter-SCOP {area} {Guid.NewGuid():N}"[..(26 + area.Length)];
        var animator = Guid.NewGuid();
        var member = Guid.NewGuid();

        await using var context = await platform.NewContextAsync(phone);
        var page = await context.NewPageAsync();
        await page.SignInAsync(platform, "delegate-aura", check: null);
        await page.GotoAsync("/espace");
        await page.GetByRole(AriaRole.Link, new() { Name = "Ouvrir un club" }).ClickAsync();
        await page.WaitForURLAsync("**/clubs/nouveau");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Ouvrir un club inter-SCOP");
        await page.CheckAsync(platform, "club-open");

        // The animator has not completed the animators' module: refused, said in French, no club.
        await page.GetByLabel("Nom du club *").FillAsync(name);
        await page.GetByLabel("Territoire : SIREN de l'EPCI *").FillAsync(epci);
        await page.GetByLabel("Animateur·rices *").FillAsync(animator.ToString());
        await page.GetByRole(AriaRole.Button, new() { Name = "Ouvrir le club" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync(
            "Le club n'est pas ouvert : un·e animateur·rice doit avoir suivi le module « Animer un club inter-SCOP » du parcours des élu·es, "
            + $"et la formation ne l'a pas signalé pour la personne {animator.ToString()[..8]}.");
        Assert.Equal(0, await ClubsAsync(epci));
        await page.CheckAsync(platform, "club-open-refused");

        // Training reports the module completed (a session attended in the past): the same form is accepted.
        await platform.PublishAsync(new TrainingCompleted(Guid.NewGuid(), DateTimeOffset.UtcNow, animator, Guid.NewGuid(), ModuleTitle,
            "ElectedOfficials", Guid.NewGuid(), $"SCOP-{today.Year - 1}-{Random.Shared.Next(100_000, 999_999)}", today.AddMonths(-2),
            "Employee", "urscop-aura", null));
        await Eventually.HoldsAsync(async () => await QualifiedAsync(animator), "the ambassadors service knows the animator qualified");
        await page.GetByRole(AriaRole.Button, new() { Name = "Ouvrir le club" }).ClickAsync();
        await page.WaitForURLAsync("**/clubs/*?ouvert=1");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync(name);
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Le club est ouvert.");
        await Assertions.Expect(page.Locator("[data-club-status]")).ToHaveTextAsync("Actif");
        await Assertions.Expect(page.Locator("dl.facts")).ToContainTextAsync($"{area} (EPCI {epci})");
        var people = page.GetByRole(AriaRole.Table).Filter(new() { HasText = "Rôle" });
        await Assertions.Expect(people.Locator($"[data-person='{animator}']")).ToContainTextAsync("Animateur·rice");
        var clubId = Guid.Parse(new Uri(page.Url).AbsolutePath.Split('/').Last());
        await page.CheckAsync(platform, "club-opened");

        // A member added by their register id.
        await page.Locator("#member-person").FillAsync(member.ToString());
        await page.GetByRole(AriaRole.Button, new() { Name = "Ajouter le membre" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync($"Personne {member.ToString()[..8]} est membre du club.");
        await Assertions.Expect(people.Locator($"[data-person='{member}']")).ToContainTextAsync("Membre");

        // A meeting without its day nor its place: each said next to its field, in French; nothing recorded.
        await page.GetByLabel("Date *").FillAsync("");
        await page.GetByLabel("Ordre du jour *").FillAsync("Les achats groupés de l'hiver.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Enregistrer la réunion" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("La réunion n'est pas enregistrée : corrigez les champs signalés.");
        await Assertions.Expect(page.Locator("#erreur-heldOn")).ToHaveTextAsync("Ce champ est obligatoire.");
        await Assertions.Expect(page.Locator("#erreur-place")).ToHaveTextAsync("Ce champ est obligatoire.");
        await Assertions.Expect(page.GetByText("Aucune réunion pour l'instant.")).ToBeVisibleAsync();
        Assert.Equal(0, (await PublicClubAsync(clubId)).GetProperty("meetingCount").GetInt32());
        await page.CheckAsync(platform, "club-meeting-error");

        // The meeting of today, the member present: listed with its attendance.
        await page.GetByLabel("Date *").FillAsync(today.ToString("yyyy-MM-dd"));
        await page.GetByLabel("Lieu *").FillAsync("Maison des coopératives");
        await page.GetByLabel("Ordre du jour *").FillAsync("Les achats groupés de l'hiver.");
        await page.GetByLabel($"Personne {member.ToString()[..8]} (Membre)").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Enregistrer la réunion" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync($"Réunion du {Shown.Date(today)} enregistrée : 1 présent·e(s).");
        var meeting = page.GetByRole(AriaRole.Table).Filter(new() { HasText = "Ordre du jour" }).Locator("tbody tr");
        await Assertions.Expect(meeting).ToHaveCountAsync(1);
        await Assertions.Expect(meeting).ToContainTextAsync("Maison des coopératives");
        await Assertions.Expect(meeting).ToContainTextAsync($"1 présent·e(s) : Personne {member.ToString()[..8]}");
        await Assertions.Expect(page.Locator("[data-last-meeting]")).ToHaveTextAsync(Shown.Date(today));
        await page.CheckAsync(platform, "club-meeting");

        // The public list by région: the club, its area and its meeting, and nobody in it.
        await using var visitor = await platform.NewContextAsync(phone);
        var anyone = await visitor.NewPageAsync();
        await anyone.GotoAsync("/");
        await anyone.GetByRole(AriaRole.Link, new() { Name = "Clubs inter-SCOP" }).First.ClickAsync();
        await anyone.WaitForURLAsync("**/clubs");
        await anyone.GetByLabel("Région").SelectOptionAsync(new SelectOptionValue { Label = "Auvergne-Rhône-Alpes" });
        await anyone.GetByRole(AriaRole.Button, new() { Name = "Filtrer" }).ClickAsync();
        await anyone.WaitForURLAsync("**/clubs?region=84*");
        var card = anyone.Locator($"[data-club='{clubId}']");
        await Assertions.Expect(card).ToContainTextAsync("Actif");
        await Assertions.Expect(card).ToContainTextAsync($"{area}, Auvergne-Rhône-Alpes — URSCOP Auvergne-Rhône-Alpes");
        await Assertions.Expect(card).ToContainTextAsync($"1 réunion(s), la dernière le {Shown.Date(today)}");
        await anyone.CheckAsync(platform, "clubs-list");
        await card.GetByRole(AriaRole.Link, new() { Name = name }).ClickAsync();
        await anyone.WaitForURLAsync($"**/clubs/{clubId}");
        await Assertions.Expect(anyone.GetByRole(AriaRole.Heading, new() { Name = "Ses personnes" })).ToHaveCountAsync(0);
        foreach (var person in new[] { animator, member })
        {
            await Assertions.Expect(anyone.Locator("main")).Not.ToContainTextAsync(person.ToString()[..8]);
        }
        await anyone.CheckAsync(platform, "club-public");

        // Closing asks for a reason: without one it stays open; with one it is closed, and its forms are gone.
        await page.GetByLabel("Je confirme : fermer ce club").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Fermer le club" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("Le club n'est pas fermé : corrigez les champs signalés.");
        await Assertions.Expect(page.Locator("#erreur-reason")).ToHaveTextAsync("Ce champ est obligatoire.");
        await page.GetByLabel("Motif *").FillAsync("Les coopératives rejoignent le club voisin.");
        await page.GetByLabel("Je confirme : fermer ce club").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Fermer le club" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Le club est fermé.");
        await Assertions.Expect(page.Locator("[data-club-status]")).ToHaveTextAsync("Fermé");
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Enregistrer la réunion" })).ToHaveCountAsync(0);
        await page.CheckAsync(platform, "club-closed");
    }

    [Fact]
    public async Task A_member_sees_the_club_s_people_and_meetings_and_leads_nothing()
    {
        const string password = "Un-club-pour-tous-42";
        var today = ParisCalendar.Today(TimeProvider.System);
        await using var context = await platform.NewContextAsync();
        var page = await context.NewPageAsync();
        var member = await platform.NewMemberAsync(page, "Nina", "Clubiste", password);

        // A club of the member's area (their cooperative is in Lyon's union), the member in it and present at its meeting.
        var animator = Guid.NewGuid();
        await platform.PublishAsync(new TrainingCompleted(Guid.NewGuid(), DateTimeOffset.UtcNow, animator, Guid.NewGuid(), ModuleTitle,
            "ElectedOfficials", Guid.NewGuid(), $"SCOP-{today.Year - 1}-{Random.Shared.Next(100_000, 999_999)}", today.AddMonths(-2),
            "Employee", "urscop-aura", null));
        await Eventually.HoldsAsync(async () => await QualifiedAsync(animator), "the ambassadors service knows the animator qualified");
        var (epci, area) = await FreeAreaAsync();
        var token = await platform.TokenAsync("delegate-aura", "openid ambassadors");
        var club = (await platform.PostAsync(token, "/api/ambassadors/clubs",
            new { name = $"Club inter-SCOP {area}", epci, animators = new[] { animator } })).GetProperty("id").GetGuid();
        await platform.PostAsync(token, $"/api/ambassadors/clubs/{club}/members", new { personId = member.Person });
        await platform.PostAsync(token, $"/api/ambassadors/clubs/{club}/meetings",
            new { heldOn = today, place = "Maison des coopératives", agenda = "Accueil des nouveaux membres.", attendance = new[] { member.Person } });

        await page.SignInAsync(platform, member.Email, check: null, password: password);
        await page.GotoAsync($"/clubs/{club}");
        var me = $"Vous ({member.Person.ToString()[..8]})";
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Ses personnes" })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator($"[data-person='{member.Person}'] td").Nth(0)).ToHaveTextAsync(me);
        await Assertions.Expect(page.Locator($"[data-person='{member.Person}'] td").Nth(1)).ToHaveTextAsync("Membre");
        await Assertions.Expect(page.Locator($"[data-person='{animator}']")).ToContainTextAsync("Animateur·rice");
        await Assertions.Expect(page.Locator("[data-meeting]")).ToContainTextAsync($"1 présent·e(s) : {me}");
        foreach (var action in new[] { "Ajouter le membre", "Enregistrer la réunion", "Fermer le club", "Retirer du club" })
        {
            await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = action })).ToHaveCountAsync(0);
        }

        await page.CheckAsync(platform, "club-member");
    }

    /// <summary>An area of the union with no club open yet (the platform lives for the whole run).</summary>
    private async Task<(string Epci, string Name)> FreeAreaAsync()
    {
        using var response = await platform.Gateway.GetAsync("/api/ambassadors/clubs?region=84&pageSize=100");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var open = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("items")
            .EnumerateArray().Where(c => c.GetProperty("status").GetString() != "Closed").Select(c => c.GetProperty("epci").GetString()).ToHashSet();
        return AuraAreas.First(a => !open.Contains(a.Epci));
    }

    private async Task<JsonElement> PublicClubAsync(Guid id)
    {
        using var response = await platform.Gateway.GetAsync($"/api/ambassadors/clubs/{id}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    private Task<long> ClubsAsync(string epci) => ScalarAsync("SELECT count(*) FROM clubs WHERE epci = @v AND status <> 'Closed'", epci);

    private async Task<bool> QualifiedAsync(Guid person) =>
        await ScalarAsync("SELECT count(*) FROM qualified_animators WHERE person_id = @v", person) == 1;

    private async Task<long> ScalarAsync(string sql, object value)
    {
        await using var connection = new NpgsqlConnection(await platform.App.GetConnectionStringAsync(ResourceNames.AmbassadorsDatabase));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("v", value);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
