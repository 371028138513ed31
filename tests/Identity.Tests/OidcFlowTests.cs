using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Duende.IdentityModel.Client;
using Duende.IdentityModel.OidcClient;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Scop.Aspire.Identity.Tests.Support;
using Scop.Aspire.ServiceDefaults.Security;
using Scop.Aspire.Testing;

namespace Scop.Aspire.Identity.Tests;

/// <summary>
/// The OpenID Connect flows, driven by real client libraries (Duende OidcClient and IdentityModel) against the
/// running identity service: authorization code + PKCE through the sign-in page, refresh-token rotation, client
/// credentials; and the tokens they yield, checked against the published keys.
/// </summary>
[Collection(IdentityServerCollection.Name)]
public sealed class OidcFlowTests(IdentityServer server)
{
    private const string RedirectUri = CodeFlow.RedirectUri;

    [Fact]
    public async Task Discovery_names_the_issuer_the_flows_and_the_keys()
    {
        using var http = server.CreateBrowser();
        var document = await http.GetFromJsonAsync<JsonElement>("/.well-known/openid-configuration");

        Assert.Equal(server.Issuer, document.GetProperty("issuer").GetString());
        var grants = document.GetProperty("grant_types_supported").EnumerateArray().Select(g => g.GetString()).ToList();
        Assert.Contains("authorization_code", grants);
        Assert.Contains("client_credentials", grants);
        Assert.Contains("refresh_token", grants);
        Assert.DoesNotContain("password", grants);
        // PKCE with S256 only: "plain" is not offered (and refused, PkceTests).
        Assert.Equal(["S256"], document.GetProperty("code_challenge_methods_supported").EnumerateArray().Select(m => m.GetString()));
        Assert.Equal(server.Issuer + "connect/revoke", document.GetProperty("revocation_endpoint").GetString());
        Assert.Equal(server.Issuer + "connect/logout", document.GetProperty("end_session_endpoint").GetString());

        var keys = await http.GetFromJsonAsync<JsonElement>(new Uri(document.GetProperty("jwks_uri").GetString()!).PathAndQuery);
        Assert.Contains(keys.GetProperty("keys").EnumerateArray(), k => k.GetProperty("use").GetString() == "sig");
    }

    [Fact]
    public async Task A_delegate_signs_in_with_code_and_pkce_and_gets_a_token_with_their_role_and_region()
    {
        var (oidc, result) = await SignInAsync("delegate-aura", "openid profile roles offline_access membership");

        Assert.False(result.IsError, result.Error);
        var token = await ValidateAsync(result.AccessToken, PlatformAudiences.Membership);
        Assert.Equal(PlatformRoles.Delegate, token.GetClaim("role").Value);
        Assert.Equal("urscop-aura", token.GetClaim("regional_union").Value);
        Assert.Equal("scop-web", token.GetClaim("client_id").Value);
        Assert.False(string.IsNullOrEmpty(result.RefreshToken));
        Assert.False(string.IsNullOrEmpty(result.IdentityToken));
        Assert.NotNull(oidc);
    }

    [Fact]
    public async Task A_refresh_token_is_rotated_and_the_used_one_is_refused()
    {
        var (oidc, result) = await SignInAsync("federation", "openid offline_access portal");
        Assert.False(result.IsError, result.Error);

        var refreshed = await oidc.RefreshTokenAsync(result.RefreshToken);
        Assert.False(refreshed.IsError, refreshed.Error);
        Assert.NotEqual(result.RefreshToken, refreshed.RefreshToken);
        var token = await ValidateAsync(refreshed.AccessToken, PlatformAudiences.Portal);
        Assert.Equal(PlatformRoles.Federation, token.GetClaim("role").Value);

        var replayed = await oidc.RefreshTokenAsync(result.RefreshToken);
        Assert.True(replayed.IsError);
        Assert.Equal("invalid_grant", replayed.Error);
    }

    [Fact]
    public async Task A_partner_bank_gets_a_machine_token_with_client_credentials()
    {
        using var http = server.CreateBrowser();
        var discovery = await DiscoverAsync(http);

        var response = await http.RequestClientCredentialsTokenAsync(new ClientCredentialsTokenRequest
        {
            Address = discovery.TokenEndpoint,
            ClientId = "credit-cooperatif",
            ClientSecret = server.SecretOf("credit-cooperatif"),
            Scope = PlatformAudiences.PartnerHooks,
        });

        Assert.False(response.IsError, response.Error);
        var token = await ValidateAsync(response.AccessToken!, PlatformAudiences.PartnerHooks);
        Assert.Equal("credit-cooperatif", token.Subject);
        Assert.Equal(PlatformRoles.Partner, token.GetClaim("role").Value);
        Assert.Null(response.RefreshToken); // machines ask again; they get no refresh token
    }

