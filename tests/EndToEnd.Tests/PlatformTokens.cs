using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;
using Duende.IdentityModel.Client;
using Duende.IdentityModel.OidcClient;

namespace Scop.Aspire.EndToEnd.Tests;

/// <summary>
/// Real tokens from the running identity service, through the gateway only: code + PKCE with the sign-in page for
/// the development users, client credentials for the development partner bank.
/// </summary>
public static class PlatformTokens
{
    private const string RedirectUri = "http://127.0.0.1/callback";

    public static JsonElement Credentials(PlatformFixture platform) => JsonDocument.Parse(
        File.ReadAllText(Path.Combine(platform.DataRoot, "identity", "dev-credentials.json"))).RootElement.Clone();

    public static Task<string> SignInAsync(PlatformFixture platform, string user, string scope) =>
        SignInAsync(platform, user, Credentials(platform).GetProperty("Passwords").GetProperty(user).GetString()!, scope);

    /// <summary>The code flow with PKCE through the gateway's sign-in page, as a browser would, for any account.</summary>
    public static async Task<string> SignInAsync(PlatformFixture platform, string user, string password, string scope)
    {
        var issuer = platform.Gateway.BaseAddress!.ToString();
        var oidc = new OidcClient(new OidcClientOptions
        {
            Authority = issuer,
            ClientId = "scop-web",
            RedirectUri = RedirectUri,
            Scope = scope,
            LoadProfile = false,
            DisablePushedAuthorization = true,
            Policy = new Policy { Discovery = new DiscoveryPolicy { RequireHttps = false } },
        });
        var state = await oidc.PrepareLoginAsync();

        using var browser = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() })
        {
            BaseAddress = platform.Gateway.BaseAddress,
        };
        using var authorize = await browser.GetAsync(state.StartUrl);
        Assert.True(authorize.StatusCode == HttpStatusCode.Redirect, await authorize.Content.ReadAsStringAsync());
        using var page = await browser.GetAsync(authorize.Headers.Location);
        var html = await page.Content.ReadAsStringAsync();
        var token = Field("__RequestVerificationToken").Match(html).Groups[1].Value;
        var returnUrl = WebUtility.HtmlDecode(Field("returnUrl").Match(html).Groups[1].Value);
        using var signedIn = await browser.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token),
            ["returnUrl"] = returnUrl,
            ["username"] = user,
            ["password"] = password,
        }));
        Assert.True(signedIn.StatusCode == HttpStatusCode.Redirect, await signedIn.Content.ReadAsStringAsync());
        using var back = await browser.GetAsync(signedIn.Headers.Location);
        Assert.Equal(HttpStatusCode.Redirect, back.StatusCode);

        var result = await oidc.ProcessResponseAsync(back.Headers.Location!.ToString(), state);
        Assert.False(result.IsError, result.Error);
        return result.AccessToken;
    }

    public static async Task<string> ClientCredentialsAsync(PlatformFixture platform, string clientId, string scope)
    {
        var response = await platform.Gateway.RequestClientCredentialsTokenAsync(new ClientCredentialsTokenRequest
        {
            Address = "/connect/token",
            ClientId = clientId,
            ClientSecret = Credentials(platform).GetProperty("ClientSecrets").GetProperty(clientId).GetString()!,
            Scope = scope,
        });
        Assert.False(response.IsError, response.Error);
        return response.AccessToken!;
    }

    public static HttpRequestMessage WithToken(this HttpRequestMessage request, string token)
    {
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return request;
    }

    private static Regex Field(string name) => new($"name=\"{Regex.Escape(name)}\" value=\"([^\"]*)\"");
}
