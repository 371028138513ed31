using System.Net;
using Scop.Aspire.Gateway.Tests.Support;
using Scop.Aspire.Testing;

namespace Scop.Aspire.Gateway.Tests;

/// <summary>
/// <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c> are believed from the proxies the configuration names, and from
/// no one else: a client cannot pick the address its limits are counted by, nor claim it came over TLS. Seen through
/// what depends on them: the per-address limit, HSTS and secure cookies.
/// </summary>
[Collection(RealIdentityServersCollection.Name)]
public sealed class ForwardedHeaderTests(RealIdentityServers servers)
{
    private const int PerIp = 3;
    private const string SignInPage = "/account/login?returnUrl=%2F";

    /// <summary>The identity service's own setting (<c>Scop:Identity:SignIn:FailuresPerAddress</c>), unchanged here.</summary>
    private const int IdentityDefaultFailuresPerAddress = 20;

    private static readonly Dictionary<string, string> OneLimitPerAddress = new()
    {
        ["Scop:Gateway:RateLimits:PerIp:PermitLimit"] = $"{PerIp}",
        ["Scop:Gateway:RateLimits:PerIp:Window"] = "01:00:00",
    };

    public static TheoryData<string, string?> Untrusted() => new()
    {
        { "no proxy configured (the default)", null },
        { "a proxy network that is not the caller's", "10.0.0.0/8" },
        { "a proxy address that is not the caller's", "192.0.2.10" },
    };

    [Theory]
    [MemberData(nameof(Untrusted))]
    public async Task A_client_that_is_not_a_trusted_proxy_is_counted_by_its_own_address_whatever_it_forwards(
        string why, string? proxy)
    {
        var settings = new Dictionary<string, string>(OneLimitPerAddress);
        if (proxy is not null)
        {
            settings[proxy.Contains('/') ? "Scop:Gateway:ForwardedHeaders:KnownNetworks:0" : "Scop:Gateway:ForwardedHeaders:KnownProxies:0"] = proxy;
        }

        await using var gateway = await servers.StartGatewaysAsync(settings);

        var statuses = new List<HttpStatusCode>();
        for (var i = 1; i <= PerIp + 1; i++)
        {
            using var client = gateway.Client(forwardedFor: $"198.18.200.{i}");
            using var response = await client.GetAsync("/api/membership/ping");
            statuses.Add(response.StatusCode);
        }

        // Four "different" clients, all one loopback connection: the fourth is over the limit.
        Assert.True(statuses.SequenceEqual([.. Enumerable.Repeat(HttpStatusCode.OK, PerIp), HttpStatusCode.TooManyRequests]),
            $"{why}: {string.Join(", ", statuses)}");
    }