    [Fact]
    public async Task A_wrong_client_secret_or_a_scope_not_granted_is_refused()
    {
        using var http = server.CreateBrowser();
        var discovery = await DiscoverAsync(http);

        var wrongSecret = await http.RequestClientCredentialsTokenAsync(new ClientCredentialsTokenRequest
        {
            Address = discovery.TokenEndpoint,
            ClientId = "credit-cooperatif",
            ClientSecret = "not-the-secret",
            Scope = PlatformAudiences.PartnerHooks,
        });
        Assert.True(wrongSecret.IsError);
        Assert.Contains("invalid_client", wrongSecret.Raw);

        var notGranted = await http.RequestClientCredentialsTokenAsync(new ClientCredentialsTokenRequest
        {
            Address = discovery.TokenEndpoint,
            ClientId = "credit-cooperatif",
            ClientSecret = server.SecretOf("credit-cooperatif"),
            Scope = PlatformAudiences.Identity, // the admin API: not this partner's
        });
        Assert.True(notGranted.IsError);
    }

    [Fact]
    public async Task The_sign_in_form_refuses_a_post_without_its_antiforgery_token()
    {
        using var browser = server.CreateBrowser();
        using var response = await browser.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["username"] = "admin",
            ["password"] = server.PasswordOf("admin"),
            ["returnUrl"] = "/",
        }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    /// <summary>Code + PKCE as a web front-end does it, the browser part played by an HttpClient with cookies.</summary>
    internal async Task<(OidcClient Client, LoginResult Result)> SignInAsync(string user, string scope, string? password = null)
    {
        var oidc = new OidcClient(new OidcClientOptions
        {
            Authority = server.Issuer,
            ClientId = "scop-web",
            RedirectUri = RedirectUri,
            Scope = scope,
            LoadProfile = false,
            DisablePushedAuthorization = true,
            Policy = new Policy { Discovery = new DiscoveryPolicy { RequireHttps = false } },
        });
        var state = await oidc.PrepareLoginAsync();

        using var browser = server.CreateBrowser();
        using var authorize = await browser.GetAsync(state.StartUrl);
        Assert.Equal(HttpStatusCode.Redirect, authorize.StatusCode);
        var loginPage = authorize.Headers.Location!;
        Assert.StartsWith("/account/login", loginPage.OriginalString);

        using var signedIn = await CodeFlow.PostLoginAsync(browser, loginPage.OriginalString, user,
            password ?? server.PasswordOf(user));
        Assert.True(signedIn.StatusCode == HttpStatusCode.Redirect, await signedIn.Content.ReadAsStringAsync());
        using var back = await browser.GetAsync(signedIn.Headers.Location);
        Assert.Equal(HttpStatusCode.Redirect, back.StatusCode);
        var callback = back.Headers.Location!.ToString();
        Assert.StartsWith(RedirectUri, callback);

        return (oidc, await oidc.ProcessResponseAsync(callback, state));
    }

    internal async Task<(string AccessToken, string? RefreshToken)> TokenForAsync(string user, string scope, string? password = null)
    {
        var (_, result) = await SignInAsync(user, scope, password);
        Assert.False(result.IsError, result.Error);
        return (result.AccessToken, result.RefreshToken);
    }

    private async Task<DiscoveryDocumentResponse> DiscoverAsync(HttpClient http)
    {
        var discovery = await http.GetDiscoveryDocumentAsync(new DiscoveryDocumentRequest
        {
            Address = server.Issuer,
            Policy = new DiscoveryPolicy { RequireHttps = false },
        });
        Assert.False(discovery.IsError, discovery.Error);
        return discovery;
    }

    /// <summary>Checks a token as a service does: the published keys, the issuer, the audience, the lifetime.</summary>
    private async Task<JsonWebToken> ValidateAsync(string token, string audience)
    {
        using var http = server.CreateBrowser();
        var discovery = await DiscoverAsync(http);
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = server.Issuer,
            ValidAudience = audience,
            IssuerSigningKeys = discovery.KeySet!.Keys.Select(k => new JsonWebKey(JsonSerializer.Serialize(new
            {
                kty = k.Kty, kid = k.Kid, use = k.Use, alg = k.Alg, n = k.N, e = k.E,
            }))),
        });
        Assert.True(result.IsValid, result.Exception?.Message);
        return (JsonWebToken)result.SecurityToken;
    }
}
