using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Duende.IdentityModel.Client;
using Scop.Aspire.Gateway.Tests.Support;
using Scop.Aspire.Testing;

namespace Scop.Aspire.Gateway.Tests;

/// <summary>
/// Tokens from the real identity service, signed in through the gateway: an RS256 <c>at+jwt</c> access token opens
/// the API at the gateway and at the service; the same claims under any other header are refused by both, each on its
/// own. Revocation and sign-out through the gateway end the refresh tokens.
/// </summary>
[Collection(RealIdentityServersCollection.Name)]
public sealed class RealTokenTests(RealIdentityServers servers)
{
    private const string Scope = "openid offline_access membership";
    private const string ProtectedPath = "/api/membership/cooperatives?page=1&pageSize=5";

    [Fact]
    public async Task A_real_access_token_passes_and_each_forgery_of_it_is_refused_by_the_gateway_and_by_the_service()
    {
        using var browser = servers.CreateGatewayBrowser();
        var signedIn = await CodeFlow.SignInAsync(browser, "admin", servers.PasswordOf("admin"), Scope);
        var access = signedIn.AccessToken!;
        using var signingKey = ForgedTokens.DevelopmentSigningKey(servers.DataRoot);
        var jwk = (await browser.GetFromJsonAsync<JsonElement>("/.well-known/jwks")).GetProperty("keys")[0];

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), await StatusesWith(access));
        // Re-signed as the identity service signs: accepted, so the refusals below are for the header alone.
        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), await StatusesWith(ForgedTokens.Resigned(access, signingKey, "RS256", "at+jwt")));

        var forgeries = new List<(string Why, string Token)>
        {
            ("an identity token presented as an access token", signedIn.IdentityToken!),
            ("alg none", ForgedTokens.Unsigned(access)),
            ("alg NONE", ForgedTokens.Unsigned(access, "NONE")),
            ("typ JWT, signed with the identity service's key", ForgedTokens.Resigned(access, signingKey, "RS256", "JWT")),
            ("no typ, signed with the identity service's key", ForgedTokens.Resigned(access, signingKey, "RS256", null)),
            ("RS512 with the identity service's key", ForgedTokens.Resigned(access, signingKey, "RS512", "at+jwt")),
            ("RS384 with the identity service's key", ForgedTokens.Resigned(access, signingKey, "RS384", "at+jwt")),
            ("PS256 with the identity service's key", ForgedTokens.Resigned(access, signingKey, "PS256", "at+jwt")),
        };
        forgeries.AddRange(ForgedTokens.PublicKeyForms(jwk).Select(form =>
            ($"HS256 keyed with the published public key ({form.Form})", ForgedTokens.Hs256(access, form.Bytes))));

        foreach (var (why, token) in forgeries)
        {
            Assert.True(await StatusesWith(token) == (HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized), why);
        }
    }

    [Fact]
    public async Task Revocation_through_the_gateway_ends_the_refresh_token()
    {
        using var browser = servers.CreateGatewayBrowser();
        var signedIn = await CodeFlow.SignInAsync(browser, "federation", servers.PasswordOf("federation"), Scope);

        var revoked = await browser.RevokeTokenAsync(new TokenRevocationRequest
        {
            Address = "/connect/revoke",
            ClientId = CodeFlow.WebClientId,
            Token = signedIn.RefreshToken!,
            TokenTypeHint = "refresh_token",
        });

        Assert.False(revoked.IsError, revoked.Error);
        Assert.Equal("invalid_grant", (await CodeFlow.RefreshAsync(browser, signedIn.RefreshToken!)).Error);
    }

    [Fact]
    public async Task Sign_out_through_the_gateway_ends_the_sessions_refresh_tokens()
    {
        using var browser = servers.CreateGatewayBrowser();
        var signedIn = await CodeFlow.SignInAsync(browser, "member", servers.PasswordOf("member"), Scope);
        Assert.False((await CodeFlow.RefreshAsync(browser, signedIn.RefreshToken!)).IsError);
        var current = await CodeFlow.SignInAsync(browser, "member", "not-asked", Scope);

        using var logout = await browser.GetAsync($"/connect/logout?id_token_hint={current.IdentityToken}");
        Assert.True(logout.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.OK, $"{(int)logout.StatusCode}");

        Assert.Equal("invalid_grant", (await CodeFlow.RefreshAsync(browser, current.RefreshToken!)).Error);
    }

    /// <summary>What the gateway answers, and what the service answers when called past the gateway.</summary>
    private async Task<(HttpStatusCode Gateway, HttpStatusCode Service)> StatusesWith(string token)
    {
        using var gateway = servers.CreateGatewayBrowser().WithToken(token);
        using var service = servers.CreateMembershipClient(token);
        using var throughGateway = await gateway.GetAsync(ProtectedPath);
        using var direct = await service.GetAsync(ProtectedPath);
        return (throughGateway.StatusCode, direct.StatusCode);
    }
}