    [Fact]
    public async Task Behind_a_trusted_proxy_the_client_is_the_address_that_proxy_saw_not_what_the_client_wrote_before_it()
    {
        var settings = new Dictionary<string, string>(OneLimitPerAddress)
        {
            ["Scop:Gateway:ForwardedHeaders:KnownNetworks:0"] = "127.0.0.0/8",
        };
        await using var gateway = await servers.StartGatewaysAsync(settings);

        // The proxy appends the address it saw (198.18.201.1); what the client wrote before it changes at every request.
        var statuses = new List<HttpStatusCode>();
        for (var i = 1; i <= PerIp + 1; i++)
        {
            using var client = gateway.Client(forwardedFor: $"203.0.113.{i}, 198.18.201.1");
            using var response = await client.GetAsync("/api/membership/ping");
            statuses.Add(response.StatusCode);
        }

        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.OK, PerIp), HttpStatusCode.TooManyRequests], statuses);

        // Other addresses the proxy saw are other clients.
        using var other = gateway.Client(forwardedFor: "198.18.201.2");
        Assert.Equal(HttpStatusCode.OK, (await other.GetAsync("/api/membership/ping")).StatusCode);
    }

    [Fact]
    public async Task The_identity_service_counts_failed_sign_ins_by_the_address_the_gateway_forwards_not_by_the_gateway_nor_the_client_s_claim()
    {
        await using var gateway = await servers.StartGatewaysAsync(
            new Dictionary<string, string> { ["Scop:Gateway:ForwardedHeaders:KnownNetworks:0"] = "127.0.0.0/8" });
        var (_, userName, password) = await servers.NewAccountAsync();
        var attacker = $"198.18.{Random.Shared.Next(203, 250)}.{Random.Shared.Next(1, 250)}";

        // Every attempt of the attacker comes through the same gateway, with a different address written before the
        // one the proxy saw: only the address the gateway passes on counts.
        var statuses = new List<HttpStatusCode>();
        for (var attempt = 0; attempt <= IdentityDefaultFailuresPerAddress; attempt++)
        {
            using var browser = gateway.Client(forwardedFor: $"203.0.113.{attempt % 250 + 1}, {attacker}");
            using var answer = await CodeFlow.PostLoginAsync(browser, SignInPage, userName, "wrong-password-1234");
            statuses.Add(answer.StatusCode);
        }

        Assert.All(statuses[..^1], status => Assert.Equal(HttpStatusCode.Unauthorized, status));
        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[^1]);

        // The user, from another address through the very same gateway, is not kept out.
        using var user = gateway.Client(forwardedFor: "198.18.202.77");
        using var signedIn = await CodeFlow.PostLoginAsync(user, SignInPage, userName, password);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
    }

    [Fact]
    public async Task Outside_development_an_answer_over_https_as_a_trusted_proxy_says_carries_hsts_and_only_secure_cookies()
    {
        await using var behindProxy = await servers.StartGatewaysAsync(
            new Dictionary<string, string> { ["Scop:Gateway:ForwardedHeaders:KnownNetworks:0"] = "127.0.0.0/8" },
            environment: "Production");
        await using var exposed = await servers.StartGatewaysAsync(new Dictionary<string, string>(), environment: "Production");

        using var https = await SignInPageAsync(behindProxy, forwardedProto: "https");
        Assert.Equal(HttpStatusCode.OK, https.StatusCode);
        Assert.Equal("max-age=31536000", Assert.Single(https.Headers.GetValues("Strict-Transport-Security")));
        var cookies = https.Headers.GetValues("Set-Cookie").ToList();
        Assert.NotEmpty(cookies); // the sign-in form's antiforgery cookie
        Assert.All(cookies, cookie => Assert.Contains("; secure", cookie, StringComparison.OrdinalIgnoreCase));

        // Plain HTTP: no HSTS (browsers ignore it there), and a cookie marked secure would never come back.
        using var plain = await SignInPageAsync(behindProxy, forwardedProto: null);
        Assert.False(plain.Headers.Contains("Strict-Transport-Security"));
        Assert.All(plain.Headers.GetValues("Set-Cookie"), cookie => Assert.DoesNotContain("secure", cookie, StringComparison.OrdinalIgnoreCase));

        // A client that claims TLS itself, to a gateway that trusts no proxy, is plain HTTP.
        using var claimed = await SignInPageAsync(exposed, forwardedProto: "https");
        Assert.Equal(HttpStatusCode.OK, claimed.StatusCode);
        Assert.False(claimed.Headers.Contains("Strict-Transport-Security"));
        Assert.All(claimed.Headers.GetValues("Set-Cookie"), cookie => Assert.DoesNotContain("secure", cookie, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task In_development_there_is_no_hsts()
    {
        await using var gateway = await servers.StartGatewaysAsync(
            new Dictionary<string, string> { ["Scop:Gateway:ForwardedHeaders:KnownNetworks:0"] = "127.0.0.0/8" });

        using var https = await SignInPageAsync(gateway, forwardedProto: "https");

        Assert.Equal(HttpStatusCode.OK, https.StatusCode);
        Assert.False(https.Headers.Contains("Strict-Transport-Security"));
        Assert.All(https.Headers.GetValues("Set-Cookie"), cookie => Assert.Contains("; secure", cookie, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>The identity service's sign-in page, asked for under a public host name (HSTS is never sent to localhost).</summary>
    private static async Task<HttpResponseMessage> SignInPageAsync(RealIdentityServers.GatewayReplicas gateway, string? forwardedProto)
    {
        using var client = gateway.Client();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/account/login?returnUrl=%2F");
        request.Headers.Host = "api.scop.test";
        if (forwardedProto is not null)
        {
            request.Headers.Add("X-Forwarded-Proto", forwardedProto);
        }

        return await client.SendAsync(request);
    }
}
