using System.Net;
using Duende.IdentityModel.Client;
using Microsoft.IdentityModel.JsonWebTokens;
using Scop.Aspire.Identity.Tests.Support;
using Scop.Aspire.Testing;

namespace Scop.Aspire.Identity.Tests;

/// <summary>
/// Revocation (<c>/connect/revoke</c>) and sign-out (<c>/connect/logout</c>) end refresh tokens for good: the token
/// revoked and every token of its authorization; at sign-out, every authorization of the session, and nothing of the
/// user's other sessions.
/// </summary>
[Collection(IdentityServerCollection.Name)]
public sealed class SessionEndTests(IdentityServer server)
{
    private const string Scope = "openid offline_access portal";

    [Fact]
    public async Task A_revoked_refresh_token_and_the_tokens_it_was_rotated_from_and_into_stop_working()
    {
        using var browser = server.CreateBrowser();
        var signedIn = await CodeFlow.SignInAsync(browser, "federation", server.PasswordOf("federation"), Scope);
        var rotated = await CodeFlow.RefreshAsync(browser, signedIn.RefreshToken!);
        Assert.False(rotated.IsError, rotated.Error);

        var revoked = await RevokeAsync(browser, rotated.RefreshToken!, "refresh_token");
        Assert.False(revoked.IsError, revoked.Error);

        var again = await CodeFlow.RefreshAsync(browser, rotated.RefreshToken!);
        Assert.Equal("invalid_grant", again.Error);
        Assert.Null(again.AccessToken);
        var authorization = AuthorizationOf(signedIn.AccessToken!);
        Assert.Equal("revoked", await server.QueryScalarAsync<string>(
            "SELECT status FROM \"OpenIddictAuthorizations\" WHERE id = @id", ("id", authorization)));
        Assert.Equal(0L, await server.QueryScalarAsync<long>(
            "SELECT count(*) FROM \"OpenIddictTokens\" WHERE authorization_id = @id AND type = @type AND status = 'valid'",
            ("id", authorization), ("type", TokenTypes.Refresh)));
    }

    [Fact]
    public async Task Revoking_an_access_token_ends_the_refresh_token_of_the_same_grant()
    {
        using var browser = server.CreateBrowser();
        var signedIn = await CodeFlow.SignInAsync(browser, "federation", server.PasswordOf("federation"), Scope);

        var revoked = await RevokeAsync(browser, signedIn.AccessToken!, "access_token");
        Assert.False(revoked.IsError, revoked.Error);

        var refreshed = await CodeFlow.RefreshAsync(browser, signedIn.RefreshToken!);
        Assert.Equal("invalid_grant", refreshed.Error);
    }

    [Fact]
    public async Task Signing_out_ends_every_grant_of_the_session_and_none_of_another_session()
    {
        using var browser = server.CreateBrowser();
        var first = await CodeFlow.SignInAsync(browser, "elected", server.PasswordOf("elected"), Scope);
        // A second grant in the same session: the sign-in cookie answers, no password asked.
        var second = await CodeFlow.SignInAsync(browser, "elected", "not-asked", "openid offline_access membership");
        using var elsewhere = server.CreateBrowser();
        var otherSession = await CodeFlow.SignInAsync(elsewhere, "elected", server.PasswordOf("elected"), Scope);

        using var logout = await browser.GetAsync("/connect/logout");
        Assert.True(logout.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.OK, $"{(int)logout.StatusCode}");

        Assert.Equal("invalid_grant", (await CodeFlow.RefreshAsync(browser, first.RefreshToken!)).Error);
        Assert.Equal("invalid_grant", (await CodeFlow.RefreshAsync(browser, second.RefreshToken!)).Error);
        var stillOn = await CodeFlow.RefreshAsync(elsewhere, otherSession.RefreshToken!);
        Assert.False(stillOn.IsError, stillOn.Error);

        // And the browser is signed out: the next authorization asks for the password again.
        using var authorize = await browser.GetAsync(CodeFlow.AuthorizeUrl(Scope, CodeFlow.Pkce.New().Challenge));
        Assert.StartsWith("/account/login", authorize.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task Signing_out_with_an_id_token_hint_ends_that_session_from_a_client_without_the_cookie()
    {
        using var browser = server.CreateBrowser();
        var signedIn = await CodeFlow.SignInAsync(browser, "elected", server.PasswordOf("elected"), Scope);

        using var client = server.CreateBrowser();
        using var logout = await client.GetAsync($"/connect/logout?id_token_hint={signedIn.IdentityToken}");
        Assert.True(logout.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.OK, $"{(int)logout.StatusCode}");

        Assert.Equal("invalid_grant", (await CodeFlow.RefreshAsync(browser, signedIn.RefreshToken!)).Error);
    }

    private static Task<TokenRevocationResponse> RevokeAsync(HttpClient http, string token, string hint) =>
        http.RevokeTokenAsync(new TokenRevocationRequest
        {
            Address = "/connect/revoke",
            ClientId = CodeFlow.WebClientId,
            Token = token,
            TokenTypeHint = hint,
        });

    private static string AuthorizationOf(string accessToken) =>
        new JsonWebToken(accessToken).GetClaim("oi_au_id").Value;
}
