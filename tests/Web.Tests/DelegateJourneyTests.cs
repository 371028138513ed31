using System.Net;
using Npgsql;
using Scop.Aspire.Contracts.Training;
using Scop.Aspire.ServiceDefaults;
using Scop.Aspire.Testing;

namespace Scop.Aspire.Web.Tests;

/// <summary>
/// A delegate of a regional union in the browser: registering a cooperative of their region, finding it as they type,
/// its people, and the mandate of one of them once their elected-officials training is completed.
/// </summary>
[Collection(WebLanes.Second)]
public sealed class DelegateJourneyTests(WebPlatform platform)
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_delegate_registers_a_cooperative_finds_it_as_they_type_and_records_a_mandate_once_the_training_is_completed(bool phone)
    {
        var today = ParisCalendar.Today(TimeProvider.System);
        var name = $"Atelier Mandat {Guid.NewGuid():N}"[..26];
        await using var context = await platform.NewContextAsync(phone);
        var page = await context.NewPageAsync();
        await page.SignInAsync(platform, "delegate-aura", check: null);
        await page.GetByRole(AriaRole.Link, new() { Name = "Voir les coopératives" }).ClickAsync();
        await page.WaitForURLAsync("**/region/cooperatives");
        await page.CheckAsync(platform, "region-cooperatives");

        // Registering: a SIREN whose check digit is wrong is refused next to the field, and nothing is registered.
        await page.GetByRole(AriaRole.Link, new() { Name = "Inscrire une coopérative" }).ClickAsync();
        await page.WaitForURLAsync("**/region/cooperatives/nouvelle");
        await page.GetByLabel("Nom *").FillAsync(name);
        await page.GetByLabel("SIREN *").FillAsync(WrongCheckDigit(Siren.Next()));
        await page.GetByLabel("Commune (code INSEE) *").FillAsync("69123");
        await page.GetByLabel("Activité (code NAF) *").FillAsync("62.01Z");
        await page.GetByRole(AriaRole.Button, new() { Name = "Inscrire la coopérative" }).ClickAsync();
        await Assertions.Expect(page.Locator("#erreur-siren")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("La coopérative n'est pas inscrite");
        await page.CheckAsync(platform, "region-register-error");

        await page.GetByLabel("SIREN *").FillAsync(Siren.Next());
        await page.GetByRole(AriaRole.Button, new() { Name = "Inscrire la coopérative" }).ClickAsync();
        await page.WaitForURLAsync(url => url.Contains("inscrite=1", StringComparison.Ordinal));
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync(name);
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("La coopérative est inscrite au registre.");
        await Assertions.Expect(page.Locator("dl.facts")).ToContainTextAsync("URSCOP Auvergne-Rhône-Alpes");
        var cooperative = Guid.Parse(new Uri(page.Url).Segments[^1]);

        // Found as the delegate types, and no longer when the filter asks for another legal form.
        await page.GotoAsync("/region/cooperatives");
        await page.Locator("[role=search][data-mode=interactive]").WaitForAsync(); // keystrokes before it are not heard
        await page.GetByLabel("Nom", new() { Exact = true }).FillAsync(name[15..]);
        await page.WaitForURLAsync(url => url.Contains("nom=" + name[15..], StringComparison.Ordinal));
        var found = page.GetByRole(AriaRole.Row).Filter(new() { HasText = name });
        await Assertions.Expect(found).ToHaveCountAsync(1);
        await page.GetByLabel("Forme juridique").SelectOptionAsync("SCIC");
        await Assertions.Expect(found).ToHaveCountAsync(0);
        await page.WaitForURLAsync(url => url.Contains("forme=SCIC", StringComparison.Ordinal));
        await page.GetByLabel("Forme juridique").SelectOptionAsync("SCOP");
        await found.GetByRole(AriaRole.Link, new() { Name = name }).ClickAsync();
        await page.WaitForURLAsync($"**/region/cooperatives/{cooperative}");

        // A worker-member the union hired: on the cooperative's page, then their own.
        var delegateToken = await platform.TokenAsync("delegate-aura", "openid membership");
        var person = (await platform.PostAsync(delegateToken, $"/api/membership/cooperatives/{cooperative}/people",
            new { givenName = "Noé", familyName = "Élu", role = "worker-member", hiredOn = today })).GetProperty("id").GetGuid();
        await page.ReloadAsync();
        var people = page.Locator("section").Filter(new() { Has = page.GetByRole(AriaRole.Heading, new() { Name = "Ses personnes" }) });
        await Assertions.Expect(people.GetByRole(AriaRole.Row).Filter(new() { HasText = "Noé Élu" })).ToContainTextAsync("associé·e");
        await page.CheckAsync(platform, "region-cooperative");
        await people.GetByRole(AriaRole.Link, new() { Name = "Noé Élu" }).ClickAsync();
        await page.WaitForURLAsync($"**/region/personnes/{person}");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Noé Élu");
        await Assertions.Expect(page.GetByText("Aucun mandat.")).ToBeVisibleAsync();
        await page.CheckAsync(platform, "region-person");

        // Without the elected-officials training path, the mandate is refused and said why; nothing is recorded.
        const string title = "Administrateur de l'union régionale";
        await page.GetByLabel("Intitulé *").FillAsync(title);
        await page.GetByRole(AriaRole.Button, new() { Name = "Enregistrer le mandat" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("il demande le parcours de formation des élu·es achevé");
        await Assertions.Expect(page.GetByText("Aucun mandat.")).ToBeVisibleAsync();

        // Training reports the path completed (a session attended in the past: no test can attend one today).
        await platform.PublishAsync(new TrainingCompleted(Guid.NewGuid(), DateTimeOffset.UtcNow, person, Guid.NewGuid(),
            "Parcours des élu·es", "ElectedOfficials", Guid.NewGuid(), $"SCOP-{today.Year - 1}-000001", today.AddYears(-1),
            "Employee", "urscop-aura", cooperative));
        await Eventually.HoldsAsync(async () => await CompletionsAsync(person) == 1, "membership knows the completed path");

        // An end before the start is refused next to the field; then the mandate is recorded and listed.
        await page.GetByLabel("Intitulé *").FillAsync(title);
        await page.GetByLabel("Au", new() { Exact = true }).FillAsync(today.AddDays(-1).ToString("yyyy-MM-dd"));
        await page.GetByRole(AriaRole.Button, new() { Name = "Enregistrer le mandat" }).ClickAsync();
        await Assertions.Expect(page.Locator("#erreur-endsOn")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("corrigez les champs signalés");
        await page.CheckAsync(platform, "region-mandate-error");

        await page.GetByLabel("Au", new() { Exact = true }).FillAsync(today.AddYears(3).ToString("yyyy-MM-dd"));
        await page.GetByRole(AriaRole.Button, new() { Name = "Enregistrer le mandat" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync($"Mandat enregistré : {title}, régional");
        var mandates = page.GetByRole(AriaRole.Table).Filter(new() { HasText = title });
        await Assertions.Expect(mandates.GetByRole(AriaRole.Row).Filter(new() { HasText = title }))
            .ToContainTextAsync($"régional{Shown.Date(today)}{Shown.Date(today.AddYears(3))}");
        await page.CheckAsync(platform, "region-mandate");

        // Another union's delegate reaching the person by their address sees a « not found » page, not the person.
        await using var ouest = await platform.NewContextAsync(phone);
        var other = await ouest.NewPageAsync();
        await other.SignInAsync(platform, "delegate-ouest", check: null);
        var response = await other.GotoAsync($"/region/personnes/{person}");
        Assert.Equal((int)HttpStatusCode.NotFound, response!.Status);
        await Assertions.Expect(other.Locator("main")).Not.ToContainTextAsync("Noé Élu");
    }

    private async Task<long> CompletionsAsync(Guid person)
    {
        await using var connection = new NpgsqlConnection(await platform.App.GetConnectionStringAsync(ResourceNames.MembershipDatabase));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT count(*) FROM training_completions WHERE person_id = @p AND course_path = 'ElectedOfficials'", connection);
        command.Parameters.AddWithValue("p", person);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>The same SIREN with its last digit changed: its Luhn check no longer holds.</summary>
    private static string WrongCheckDigit(string siren) => siren[..8] + (char)('0' + (siren[8] - '0' + 1) % 10);
}
