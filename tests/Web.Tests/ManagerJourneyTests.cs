using System.Net;
using Scop.Aspire.Testing;
using Scop.Aspire.ServiceDefaults;

namespace Scop.Aspire.Web.Tests;

/// <summary>A cooperative's manager, signed in through the real sign-in page, reads their cooperative.</summary>
[Collection(WebPlatformCollection.Name)]
public sealed class ManagerJourneyTests(WebPlatform platform)
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_manager_reads_their_cooperative_its_membership_and_dues_and_its_people(bool phone)
    {
        // The regional union registers the cooperative, its membership, its first dues and a hire; the confederation
        // gives the manager an account for it.
        var today = ParisCalendar.Today(TimeProvider.System);
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
        const string password = "Une-phrase-de-gerant-42";
        await platform.PostAsync(await platform.TokenAsync("admin", "openid identity"), "/api/identity/users", new
        {
            userName, displayName = "Alex Gérant", password, roles = new[] { "cooperative-manager" }, cooperativeId = id,
        });

        await using var context = await platform.NewContextAsync(phone);
        var page = await context.NewPageAsync();
        await page.SignInAsync(platform, userName, check: null, password: password);
        await page.GetByRole(AriaRole.Link, new() { Name = "Gérer ma coopérative" }).ClickAsync();
        await page.WaitForURLAsync("**/gestion");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync(name);
        await Assertions.Expect(page.Locator("section").Filter(new() { Has = page.GetByRole(AriaRole.Heading, new() { Name = "Informations" }) }))
            .ToContainTextAsync("URSCOP Auvergne-Rhône-Alpes");

        var membership = page.Locator("section").Filter(new() { Has = page.GetByRole(AriaRole.Heading, new() { Name = "Adhésion et cotisations" }) });
        await Assertions.Expect(membership).ToContainTextAsync("Nouvelle adhérente");
        await Assertions.Expect(membership).ToContainTextAsync("1 200,00 €");
        await Assertions.Expect(membership.GetByRole(AriaRole.Table)).ToContainTextAsync(French(today));

        var people = page.Locator("section").Filter(new() { Has = page.GetByRole(AriaRole.Heading, new() { Name = "Les personnes" }) });
        await Assertions.Expect(people.GetByRole(AriaRole.Row).Filter(new() { HasText = "Camille Tisserand" })).ToContainTextAsync("associé·e");
        await page.CheckAsync(platform, "manager-cooperative");

        // A manager is no delegate: the region's pages are refused to them.
        var region = await page.GotoAsync("/region/cooperatives");
        Assert.Equal((int)HttpStatusCode.Forbidden, region!.Status);
    }

    private static string French(DateOnly date) => date.ToString("d MMMM yyyy", System.Globalization.CultureInfo.GetCultureInfo("fr-FR"));
}
