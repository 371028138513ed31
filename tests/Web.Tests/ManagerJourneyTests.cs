using System.Net;
using Scop.Aspire.Testing;
using Scop.Aspire.ServiceDefaults;

namespace Scop.Aspire.Web.Tests;

/// <summary>A cooperative's manager, signed in through the real sign-in page, reads their cooperative and keeps its register of people.</summary>
[Collection(WebLanes.Second)]
public sealed class ManagerJourneyTests(WebPlatform platform)
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_manager_reads_their_cooperative_its_membership_and_dues_and_its_people(bool phone)
    {
        var today = ParisCalendar.Today(TimeProvider.System);
        var (_, name, userName) = await ManagedCooperativeAsync(today);
        await using var context = await platform.NewContextAsync(phone);
        var page = await context.NewPageAsync();
        await page.SignInAsync(platform, userName, check: null, password: ManagerPassword);
        await page.GetByRole(AriaRole.Link, new() { Name = "Gérer ma coopérative" }).ClickAsync();
        await page.WaitForURLAsync("**/gestion");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync(name);
        await Assertions.Expect(page.Locator("section").Filter(new() { Has = page.GetByRole(AriaRole.Heading, new() { Name = "Informations" }) }))
            .ToContainTextAsync("URSCOP Auvergne-Rhône-Alpes");

        var membership = page.Locator("section").Filter(new() { Has = page.GetByRole(AriaRole.Heading, new() { Name = "Adhésion et cotisations" }) });
        await Assertions.Expect(membership).ToContainTextAsync("Nouvelle adhérente");
        await Assertions.Expect(membership).ToContainTextAsync("1 200,00 €");
        await Assertions.Expect(membership.GetByRole(AriaRole.Table)).ToContainTextAsync(Shown.Date(today));

        var people = page.Locator("section").Filter(new() { Has = page.GetByRole(AriaRole.Heading, new() { Name = "Les personnes" }) });
        await Assertions.Expect(people.GetByRole(AriaRole.Row).Filter(new() { HasText = "Camille Tisserand" })).ToContainTextAsync("associé·e");
        await page.CheckAsync(platform, "manager-cooperative");

        // The cooperative's next general assembly: a date three years ahead is refused next to the field, then the
        // right one is declared and its welcome kit requested.
        var events = page.Locator("section").Filter(new() { Has = page.GetByRole(AriaRole.Heading, new() { Name = "Événements et kits d'accueil" }) });
        await events.GetByLabel("Le *").FillAsync(today.AddYears(3).ToString("yyyy-MM-dd"));
        await events.GetByRole(AriaRole.Button, new() { Name = "Déclarer l'événement" }).ClickAsync();
        await Assertions.Expect(page.Locator("#erreur-heldOn")).ToBeVisibleAsync();
        await events.GetByLabel("Le *").FillAsync(today.AddDays(40).ToString("yyyy-MM-dd"));
        await events.GetByRole(AriaRole.Button, new() { Name = "Déclarer l'événement" }).ClickAsync();
        await Assertions.Expect(events.GetByRole(AriaRole.Status)).ToContainTextAsync("Événement déclaré");
        await Assertions.Expect(events.GetByRole(AriaRole.Listitem)).ToHaveTextAsync($"Assemblée générale le {Shown.Date(today.AddDays(40))} — kit demandé");

        // A manager is no delegate: the region's pages are refused to them.
        var region = await page.GotoAsync("/region/cooperatives");
        Assert.Equal((int)HttpStatusCode.Forbidden, region!.Status);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_manager_hires_a_person_gives_them_a_role_records_their_leaving_exports_and_erases_their_data_and_cannot_reach_another_cooperatives_people(bool phone)
    {
        var today = ParisCalendar.Today(TimeProvider.System);
        var (_, _, userName) = await ManagedCooperativeAsync(today);
        var (elsewhere, _, _) = await ManagedCooperativeAsync(today);
        var stranger = await platform.PostAsync(await platform.TokenAsync("delegate-aura", "openid membership"),
            $"/api/membership/cooperatives/{elsewhere}/people",
            new { givenName = "Dominique", familyName = "Ailleurs", role = "employee", hiredOn = today });

        await using var context = await platform.NewContextAsync(phone);
        var page = await context.NewPageAsync();
        await page.SignInAsync(platform, userName, check: null, password: ManagerPassword);
        await page.GotoAsync("/gestion");
        await page.GetByRole(AriaRole.Link, new() { Name = "Enregistrer une embauche" }).ClickAsync();
        await page.WaitForURLAsync("**/gestion/personnes/nouvelle");
        await page.CheckAsync(platform, "manager-hire");

        // Without a family name: said next to the field, and nobody hired.
        await page.GetByLabel("Prénom *").FillAsync("Sacha");
        await page.GetByRole(AriaRole.Button, new() { Name = "Enregistrer l'embauche" }).ClickAsync();
        await Assertions.Expect(page.Locator("#erreur-familyName")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("L'embauche n'est pas enregistrée");

        await page.GetByLabel("Nom *", new() { Exact = true }).FillAsync("Verrier");
        await page.GetByLabel("Adresse e-mail").FillAsync($"sacha.{Guid.NewGuid():N}@example.org");
        await page.GetByRole(AriaRole.Button, new() { Name = "Enregistrer l'embauche" }).ClickAsync();
        await page.WaitForURLAsync(url => url.Contains("/gestion/personnes/", StringComparison.Ordinal) && url.Contains("embauche=1", StringComparison.Ordinal));
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Sacha Verrier");
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("L'embauche est enregistrée");
        var roles = page.GetByRole(AriaRole.Table).Filter(new() { HasText = "Ses rôles" });
        await Assertions.Expect(roles).ToContainTextAsync("Salarié·e");
        await page.CheckAsync(platform, "manager-person");

        // Sacha becomes a worker-member: the role adds to the employment.
        await page.GetByLabel("Rôle *").SelectOptionAsync(new SelectOptionValue { Label = "Associé·e" });
        await page.GetByRole(AriaRole.Button, new() { Name = "Enregistrer le rôle" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Rôle enregistré");
        await Assertions.Expect(roles.GetByRole(AriaRole.Row).Filter(new() { HasText = "Associé·e" })).ToHaveCountAsync(1);
        await Assertions.Expect(roles.GetByRole(AriaRole.Row).Filter(new() { HasText = "Salarié·e" })).ToHaveCountAsync(1);

        // And leaves today: their roles end and their card is revoked.
        await page.GetByRole(AriaRole.Button, new() { Name = "Enregistrer le départ" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Départ enregistré");
        await Assertions.Expect(page.Locator("dl.facts")).ToContainTextAsync($"révoquée le {Shown.Date(today)}");
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Enregistrer le départ" })).ToHaveCountAsync(0);

        await page.GotoAsync("/gestion");
        var people = page.Locator("section").Filter(new() { Has = page.GetByRole(AriaRole.Heading, new() { Name = "Les personnes" }) });
        await Assertions.Expect(people.GetByRole(AriaRole.Row).Filter(new() { HasText = "Sacha Verrier" })).ToContainTextAsync($"partie le {Shown.Date(today)}");

        // Sacha asks for their data, then for its erasure.
        await people.GetByRole(AriaRole.Link, new() { Name = "Sacha Verrier" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Préparer l'export de ses données" }).ClickAsync();
        var download = await page.RunAndWaitForDownloadAsync(() =>
            page.GetByRole(AriaRole.Link, new() { Name = "Télécharger ses données (JSON)" }).ClickAsync());
        var exported = await File.ReadAllTextAsync((await download.PathAsync())!);
        Assert.Contains("\"familyName\": \"Verrier\"", exported);
        Assert.Contains("WorkerMember", exported);

        await page.GetByRole(AriaRole.Button, new() { Name = "Effacer ses données personnelles" }).ClickAsync();
        await Assertions.Expect(page.Locator("#erreur-confirmation")).ToBeVisibleAsync(); // not confirmed: nothing erased
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Sacha Verrier");
        await page.GetByLabel("Je confirme l'effacement").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Effacer ses données personnelles" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Ses données personnelles sont effacées");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).Not.ToContainTextAsync("Verrier");
        await Assertions.Expect(page.Locator("main")).Not.ToContainTextAsync("sacha.");
        await page.CheckAsync(platform, "manager-person-erased");

        // Someone of another cooperative, by address: not found, and nothing of them shown.
        var other = await page.GotoAsync($"/gestion/personnes/{stranger.GetProperty("id").GetGuid()}");
        Assert.Equal((int)HttpStatusCode.NotFound, other!.Status);
        await Assertions.Expect(page.GetByText("Ailleurs")).ToHaveCountAsync(0);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_manager_books_a_session_for_one_of_their_people_confirms_it_the_next_joins_the_waiting_list_and_both_have_their_welcome_day_invitation(bool phone)
    {
        var today = ParisCalendar.Today(TimeProvider.System);
        var (id, _, userName) = await ManagedCooperativeAsync(today);
        var delegateToken = await platform.TokenAsync("delegate-aura", "openid membership training");
        await platform.PostAsync(delegateToken, $"/api/membership/cooperatives/{id}/people",
            new { givenName = "Sacha", familyName = "Verrier", role = "employee", hiredOn = today });
        var people = (await platform.GetAsync(delegateToken, $"/api/membership/cooperatives/{id}/people?pageSize=10"))
            .GetProperty("items").EnumerateArray().Select(p => p.GetProperty("id").GetGuid()).ToList();
        Assert.Equal(2, people.Count);
        // Training books only the people of the register it has learnt from membership's events.
        foreach (var person in people)
        {
            await Eventually.HoldsAsync(async () => await platform.StatusOfAsync(delegateToken, $"/api/training/people/{person}/passport")
                == HttpStatusCode.OK, "training knows the cooperative's people");
        }

        // One seat left in a session of the union.
        var staff = await platform.TokenAsync("admin", "openid training");
        var title = $"Gouvernance coopérative {Guid.NewGuid():N}"[..34];
        var course = await platform.PostAsync(staff, "/api/training/courses", new { title, path = "Cooperative", durationHours = 7 });
        var startsOn = FrenchHolidays.WorkingDayFrom(today.AddDays(45));

        var session = (await platform.PostAsync(staff, "/api/training/sessions", new
        {
            courseId = course.GetProperty("id").GetGuid(), startsOn, regionalUnion = "urscop-aura", communeCode = "69123",
            capacity = 1, priceCents = 0, status = "Open",
        })).GetProperty("id").GetGuid().ToString();

        await using var context = await platform.NewContextAsync(phone);
        var page = await context.NewPageAsync();
        await page.SignInAsync(platform, userName, check: null, password: ManagerPassword);
        await page.GotoAsync("/gestion");
        await page.GetByRole(AriaRole.Link, new() { Name = "Former mes équipes" }).ClickAsync();
        await page.WaitForURLAsync("**/gestion/formations");
        await page.CheckAsync(platform, "manager-training");

        // Nobody ticked: said next to the list, nothing booked.
        await page.GetByLabel("Session *").SelectOptionAsync(session);
        await page.GetByRole(AriaRole.Button, new() { Name = "Réserver" }).ClickAsync();
        await Assertions.Expect(page.Locator("#erreur-attendees")).ToBeVisibleAsync();

        await page.GetByLabel("Session *").SelectOptionAsync(session);
        await page.GetByLabel("Camille Tisserand", new() { Exact = false }).CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Réserver" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("1 place(s) retenue(s)");
        var booking = page.GetByRole(AriaRole.Row).Filter(new() { HasText = title });
        await Assertions.Expect(booking).ToContainTextAsync("retenue jusqu'à");
        await booking.GetByRole(AriaRole.Button, new() { Name = "Confirmer" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Réservation confirmée");
        await Assertions.Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = title })).ToContainTextAsync("confirmée");

        // The session is full now: the next one goes on its waiting list.
        await page.GetByLabel("Session *").SelectOptionAsync(session);
        await page.GetByLabel("Sacha Verrier", new() { Exact = false }).CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Réserver" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("liste d'attente, en position 1");
        await page.CheckAsync(platform, "manager-training-booked");

        // Both were invited to their union's welcome day when hired.
        var welcome = page.Locator("section").Filter(new() { Has = page.GetByRole(AriaRole.Heading, new() { Name = "Journées d'accueil" }) });
        await Assertions.Expect(welcome.GetByRole(AriaRole.Row).Filter(new() { HasText = "Camille Tisserand" })).ToContainTextAsync(Shown.Date(today));
        await Assertions.Expect(welcome.GetByRole(AriaRole.Row).Filter(new() { HasText = "Sacha Verrier" })).ToHaveCountAsync(1);
    }

    private const string ManagerPassword = "Une-phrase-de-gerant-42";

    /// <summary>
    /// A cooperative registered by the regional union with its membership, its first dues and a hire (Camille Tisserand,
    /// worker-member), and a manager's account the confederation gives for it.
    /// </summary>
    private async Task<(Guid Id, string Name, string ManagerUserName)> ManagedCooperativeAsync(DateOnly today)
    {
        var delegateToken = await platform.TokenAsync("delegate-aura", "openid membership");
        var name = $"Atelier des Canuts {Guid.NewGuid():N}"[..32];
        var cooperative = await platform.PostAsync(delegateToken, "/api/membership/cooperatives",
            new { name, siren = Siren.Next(), legalForm = "SCOP", communeCode = "69123", nafCode = "13.20Z" });
        var id = cooperative.GetProperty("id").GetGuid();
        await platform.PostAsync(delegateToken, $"/api/membership/cooperatives/{id}/membership", new { termKind = "rolling", duesCents = 120_000 });
        await platform.PostAsync(delegateToken, $"/api/membership/cooperatives/{id}/membership/payments", new { amountCents = 120_000, paidOn = today });
        await platform.PostAsync(delegateToken, $"/api/membership/cooperatives/{id}/people", new
        {
            givenName = "Camille", familyName = "Tisserand", email = "camille.tisserand@example.org", phone = "04 78 00 00 00",
            birthDate = "1990-04-12", role = "worker-member", hiredOn = today,
        });
        var userName = $"gerant.{Guid.NewGuid():N}"[..16];
        await platform.PostAsync(await platform.TokenAsync("admin", "openid identity"), "/api/identity/users", new
        {
            userName, displayName = "Alex Gérant", password = ManagerPassword, roles = new[] { "cooperative-manager" }, cooperativeId = id,
        });

        return (id, name, userName);
    }
}
