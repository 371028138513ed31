using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Scop.Aspire.HostileInput.Tests.Contract;
using Scop.Aspire.ServiceDefaults;
using Scop.Aspire.ServiceDefaults.Security;

namespace Scop.Aspire.HostileInput.Tests.Examples;

/// <summary>
/// The identity service's admin API checks only the tokens it issued itself, so its caller signs in as a browser
/// would: the code flow with PKCE through its sign-in page, as the development user of the role.
/// </summary>
public sealed partial class IdentityExamples : ServiceExamples
{
    private const string RedirectUri = "http://localhost:3000/callback";

    private static readonly Dictionary<string, string> DevelopmentUsers = new(StringComparer.Ordinal)
    {
        [PlatformRoles.Member] = "member",
        [PlatformRoles.CooperativeManager] = "manager",
        [PlatformRoles.Elected] = "elected",
        [PlatformRoles.Delegate] = "delegate-aura",
        [PlatformRoles.Federation] = "federation",
        [PlatformRoles.ConfederationAdmin] = "admin",
    };

    public override string Service => ResourceNames.Identity;

    public override async Task SetUpAsync(ServiceContext context, ExampleValues examples)
    {
        examples
            .Set("userName", () => JsonValue.Create($"camille.{Guid.NewGuid():N}"[..20]))
            .Set("displayName", JsonValue.Create("Camille Martin"))
            .Set("password", JsonValue.Create("Coopérer-ensemble-2026"))
            .Set("CreateUser.roles", new JsonArray("member"))
            .Set("CreateUser.regionalUnion", ExampleValues.Omitted)
            .Set("SetUserRoles.roles", new JsonArray("delegate"))
            .Set("cooperativeId", ExampleValues.Omitted)
            .Set("clientId", () => JsonValue.Create($"banque-{Guid.NewGuid():N}"[..20]))
            .Set("scopes", new JsonArray("partner-hooks"))
            .Set("RegisterClient.roles", new JsonArray("partner"));

        var user = await context.PostAsync("/api/identity/users", new
        {
            userName = $"dominique.{Guid.NewGuid():N}"[..20], password = "Coopérer-ensemble-2026", roles = new[] { "member" },
        });
        var client = await context.PostAsync("/api/identity/clients", new
        {
            clientId = $"banque-{Guid.NewGuid():N}"[..20], displayName = "Banque", scopes = new[] { "partner-hooks" },
        });
        examples
            .Set("users.id", JsonValue.Create(user.GetProperty("id").GetString()))
            .Set("clientId", JsonValue.Create(client.GetProperty("clientId").GetString()))
            .Set("RegisterClient.clientId", () => JsonValue.Create($"banque-{Guid.NewGuid():N}"[..20]));
    }

    public override async Task<string?> TokenAsync(ServiceContext context, string role)
    {
        var userName = DevelopmentUsers.GetValueOrDefault(role)
            ?? throw new InvalidOperationException($"No development user has the role {role}.");
        var dataRoot = context.Service.Services.GetRequiredService<IConfiguration>()["Scop:DataRoot"]!;
        using var credentials = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(dataRoot, "identity", "dev-credentials.json")));
        var password = credentials.RootElement.GetProperty("Passwords").GetProperty(userName).GetString()!;

        using var browser = context.Service.CreateClient(ServiceContext.Patience, cookies: true);
        var verifier = Base64Url(RandomNumberGenerator.GetBytes(32));
        var challenge = Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
        var authorize = "/connect/authorize?client_id=scop-web&response_type=code&state=hostile"
            + $"&redirect_uri={Uri.EscapeDataString(RedirectUri)}&scope={Uri.EscapeDataString("openid " + PlatformAudiences.Identity)}"
            + $"&code_challenge={challenge}&code_challenge_method=S256";

        using var toLogin = await browser.GetAsync(authorize);
        using var page = await browser.GetAsync(Expect(toLogin, HttpStatusCode.Found));
        var html = await page.Content.ReadAsStringAsync();
        using var signedIn = await browser.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(AntiforgeryField().Match(html).Groups[1].Value),
            ["returnUrl"] = WebUtility.HtmlDecode(ReturnUrlField().Match(html).Groups[1].Value),
            ["username"] = userName,
            ["password"] = password,
        }));
        using var toCallback = await browser.GetAsync(Expect(signedIn, HttpStatusCode.Found));
        var callback = new Uri(Expect(toCallback, HttpStatusCode.Found));
        var code = System.Web.HttpUtility.ParseQueryString(callback.Query)["code"];
        using var token = await browser.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["code"] = code ?? throw new InvalidOperationException($"No code in {callback}."),
            ["redirect_uri"] = RedirectUri,
            ["client_id"] = "scop-web",
            ["code_verifier"] = verifier,
        }));
        var answer = await token.Content.ReadAsStringAsync();
        return JsonDocument.Parse(answer).RootElement.TryGetProperty("access_token", out var accessToken)
            ? accessToken.GetString()
            : throw new InvalidOperationException($"No access token: {answer}");
    }

    private static string Expect(HttpResponseMessage response, HttpStatusCode status) =>
        response.StatusCode == status && response.Headers.Location is { } location
            ? location.OriginalString
            : throw new InvalidOperationException($"Signing in: {response.RequestMessage?.RequestUri} answered {(int)response.StatusCode}.");

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();

    [GeneratedRegex("name=\"returnUrl\" value=\"([^\"]*)\"")]
    private static partial Regex ReturnUrlField();
}
