using System.Net;
using Microsoft.IdentityModel.JsonWebTokens;
using Scop.Aspire.Identity.Tests.Support;
using Scop.Aspire.Testing;

namespace Scop.Aspire.Identity.Tests;

/// <summary>
/// What time does to sessions, locks and throttling, on the service's own clock moved by the tests: a session ends
/// <see cref="IdentityServer.SessionHours"/> after the password was entered however often it is refreshed, an idle
/// refresh token lapses, a lock and a throttle pass.
/// </summary>
[Collection(IdentityServerOnFakeClockCollection.Name)]
public sealed class SessionLifetimeTests(IdentityServerOnFakeClock server)
{
    private const string Scope = "openid offline_access membership";
    private const string LoginPage = "/account/login?returnUrl=%2F";

    [Fact]
    public async Task Refreshing_slides_within_the_session_but_never_past_its_absolute_end()
    {
        using var browser = server.CreateBrowser();
        var signedIn = await CodeFlow.SignInAsync(browser, "member", server.PasswordOf("member"), Scope);
        var sessionEnd = DateTimeOffset.FromUnixTimeSeconds(
            long.Parse(new JsonWebToken(signedIn.IdentityToken).GetClaim("auth_time").Value)).AddHours(IdentityServer.SessionHours);
        Assert.InRange(sessionEnd - server.Clock.GetUtcNow(), TimeSpan.FromHours(IdentityServer.SessionHours) - TimeSpan.FromSeconds(1),
            TimeSpan.FromHours(IdentityServer.SessionHours));

        // Every 3 hours (each refresh token lives 4): the session goes on, and no token outlives it.
        var refreshToken = signedIn.RefreshToken!;
        foreach (var step in new[] { 3.0, 3.0, 3.0, 2.5 })
        {
            server.Clock.Advance(TimeSpan.FromHours(step));
            var refreshed = await CodeFlow.RefreshAsync(browser, refreshToken);
            Assert.False(refreshed.IsError, $"after {step} h more: {refreshed.Error} {refreshed.ErrorDescription}");
            Assert.True(new JsonWebToken(refreshed.AccessToken).ValidTo <= sessionEnd.UtcDateTime);
            refreshToken = refreshed.RefreshToken!;
        }

        // 30 minutes are left: the last refresh token was given those, not 4 hours.
        var lastExpiry = await server.QueryScalarAsync<DateTime>(
            "SELECT expiration_date FROM \"OpenIddictTokens\" WHERE type = @type ORDER BY creation_date DESC LIMIT 1",
            ("type", TokenTypes.Refresh));
        Assert.InRange(new DateTimeOffset(lastExpiry, TimeSpan.Zero), sessionEnd.AddSeconds(-1), sessionEnd);

        server.Clock.Advance(TimeSpan.FromMinutes(31));
        var afterEnd = await CodeFlow.RefreshAsync(browser, refreshToken);
        Assert.Equal("invalid_grant", afterEnd.Error);

        // The sign-in cookie ended with the session too: the password is asked again.
        using var authorize = await browser.GetAsync(CodeFlow.AuthorizeUrl(Scope, CodeFlow.Pkce.New().Challenge));
        Assert.StartsWith("/account/login", authorize.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task A_refresh_token_left_unused_longer_than_its_lifetime_lapses_within_the_session()
    {
        using var browser = server.CreateBrowser();
        var signedIn = await CodeFlow.SignInAsync(browser, "member", server.PasswordOf("member"), Scope);

        server.Clock.Advance(TimeSpan.FromHours(IdentityServer.RefreshTokenHours) + TimeSpan.FromMinutes(1));

        Assert.Equal("invalid_grant", (await CodeFlow.RefreshAsync(browser, signedIn.RefreshToken!)).Error);
    }

    [Fact]
    public async Task A_lock_passes_after_its_time_and_the_right_password_works_again()
    {
        var (userName, password) = await server.CreateMemberAsync();
        using var browser = server.CreateBrowser();
        var statuses = new List<HttpStatusCode>();
        for (var attempt = 0; attempt < IdentityServer.AccountFailures; attempt++)
        {
            using var wrong = await CodeFlow.PostLoginAsync(browser, LoginPage, userName, "wrong-password-1234",
                $"10.0.{attempt % IdentityServer.AccountAddresses}.{Random.Shared.Next(1, 255)}");
            statuses.Add(wrong.StatusCode);
        }

        Assert.Equal(HttpStatusCode.Locked, statuses[^1]);
        using (var locked = await CodeFlow.PostLoginAsync(browser, LoginPage, userName, password, IdentityServer.NewClientAddress()))
        {
            Assert.Equal(HttpStatusCode.Locked, locked.StatusCode);
        }

        server.Clock.Advance(TimeSpan.FromMinutes(IdentityServer.LockoutMinutes) + TimeSpan.FromSeconds(1));

        using var unlocked = await CodeFlow.PostLoginAsync(browser, LoginPage, userName, password, IdentityServer.NewClientAddress());
        Assert.Equal(HttpStatusCode.Redirect, unlocked.StatusCode);
    }

    [Fact]
    public async Task A_throttled_address_is_told_when_to_come_back_and_is_let_in_then()
    {
        var address = IdentityServer.NewClientAddress();
        var name = $"ghost-{Guid.NewGuid():N}"[..20];
        using var browser = server.CreateBrowser();
        async Task<HttpResponseMessage> Fail() => await CodeFlow.PostLoginAsync(browser, LoginPage, name, "wrong-password-1234", address);

        (await Fail()).Dispose();
        server.Clock.Advance(TimeSpan.FromMinutes(1));
        for (var attempt = 1; attempt < IdentityServer.FailuresPerAddress; attempt++)
        {
            (await Fail()).Dispose();
        }

        using var throttled = await Fail();
        Assert.Equal(HttpStatusCode.TooManyRequests, throttled.StatusCode);
        // When the first failure leaves the window, one minute earlier than the others.
        Assert.Equal(TimeSpan.FromMinutes(IdentityServer.WindowMinutes - 1), throttled.Headers.RetryAfter!.Delta);

        server.Clock.Advance(TimeSpan.FromMinutes(IdentityServer.WindowMinutes - 1));
        using var admitted = await Fail();
        Assert.Equal(HttpStatusCode.Unauthorized, admitted.StatusCode);
        using var throttledAgain = await Fail();
        Assert.Equal(HttpStatusCode.TooManyRequests, throttledAgain.StatusCode);
        Assert.Equal(TimeSpan.FromMinutes(1), throttledAgain.Headers.RetryAfter!.Delta);
    }

    [Fact]
    public async Task Attempts_older_than_the_window_are_purged()
    {
        using var browser = server.CreateBrowser();
        (await CodeFlow.PostLoginAsync(browser, LoginPage, $"ghost-{Guid.NewGuid():N}"[..20], "wrong-password-1234",
            IdentityServer.NewClientAddress())).Dispose();
        Assert.True(await server.QueryScalarAsync<long>("SELECT count(*) FROM sign_in_attempts") > 0);

        server.Clock.Advance(TimeSpan.FromMinutes(IdentityServer.WindowMinutes + 1));

        var deadline = DateTime.UtcNow.AddSeconds(10);
        long left;
        while ((left = await server.QueryScalarAsync<long>("SELECT count(*) FROM sign_in_attempts")) > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        Assert.Equal(0L, left);
    }
}
