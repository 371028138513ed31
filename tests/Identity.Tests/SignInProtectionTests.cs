using System.Net;
using System.Text.RegularExpressions;
using Scop.Aspire.Identity.Tests.Support;
using Scop.Aspire.Testing;

namespace Scop.Aspire.Identity.Tests;

/// <summary>
/// The sign-in page against guessing: per client address first (429 before any password is checked), per account
/// only with failures from several addresses (423), and an unknown name costing the very same work as a known one —
/// counted in password-hash verifications, not timed.
/// </summary>
[Collection(IdentityServerCollection.Name)]
public sealed partial class SignInProtectionTests(IdentityServer server)
{
    private const string LoginPage = "/account/login?returnUrl=%2F";
    private const string WrongPassword = "wrong-password-1234";

    [Fact]
    public async Task An_unknown_user_name_costs_one_hash_of_the_same_kind_as_a_known_one_and_gets_the_same_answer()
    {
        var (known, _) = await server.CreateMemberAsync();
        var address = IdentityServer.NewClientAddress();
        using var browser = server.CreateBrowser();

        var before = server.Hasher.Verified.Count;
        using var knownAnswer = await CodeFlow.PostLoginAsync(browser, LoginPage, known, WrongPassword, address);
        var afterKnown = server.Hasher.Verified.Count;
        using var unknownAnswer = await CodeFlow.PostLoginAsync(browser, LoginPage, $"nobody-{Guid.NewGuid():N}"[..20], WrongPassword, address);
        var afterUnknown = server.Hasher.Verified.Count;

        Assert.Equal(1, afterKnown - before);
        Assert.Equal(1, afterUnknown - afterKnown);
        var knownHash = Convert.FromBase64String(server.Hasher.Verified[before]);
        var dummyHash = Convert.FromBase64String(server.Hasher.Verified[afterKnown]);
        Assert.NotEqual(knownHash, dummyHash);
        // ASP.NET Core Identity's format: version, PRF, iteration count and salt length, then salt and subkey. The
        // dummy is of the same version, algorithm and cost: the same work.
        Assert.Equal(0x01, knownHash[0]);
        Assert.Equal(knownHash[..13], dummyHash[..13]);
        Assert.Equal(knownHash.Length, dummyHash.Length);

        Assert.Equal(HttpStatusCode.Unauthorized, knownAnswer.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, unknownAnswer.StatusCode);
        Assert.Equal(Alert(await knownAnswer.Content.ReadAsStringAsync()), Alert(await unknownAnswer.Content.ReadAsStringAsync()));
    }

