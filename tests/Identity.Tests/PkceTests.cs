using System.Net;
using Duende.IdentityModel.Client;
using Scop.Aspire.Identity.Tests.Support;
using Scop.Aspire.Testing;

namespace Scop.Aspire.Identity.Tests;

/// <summary>
/// The code flow needs PKCE, and S256 only: without it, or with "plain", no code is issued; a code is exchanged only
/// with its own verifier.
/// </summary>
[Collection(IdentityServerCollection.Name)]
public sealed class PkceTests(IdentityServer server)
{
    private const string Scope = "openid membership";

    public static TheoryData<string, string?, string?> Refused() => new()
    {
        { "no PKCE at all", null, null },
        { "plain", "a-plain-verifier-of-forty-three-characters-at-least", "plain" },
        { "a challenge without its method", CodeFlow.Pkce.New().Challenge, null },
        { "an unknown method", CodeFlow.Pkce.New().Challenge, "S512" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task An_authorization_request_without_an_S256_challenge_gets_no_code(string why, string? challenge, string? method)
    {
        using var browser = server.CreateBrowser();
        // Signed in first: the refusal is the rule's, not a missing session's.
        await CodeFlow.SignInAsync(browser, "member", server.PasswordOf("member"), Scope);
        var url = new RequestUrl("/connect/authorize").CreateAuthorizeUrl(
            clientId: CodeFlow.WebClientId, responseType: "code", scope: Scope, redirectUri: CodeFlow.RedirectUri,
            state: "s", codeChallenge: challenge, codeChallengeMethod: method);

        using var response = await browser.GetAsync(url);

        // Refused before the client's redirect URI is trusted: a 400 from the identity service, never a code.
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{why}: {(int)response.StatusCode}");
        Assert.Null(response.Headers.Location);
    }

    [Fact]
    public async Task A_code_is_exchanged_only_with_its_own_verifier()
    {
        using var browser = server.CreateBrowser();

        var withoutVerifier = await Exchange(browser, await CodeAsync(browser, CodeFlow.Pkce.New()), verifier: null);
        var wrongVerifier = await Exchange(browser, await CodeAsync(browser, CodeFlow.Pkce.New()), CodeFlow.Pkce.New().Verifier);
        var pkce = CodeFlow.Pkce.New();
        var rightVerifier = await Exchange(browser, await CodeAsync(browser, pkce), pkce.Verifier);

        Assert.Equal("invalid_request", withoutVerifier.Error);
        Assert.Equal("invalid_grant", wrongVerifier.Error);
        Assert.Null(wrongVerifier.AccessToken);
        Assert.False(rightVerifier.IsError, rightVerifier.Error);
    }

    private async Task<string> CodeAsync(HttpClient browser, CodeFlow.Pkce pkce) =>
        CodeFlow.Query(await CodeFlow.AuthorizeAsync(browser, CodeFlow.AuthorizeUrl(Scope, pkce.Challenge), "member",
            server.PasswordOf("member")), "code")!;

    private static Task<TokenResponse> Exchange(HttpClient browser, string code, string? verifier) =>
        browser.RequestAuthorizationCodeTokenAsync(new AuthorizationCodeTokenRequest
        {
            Address = "/connect/token",
            ClientId = CodeFlow.WebClientId,
            Code = code,
            RedirectUri = CodeFlow.RedirectUri,
            CodeVerifier = verifier,
        });
}
