using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using MassTransit;
using MimeKit;
using Scop.Aspire.ServiceDefaults;
using Scop.Aspire.Testing;

namespace Scop.Aspire.Web.Tests;

/// <summary>
/// What a journey's setting-up does through the gateway, as the people before the one under test would: a development
/// user's token, a write with its Idempotency-Key, the invitation e-mail a hire sends and the account it opens.
/// </summary>
public static partial class PlatformRequests
{
    /// <summary>A development user's access token, signed in by the code flow.</summary>
    public static async Task<string> TokenAsync(this WebPlatform platform, string user, string scope)
    {
        using var browser = CodeFlow.NewBrowser(platform.Address);
        return (await CodeFlow.SignInAsync(browser, user, platform.Password(user), scope)).AccessToken!;
    }

    /// <summary>A POST that must succeed (201 or 200); its answer. <paramref name="ifMatch"/> for a write on a version (« * »: any).</summary>
    public static async Task<JsonElement> PostAsync(this WebPlatform platform, string token, string path, object body, string? ifMatch = null)
    {
        using var request = Authorized(HttpMethod.Post, path, token);
        request.Content = JsonContent.Create(body);
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        return await AnswerAsync(platform, request, HttpStatusCode.Created, HttpStatusCode.OK);
    }

    /// <summary>A PUT on the version read (<paramref name="ifMatch"/>) that must succeed; its answer.</summary>
    public static async Task<JsonElement> PutAsync(this WebPlatform platform, string token, string path, object body, string ifMatch)
    {
        using var request = Authorized(HttpMethod.Put, path, token);
        request.Content = JsonContent.Create(body);
        request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        return await AnswerAsync(platform, request, HttpStatusCode.OK);
    }

    /// <summary>A GET that must succeed; its answer.</summary>
    public static async Task<JsonElement> GetAsync(this WebPlatform platform, string token, string path)
    {
        using var request = Authorized(HttpMethod.Get, path, token);
        return await AnswerAsync(platform, request, HttpStatusCode.OK);
    }

    /// <summary>What a GET answers: its status only.</summary>
    public static async Task<HttpStatusCode> StatusOfAsync(this WebPlatform platform, string token, string path)
    {
        using var request = Authorized(HttpMethod.Get, path, token);
        using var response = await platform.Gateway.SendAsync(request);
        return response.StatusCode;
    }

    /// <summary>
    /// Publishes an integration event on the platform's broker, as the service that owns it would: for what a journey
    /// needs from another service that no page or clock of the test can bring about (a course completed in the past).
    /// </summary>
    public static async Task PublishAsync<TEvent>(this WebPlatform platform, TEvent integrationEvent) where TEvent : class
    {
        var broker = new Uri((await platform.App.GetConnectionStringAsync(ResourceNames.RabbitMq))!);
        var bus = Bus.Factory.CreateUsingRabbitMq(rabbit => rabbit.Host(broker));
        await bus.StartAsync(TimeSpan.FromSeconds(30));
        try
        {
            await bus.Publish(integrationEvent);
        }
        finally
        {
            await bus.StopAsync(TimeSpan.FromSeconds(30));
        }
    }

    private static HttpRequestMessage Authorized(HttpMethod method, string path, string token) =>
        new(method, path) { Headers = { Authorization = new("Bearer", token) } };

