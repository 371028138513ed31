using Scop.Aspire.Testing;
using Scop.Aspire.ServiceDefaults;

namespace Scop.Aspire.Web.Tests;

/// <summary>
/// A cooperative's manager hired by its union: the invitation e-mail's link sets their password in the browser, they
/// sign in, and their inbox shows what concerns them — their cooperative's membership, once its first dues are paid,
/// and their union's welcome day — until they mark it read, one notification or all of them.
/// </summary>
[Collection(WebLanes.Third)]
public sealed class InboxJourneyTests(WebPlatform platform)
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_hired_manager_activates_their_account_signs_in_and_reads_their_notifications(bool phone)
    {
        var today = ParisCalendar.Today(TimeProvider.System);
        var delegateToken = await platform.TokenAsync("delegate-aura", "openid membership");
        var cooperative = (await platform.PostAsync(delegateToken, "/api/membership/cooperatives", new
        {
            name = $"Scop des Traboules {Guid.NewGuid():N}"[..30], siren = Siren.Next(), legalForm = "SCOP", communeCode = "69123", nafCode = "13.20Z",
        })).GetProperty("id").GetGuid();
        var email = $"sacha.{Guid.NewGuid():N}@example.coop";
        await platform.PostAsync(delegateToken, $"/api/membership/cooperatives/{cooperative}/people", new
        {
            givenName = "Sacha", familyName = "Traboule", email, role = "manager", hiredOn = today,
        });

        // The invitation (sent once the notifications service knows the hire, and so its manager) ...
        var link = await platform.InvitationLinkAsync(email);

        // ... then the cooperative's first dues: its managers are told that its membership runs.
        await platform.PostAsync(delegateToken, $"/api/membership/cooperatives/{cooperative}/membership", new { termKind = "rolling", duesCents = 90_000 });
        await platform.PostAsync(delegateToken, $"/api/membership/cooperatives/{cooperative}/membership/payments", new { amountCents = 90_000, paidOn = today });

        // The invitation's link, opened in the browser: the activation page, like the sign-in page.
        await using var context = await platform.NewContextAsync(phone);
        var page = await context.NewPageAsync();
        const string password = "Traboules-et-canuts-2027";
        await page.ActivateAccountAsync(platform, link, password);

        // Signed in, their inbox holds the membership's notification (fed through RabbitMQ), unread, then read.
        await page.SignInAsync(platform, email, check: null, password: password);
        var notification = page.GetByRole(AriaRole.Listitem).Filter(new() { HasText = "Adhésion de votre coopérative enregistrée" });
        var deadline = DateTime.UtcNow.AddSeconds(30);
        do
        {
            await page.GetByRole(AriaRole.Link, new() { Name = "Mes notifications" }).ClickAsync();
            await page.WaitForURLAsync("**/notifications");
        }
        while (await notification.CountAsync() == 0 && DateTime.UtcNow < deadline);
        await Assertions.Expect(notification).ToContainTextAsync("Non lue");
        await Assertions.Expect(notification).ToContainTextAsync("La cotisation de votre coopérative est enregistrée");
        await page.CheckAsync(platform, "inbox");
        await notification.GetByRole(AriaRole.Button, new() { Name = "Marquer comme lue" }).ClickAsync();
        await Assertions.Expect(notification).Not.ToContainTextAsync("Non lue");

        // The hire also invited them to their union's welcome day: still unread, until everything is marked read.
        var welcomeDay = page.GetByRole(AriaRole.Listitem).Filter(new() { HasText = "journée d'accueil" });
        await Assertions.Expect(welcomeDay).ToContainTextAsync("Non lue");
        await page.GetByRole(AriaRole.Button, new() { Name = "Tout marquer comme lu" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Toutes vos notifications sont marquées lues.");
        await Assertions.Expect(welcomeDay).Not.ToContainTextAsync("Non lue");
        await Assertions.Expect(page.GetByText("Non lue")).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Tout marquer comme lu" })).ToHaveCountAsync(0);
    }
}
