using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Scop.Aspire.Identity.Tests.Support;
using Scop.Aspire.Testing;

namespace Scop.Aspire.Identity.Tests;

/// <summary>
/// The identity service's own API takes RS256 <c>at+jwt</c> access tokens only: a real admin token is accepted, and
/// the same claims under any other header are refused — unsigned, HS256 keyed with the public key, an identity token,
/// or re-signed with the service's own key under another algorithm or <c>typ</c>.
/// </summary>
[Collection(IdentityServerCollection.Name)]
public sealed class AccessTokenRulesTests(IdentityServer server)
{
    private const string AdminPath = "/api/identity/clients/credit-cooperatif";

    [Fact]
    public async Task Only_an_RS256_at_jwt_access_token_opens_the_admin_api()
    {
        using var browser = server.CreateBrowser();
        var admin = await CodeFlow.SignInAsync(browser, "admin", server.PasswordOf("admin"), "openid identity");
        var access = admin.AccessToken!;
        Assert.Equal("at+jwt", ForgedTokens.Header(access)["typ"]!.GetValue<string>());
        Assert.Equal("RS256", ForgedTokens.Header(access)["alg"]!.GetValue<string>());
        using var signingKey = ForgedTokens.DevelopmentSigningKey(server.DataRoot);
        var jwk = (await browser.GetFromJsonAsync<JsonElement>("/.well-known/jwks")).GetProperty("keys")[0];

        Assert.Equal(HttpStatusCode.OK, await StatusWith(access));
        // The forger's own signature is right: the same claims re-signed as the service does are accepted.
        Assert.Equal(HttpStatusCode.OK, await StatusWith(ForgedTokens.Resigned(access, signingKey, "RS256", "at+jwt")));

        var refused = new List<(string, string)>
        {
            ("the identity token", admin.IdentityToken!),
            ("alg none", ForgedTokens.Unsigned(access)),
            ("alg None", ForgedTokens.Unsigned(access, "None")),
            ("typ JWT, the service's key", ForgedTokens.Resigned(access, signingKey, "RS256", "JWT")),
            ("no typ, the service's key", ForgedTokens.Resigned(access, signingKey, "RS256", null)),
            ("RS512, the service's key", ForgedTokens.Resigned(access, signingKey, "RS512", "at+jwt")),
            ("PS256, the service's key", ForgedTokens.Resigned(access, signingKey, "PS256", "at+jwt")),
        };
        refused.AddRange(ForgedTokens.PublicKeyForms(jwk).Select(form => ($"HS256 keyed with the public key ({form.Form})",
            ForgedTokens.Hs256(access, form.Bytes))));
        foreach (var (why, token) in refused)
        {
            Assert.True(await StatusWith(token) == HttpStatusCode.Unauthorized, why);
        }
    }

    private async Task<HttpStatusCode> StatusWith(string token)
    {
        using var api = server.CreateBrowser().WithToken(token);
        using var response = await api.GetAsync(AdminPath);
        return response.StatusCode;
    }
}
