using System.Net;
using System.Text.Json;
using Npgsql;
using Scop.Aspire.Contracts.Training;
using Scop.Aspire.ServiceDefaults;
using Scop.Aspire.Testing;

namespace Scop.Aspire.Web.Tests;

/// <summary>
/// The targets of the Ambassades and clubs, for anyone: a club opened in Bretagne counts among the région's clubs
/// against the 50, the labelled Ambassades are said against 200 and against 12 % of the member cooperatives, the
/// enquiries by how they were answered — the figures the service answers, reached from the clubs' list.
/// </summary>
[Collection(WebLanes.Second)]
public sealed class AmbassadeTargetsTests(WebPlatform platform)
{
    private const string Bretagne = "53";

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Anyone_reads_the_ambassades_and_clubs_targets_nationally_and_for_a_region(bool phone)
    {
        var year = ParisCalendar.Today(TimeProvider.System).Year;
        await OpenClubInBretagneAsync();
        var region = await TargetsAsync($"/api/ambassadors/targets/{year}?region={Bretagne}");
        var national = await TargetsAsync($"/api/ambassadors/targets/{year}");
        Assert.True(region.GetProperty("clubs").GetProperty("open").GetInt64() >= 1);

        await using var context = await platform.NewContextAsync(phone);
        var page = await context.NewPageAsync();
        await page.GotoAsync($"/clubs?region={Bretagne}");
        await page.GetByRole(AriaRole.Link, new() { Name = "Les objectifs des SCOP Ambassades et des clubs" }).ClickAsync();
        await page.WaitForURLAsync($"**/ambassades/objectifs?region={Bretagne}");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Les objectifs des SCOP Ambassades et des clubs");
        await Assertions.Expect(page.GetByText($"Voici où en est Bretagne en {year}.")).ToBeVisibleAsync();
        await ExpectFiguresAsync(page, region);
        await page.CheckAsync(platform, "ambassades-targets-region");

        // The whole of France, from the région picker: the same figures as the service's, and the régions side by side.
        await page.GetByLabel("Région").SelectOptionAsync(new SelectOptionValue { Label = "Toute la France" });
        await page.GetByRole(AriaRole.Button, new() { Name = "Afficher" }).ClickAsync();
        await page.WaitForURLAsync("**/ambassades/objectifs?annee=*");
        await Assertions.Expect(page.GetByText($"Voici où en est le mouvement en {year}.")).ToBeVisibleAsync();
        await ExpectFiguresAsync(page, national);
        await Assertions.Expect(page.GetByRole(AriaRole.Table, new() { Name = "SCOP Ambassades labellisées et clubs ouverts par région", Exact = false })
            .GetByRole(AriaRole.Row).Filter(new() { HasText = "Bretagne" })).ToContainTextAsync(
            $"{Shown.Number(national.GetProperty("clubs").GetProperty("byRegion").GetProperty(Bretagne).GetInt64())} club(s)");
        await page.CheckAsync(platform, "ambassades-targets");

        // Reached from the Congress figures too.
        await page.GotoAsync("/chiffres");
        await page.GetByRole(AriaRole.Link, new() { Name = "Les objectifs des SCOP Ambassades et des clubs inter-SCOP, par région" }).ClickAsync();
        await page.WaitForURLAsync("**/ambassades/objectifs?annee=*");
    }

    private static async Task ExpectFiguresAsync(IPage page, JsonElement targets)
    {
        var ambassades = targets.GetProperty("ambassades");
        var clubs = targets.GetProperty("clubs");
        var enquiries = targets.GetProperty("enquiries").GetProperty("year");
        await Assertions.Expect(page.Locator("[data-figure='ambassades']")).ToHaveTextAsync(
            $"{Shown.Number(ambassades.GetProperty("labelled").GetInt64())} labellisée(s) sur un objectif de 200, et 12 % des "
            + $"{Shown.Number(ambassades.GetProperty("memberCooperatives").GetInt64())} coopératives adhérentes : "
            + $"{Shown.Number(ambassades.GetProperty("shareTarget").GetInt64())}.");
        await Assertions.Expect(page.Locator("[data-figure='clubs']")).ToHaveTextAsync(
            $"{Shown.Number(clubs.GetProperty("open").GetInt64())} club(s) ouvert(s) sur un objectif de 50, dont "
            + $"{Shown.Number(clubs.GetProperty("dormant").GetInt64())} en sommeil. Voir les clubs");
        await Assertions.Expect(page.Locator("[data-figure='demandes']")).ToContainTextAsync(
            $"{Shown.Number(enquiries.GetProperty("received").GetInt64())} demande(s) reçue(s)");
        // The clubs' chart's table: the figure against the target.
        var open = clubs.GetProperty("open").GetInt64();
        await Assertions.Expect(page.GetByRole(AriaRole.Table, new() { Name = "Clubs inter-SCOP ouverts", Exact = false }).First
            .GetByRole(AriaRole.Row).Filter(new() { HasText = "Objectif du plan (50)" })).ToContainTextAsync($"{Shown.Number(open)} sur 50");
        // The enquiries month by month: twelve rows.
        await Assertions.Expect(page.GetByRole(AriaRole.Table, new() { Name = "Les demandes mois par mois (mois de réception)" })
            .Locator("tbody tr")).ToHaveCountAsync(12);
    }

    /// <summary>A club in Rennes Métropole, opened by the union's delegate with an animator training reported qualified.</summary>
    private async Task OpenClubInBretagneAsync()
    {
        var animator = Guid.NewGuid();
        await platform.PublishAsync(new TrainingCompleted(Guid.NewGuid(), DateTimeOffset.UtcNow, animator, Guid.NewGuid(),
            "Animer un club inter-SCOP", "ElectedOfficials", Guid.NewGuid(), $"SCOP-2025-{Random.Shared.Next(100_000, 999_999)}",
            new DateOnly(2025, 10, 2), "Employee", "urscop-ouest", null));
        await Eventually.HoldsAsync(async () =>
        {
            await using var connection = new NpgsqlConnection(await platform.App.GetConnectionStringAsync(ResourceNames.AmbassadorsDatabase));
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("SELECT count(*) FROM qualified_animators WHERE person_id = @p", connection);
            command.Parameters.AddWithValue("p", animator);
            return (long)(await command.ExecuteScalarAsync())! == 1;
        }, "the animator is qualified");

        using var clubs = await platform.Gateway.GetAsync($"/api/ambassadors/clubs?region={Bretagne}&pageSize=100");
        var rennes = JsonDocument.Parse(await clubs.Content.ReadAsStringAsync()).RootElement.GetProperty("items").EnumerateArray()
            .Any(c => c.GetProperty("epci").GetString() == "243500139" && c.GetProperty("status").GetString() != "Closed");
        if (!rennes)
        {
            var token = await platform.TokenAsync("delegate-ouest", "openid ambassadors");
            await platform.PostAsync(token, "/api/ambassadors/clubs",
                new { name = "Club inter-SCOP de Rennes Métropole", epci = "243500139", animators = new[] { animator } });
        }
    }

    private async Task<JsonElement> TargetsAsync(string path)
    {
        using var response = await platform.Gateway.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }
}
