using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using MimeKit;
using Scop.Aspire.Testing;

namespace Scop.Aspire.Web.Tests;

/// <summary>
/// A cooperative's manager hired by its union: the invitation e-mail's link sets their password in the browser, they
/// sign in, and their inbox shows what concerns them — their cooperative's membership, once its first dues are paid,
/// and their union's welcome day — until they mark it read, one notification or all of them.
/// </summary>
[Collection(WebPlatformCollection.Name)]
public sealed partial class InboxJourneyTests(WebPlatform platform)
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_hired_manager_activates_their_account_signs_in_and_reads_their_notifications(bool phone)
    {
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var delegateToken = await TokenAsync("delegate-aura", "openid membership");
        var cooperative = (await PostAsync(delegateToken, "/api/membership/cooperatives", new
        {
            name = $"Scop des Traboules {Guid.NewGuid():N}"[..30], siren = Siren.Next(), legalForm = "SCOP", communeCode = "69123", nafCode = "13.20Z",
        })).GetProperty("id").GetGuid();
        var email = $"sacha.{Guid.NewGuid():N}@example.coop";
        await PostAsync(delegateToken, $"/api/membership/cooperatives/{cooperative}/people", new
        {
            givenName = "Sacha", familyName = "Traboule", email, role = "manager", hiredOn = today,
        });

        // The invitation (sent once the notifications service knows the hire, and so its manager) ...
        var link = ActivationLink().Match((await InvitationToAsync(email)).TextBody ?? "").Value;
        Assert.False(string.IsNullOrEmpty(link), "no activation link in the invitation");

        // ... then the cooperative's first dues: its managers are told that its membership runs.
        await PostAsync(delegateToken, $"/api/membership/cooperatives/{cooperative}/membership", new { termKind = "rolling", duesCents = 90_000 });
        await PostAsync(delegateToken, $"/api/membership/cooperatives/{cooperative}/membership/payments", new { amountCents = 90_000, paidOn = today });

        // The invitation's link, opened in the browser: the activation page, like the sign-in page.
        await using var context = await platform.NewContextAsync(phone);
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(link).PathAndQuery);
        await page.CheckAsync(platform, "account-activation");
        const string password = "Traboules-et-canuts-2027";
        await page.GetByLabel("Mot de passe (12 caractères au moins)").FillAsync(password);
        await page.GetByLabel("Le même, encore une fois").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Enregistrer" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Votre compte est prêt");

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

    private async Task<MimeMessage> InvitationToAsync(string email)
    {
        var maildir = Path.Combine(platform.DataRoot, "mail", "maildir", "new");
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            foreach (var file in Directory.Exists(maildir) ? Directory.GetFiles(maildir) : [])
            {
                var message = await MimeMessage.LoadAsync(file);
                if (message.To.Mailboxes.Any(m => m.Address == email) && message.Headers["X-Scop-Kind"] == "account-invitation")
                {
                    return message;
                }
            }

            Assert.True(DateTime.UtcNow < deadline, $"No invitation for {email} in {maildir} within 60 s.");
            await Task.Delay(250);
        }
    }

    private async Task<string> TokenAsync(string user, string scope)
    {
        using var browser = CodeFlow.NewBrowser(platform.Address);
        return (await CodeFlow.SignInAsync(browser, user, platform.Password(user), scope)).AccessToken!;
    }

    private async Task<JsonElement> PostAsync(string token, string path, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new("Bearer", token);
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
        using var response = await platform.Gateway.SendAsync(request);
        Assert.True(response.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK, $"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    [GeneratedRegex(@"https?://\S+/account/activate\?token=[A-Za-z0-9_%\-]+")]
    private static partial Regex ActivationLink();
}