    private static async Task<JsonElement> AnswerAsync(WebPlatform platform, HttpRequestMessage request, params HttpStatusCode[] expected)
    {
        using var response = await platform.Gateway.SendAsync(request);
        Assert.True(expected.Contains(response.StatusCode),
            $"{request.RequestUri}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>
    /// A worker-member of a new cooperative of the union of <paramref name="communeCode"/> (registered, its membership
    /// paid), hired by the union with an e-mail address, whose account is opened from the invitation in the browser: they
    /// sign in with their address and <paramref name="password"/>.
    /// </summary>
    public static async Task<NewMember> NewMemberAsync(this WebPlatform platform, IPage page, string givenName, string familyName,
        string password, string communeCode = "69123")
    {
        var today = ParisCalendar.Today(TimeProvider.System);
        var delegateToken = await platform.TokenAsync("delegate-aura", "openid membership");
        var siren = Siren.Next();
        var cooperative = (await platform.PostAsync(delegateToken, "/api/membership/cooperatives", new
        {
            name = $"Coopérative {familyName} {Guid.NewGuid():N}"[..30], siren, legalForm = "SCOP", communeCode, nafCode = "13.20Z",
        })).GetProperty("id").GetGuid();
        await platform.PostAsync(delegateToken, $"/api/membership/cooperatives/{cooperative}/membership", new { termKind = "rolling", duesCents = 90_000 });
        await platform.PostAsync(delegateToken, $"/api/membership/cooperatives/{cooperative}/membership/payments", new { amountCents = 90_000, paidOn = today });
        var email = $"{givenName.ToLowerInvariant()}.{Guid.NewGuid():N}@example.coop";
        var person = (await platform.PostAsync(delegateToken, $"/api/membership/cooperatives/{cooperative}/people", new
        {
            givenName, familyName, email, role = "worker-member", hiredOn = today,
        })).GetProperty("id").GetGuid();
        await page.ActivateAccountAsync(platform, await platform.InvitationLinkAsync(email), password);
        return new NewMember(cooperative, siren, person, email);
    }

    /// <summary>
    /// A cooperative the union of <paramref name="communeCode"/> registers (membership paid), and the account of its
    /// manager, who signs in with <paramref name="managerPassword"/>: the cooperative's id and name, the manager's user name.
    /// </summary>
    public static async Task<(Guid Id, string Name, string ManagerUserName)> NewManagedCooperativeAsync(this WebPlatform platform,
        string name, string communeCode, string nafCode, string managerPassword)
    {
        var today = ParisCalendar.Today(TimeProvider.System);
        var delegateToken = await platform.TokenAsync("delegate-aura", "openid membership");
        var id = (await platform.PostAsync(delegateToken, "/api/membership/cooperatives",
            new { name, siren = Siren.Next(), legalForm = "SCOP", communeCode, nafCode })).GetProperty("id").GetGuid();
        await platform.PostAsync(delegateToken, $"/api/membership/cooperatives/{id}/membership", new { termKind = "rolling", duesCents = 90_000 });
        await platform.PostAsync(delegateToken, $"/api/membership/cooperatives/{id}/membership/payments", new { amountCents = 90_000, paidOn = today });
        var userName = $"gerant.{Guid.NewGuid():N}"[..16];
        await platform.PostAsync(await platform.TokenAsync("admin", "openid identity"), "/api/identity/users", new
        {
            userName, displayName = "Dominique Éditrice", password = managerPassword, roles = new[] { "cooperative-manager" }, cooperativeId = id,
        });
        return (id, name, userName);
    }

    /// <summary>The link of the invitation a hire sends, from the e-mail the platform's mail server delivered to <paramref name="email"/>.</summary>
    public static async Task<string> InvitationLinkAsync(this WebPlatform platform, string email)
    {
        var link = ActivationLink().Match((await InvitationToAsync(platform, email)).TextBody ?? "").Value;
        Assert.False(string.IsNullOrEmpty(link), "no activation link in the invitation");
        return link;
    }

    /// <summary>Opens the account an invitation offers, in the browser: its link, then the password set twice.</summary>
    public static async Task ActivateAccountAsync(this IPage page, WebPlatform platform, string invitationLink, string password)
    {
        await page.GotoAsync(new Uri(invitationLink).PathAndQuery);
        await page.CheckAsync(platform, "account-activation");
        await page.GetByLabel("Mot de passe (12 caractères au moins)").FillAsync(password);
        await page.GetByLabel("Le même, encore une fois").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Enregistrer" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Votre compte est prêt");
    }

    private static async Task<MimeMessage> InvitationToAsync(WebPlatform platform, string email)
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

    [GeneratedRegex(@"https?://\S+/account/activate\?token=[A-Za-z0-9_%\-]+")]
    private static partial Regex ActivationLink();
}

/// <summary>A member made by <see cref="PlatformRequests.NewMemberAsync"/>: their cooperative, its SIREN, their person id and user name.</summary>
public sealed record NewMember(Guid Cooperative, string CooperativeSiren, Guid Person, string Email);