    [Fact]
    public async Task An_address_that_keeps_failing_is_throttled_before_any_password_is_checked_and_the_user_is_not_locked_out()
    {
        var (userName, password) = await server.CreateMemberAsync();
        var attacker = IdentityServer.NewClientAddress();
        using var browser = server.CreateBrowser();
        for (var attempt = 0; attempt < IdentityServer.FailuresPerAddress; attempt++)
        {
            using var wrong = await CodeFlow.PostLoginAsync(browser, LoginPage, userName, WrongPassword, attacker);
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        var hashesBefore = server.Hasher.Verified.Count;
        using var throttled = await CodeFlow.PostLoginAsync(browser, LoginPage, userName, WrongPassword, attacker);
        using var evenRight = await CodeFlow.PostLoginAsync(browser, LoginPage, userName, password, attacker);

        Assert.Equal(HttpStatusCode.TooManyRequests, throttled.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, evenRight.StatusCode);
        Assert.InRange(throttled.Headers.RetryAfter!.Delta!.Value.TotalSeconds, 1, IdentityServer.WindowMinutes * 60);
        Assert.Contains("Trop de connexions échouées", WebUtility.HtmlDecode(await throttled.Content.ReadAsStringAsync()));
        Assert.Equal(hashesBefore, server.Hasher.Verified.Count); // nothing checked while throttled

        // The real user, from their own address, is not kept out.
        using var user = server.CreateBrowser();
        using var signedIn = await CodeFlow.PostLoginAsync(user, LoginPage, userName, password, IdentityServer.NewClientAddress());
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.Equal(0L, await server.QueryScalarAsync<long>(
            "SELECT count(*) FROM \"AspNetUsers\" WHERE user_name = @u AND lockout_end IS NOT NULL", ("u", userName)));
    }

    [Fact]
    public async Task An_account_is_locked_only_by_failures_from_several_addresses_and_then_refuses_even_the_right_password()
    {
        var (userName, password) = await server.CreateMemberAsync();
        var addresses = Enumerable.Range(0, IdentityServer.AccountAddresses + 1).Select(_ => IdentityServer.NewClientAddress()).ToArray();
        using var browser = server.CreateBrowser();

        // One address alone reaches its own limit long before it could lock the account.
        var statuses = new List<HttpStatusCode>();
        for (var attempt = 0; attempt <= IdentityServer.FailuresPerAddress; attempt++)
        {
            using var wrong = await CodeFlow.PostLoginAsync(browser, LoginPage, userName, WrongPassword, addresses[0]);
            statuses.Add(wrong.StatusCode);
        }

        Assert.DoesNotContain(HttpStatusCode.Locked, statuses);
        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[^1]);

        // From a second address: enough failures in all, but from two addresses only.
        using var second = await CodeFlow.PostLoginAsync(browser, LoginPage, userName, WrongPassword, addresses[1]);
        Assert.Equal(HttpStatusCode.Unauthorized, second.StatusCode);

        // From a third: locked.
        using var third = await CodeFlow.PostLoginAsync(browser, LoginPage, userName, WrongPassword, addresses[2]);
        Assert.Equal(HttpStatusCode.Locked, third.StatusCode);
        using var right = await CodeFlow.PostLoginAsync(browser, LoginPage, userName, password, addresses[3]);
        Assert.Equal(HttpStatusCode.Locked, right.StatusCode);
        Assert.Null(right.Headers.Location);
        var lockedUntil = await server.QueryScalarAsync<DateTime>(
            "SELECT lockout_end::timestamp FROM \"AspNetUsers\" WHERE user_name = @u", ("u", userName));
        Assert.InRange(lockedUntil, DateTime.UtcNow.AddMinutes(IdentityServer.LockoutMinutes - 1), DateTime.UtcNow.AddMinutes(IdentityServer.LockoutMinutes));
    }

    [Fact]
    public async Task An_unknown_name_is_locked_by_the_same_rule_so_the_lock_tells_nothing_either()
    {
        var name = $"ghost-{Guid.NewGuid():N}"[..20];
        var addresses = Enumerable.Range(0, IdentityServer.AccountAddresses).Select(_ => IdentityServer.NewClientAddress()).ToArray();
        using var browser = server.CreateBrowser();
        var statuses = new List<HttpStatusCode>();
        for (var attempt = 0; attempt < IdentityServer.AccountFailures; attempt++)
        {
            using var wrong = await CodeFlow.PostLoginAsync(browser, LoginPage, name, WrongPassword, addresses[attempt % addresses.Length]);
            statuses.Add(wrong.StatusCode);
        }

        Assert.All(statuses[..^1], status => Assert.Equal(HttpStatusCode.Unauthorized, status));
        Assert.Equal(HttpStatusCode.Locked, statuses[^1]);
    }

    [Fact]
    public async Task Ipv6_clients_are_counted_by_their_64_bit_network()
    {
        var network = $"2001:db8:{Random.Shared.Next(0x10000):x}:{Random.Shared.Next(0x10000):x}";
        var name = $"ghost-{Guid.NewGuid():N}"[..20];
        using var browser = server.CreateBrowser();
        for (var host = 1; host <= IdentityServer.FailuresPerAddress; host++)
        {
            using var wrong = await CodeFlow.PostLoginAsync(browser, LoginPage, name, WrongPassword, $"{network}::{host:x}");
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        using var sameNetwork = await CodeFlow.PostLoginAsync(browser, LoginPage, name, WrongPassword, $"{network}:1:2:3:4");
        using var otherNetwork = await CodeFlow.PostLoginAsync(browser, LoginPage, name, WrongPassword, $"2001:db8:ffff:{Random.Shared.Next(0x10000):x}::1");

        Assert.Equal(HttpStatusCode.TooManyRequests, sameNetwork.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, otherNetwork.StatusCode);
    }

    private static string Alert(string html) => AlertText().Match(html).Groups[1].Value;

    [GeneratedRegex("role=\"alert\">([^<]*)<")]
    private static partial Regex AlertText();
}
