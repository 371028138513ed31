using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Scop.Aspire.Gateway.Tests.Support;
using Scop.Aspire.Testing;

namespace Scop.Aspire.Gateway.Tests;

/// <summary>
/// The gateway's rate limits with real tokens from the identity service, on two replicas of the gateway sharing Redis,
/// behind a trusted proxy (loopback) that says which address each request comes from. A signed-in person, a machine
/// client and an address each have their own token bucket; none can spend another's, and a refused request spends
/// nothing. The limits' clock moves only when a test moves it.
/// </summary>
[Collection(RealIdentityServersCollection.Name)]
public sealed class RateLimitTests(RealIdentityServers servers) : IAsyncLifetime
{
    private const int PerSubject = 4;
    private const int PerClient = 4;
    private const int PerIp = 3;
    private const int Enquiries = 2;

    /// <summary>An anonymous route, so every kind of caller gets 200 until its limit.</summary>
    private const string Ping = "/api/membership/ping";

    private RealIdentityServers.GatewayReplicas gateways = null!;

    public async Task InitializeAsync()
    {
        gateways = await servers.StartGatewaysAsync(new Dictionary<string, string>
        {
            ["Scop:Gateway:ForwardedHeaders:KnownNetworks:0"] = "127.0.0.0/8",
            ["Scop:Gateway:RateLimits:PerSubject:PermitLimit"] = $"{PerSubject}",
            ["Scop:Gateway:RateLimits:PerSubject:Window"] = "01:00:00",
            ["Scop:Gateway:RateLimits:PerClient:PermitLimit"] = $"{PerClient}",
            ["Scop:Gateway:RateLimits:PerClient:Window"] = "01:00:00",
            ["Scop:Gateway:RateLimits:PerIp:PermitLimit"] = $"{PerIp}",
            ["Scop:Gateway:RateLimits:PerIp:Window"] = "01:00:00",
            ["Scop:Gateway:RateLimits:Enquiries:PermitLimit"] = $"{Enquiries}",
            ["Scop:Gateway:RateLimits:Enquiries:Window"] = "01:00:00",
        }, replicas: 2);
    }

    public async Task DisposeAsync() => await gateways.DisposeAsync();

    [Fact]
    public async Task A_signed_in_persons_allowance_follows_them_across_addresses_tokens_and_replicas_and_comes_back_with_time()
    {
        var (_, firstToken, browser) = await servers.NewPersonAsync();
        using var _ = browser;
        // A second token of the same person (their session signs them in again): the same bucket.
        var secondToken = (await CodeFlow.SignInAsync(browser, "not-asked", "not-asked", "openid membership")).AccessToken!;
        Assert.NotEqual(firstToken, secondToken);

        for (var i = 0; i < PerSubject; i++)
        {
            Assert.Equal(HttpStatusCode.OK, await StatusAsync(i % 2 == 0 ? firstToken : secondToken, NewIpv4(), replica: i % 2));
        }

        using var refused = await SendAsync(secondToken, NewIpv4(), replica: 1);
        await AssertTooManyAsync(refused, "per-subject", TimeSpan.FromMinutes(15)); // 4 an hour: one every 15 minutes

        gateways.Clock.Advance(TimeSpan.FromMinutes(15));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(firstToken, NewIpv4()));
        Assert.Equal(HttpStatusCode.TooManyRequests, await StatusAsync(firstToken, NewIpv4(), replica: 1));
    }

    [Fact]
    public async Task A_flood_from_one_address_refuses_nobody_signed_in_there_or_elsewhere_nor_a_machine_client()
    {
        var (_, person, browser) = await servers.NewPersonAsync();
        using var _ = browser;
        var (_, machine) = await servers.NewMachineClientAsync();
        var flooder = NewIpv4();

        var flood = new List<HttpStatusCode>();
        for (var i = 0; i < PerIp + 20; i++)
        {
            flood.Add(await StatusAsync(token: null, flooder, replica: i % 2));
        }

        Assert.Equal(Enumerable.Repeat(HttpStatusCode.OK, PerIp), flood.Take(PerIp));
        Assert.All(flood.Skip(PerIp), status => Assert.Equal(HttpStatusCode.TooManyRequests, status));

        // The person behind the same address (an office, a carrier's NAT), the person elsewhere, the bank at that address.
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(person, flooder));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(person, NewIpv4(), replica: 1));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(machine, flooder));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(token: null, NewIpv4()));
    }

    [Fact]
    public async Task A_forged_token_naming_someone_elses_subject_spends_its_senders_address_allowance_never_theirs()
    {
        var (_, victim, browser) = await servers.NewPersonAsync();
        using var _ = browser;
        var forgeries = new[]
        {
            ForgedTokens.Unsigned(victim),
            ForgedTokens.Resigned(victim, RSA.Create(2048), "RS256", "at+jwt"), // signed, but not by the identity service
        };
        var attacker = NewIpv4();

        var answers = new List<HttpStatusCode>();
        for (var i = 0; i < PerIp + 6; i++)
        {
            answers.Add(await StatusAsync(forgeries[i % 2], attacker, replica: i % 2, path: "/api/membership/cooperatives"));
        }

        // Refused as tokens (401) while the attacker's address has allowance left, then refused by its limit.
        Assert.Equal(Enumerable.Repeat(HttpStatusCode.Unauthorized, PerIp), answers.Take(PerIp));
        Assert.All(answers.Skip(PerIp), status => Assert.Equal(HttpStatusCode.TooManyRequests, status));

        // The person whose subject the forgeries named still has every request of their allowance.
        for (var i = 0; i < PerSubject; i++)
        {
            Assert.Equal(HttpStatusCode.OK, await StatusAsync(victim, NewIpv4(), replica: i % 2));
        }
    }

    [Fact]
    public async Task Refused_requests_spend_nothing_neither_the_callers_next_token_nor_anyone_elses()
    {
        var (_, person, browser) = await servers.NewPersonAsync();
        using var _ = browser;
        var (_, machine) = await servers.NewMachineClientAsync();
        var address = NewIpv4();

        for (var i = 0; i < PerSubject; i++)
        {
            Assert.Equal(HttpStatusCode.OK, await StatusAsync(person, address));
        }

        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, await StatusAsync(person, address, replica: i % 2));
        }

        // The person's requests, allowed or refused, were never counted against their address, nor the bank's.
        for (var i = 0; i < PerIp; i++)
        {
            Assert.Equal(HttpStatusCode.OK, await StatusAsync(token: null, address));
        }

        for (var i = 0; i < PerClient; i++)
        {
            Assert.Equal(HttpStatusCode.OK, await StatusAsync(machine, address));
        }

        // Twenty refusals did not push the person's next token back: one refill interval gives exactly one request.
        gateways.Clock.Advance(TimeSpan.FromMinutes(15));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(person, address));
        Assert.Equal(HttpStatusCode.TooManyRequests, await StatusAsync(person, address));
    }

    [Fact]
    public async Task A_machine_client_has_its_own_allowance_wherever_it_calls_from()
    {
        var (_, machine) = await servers.NewMachineClientAsync();
        var (_, otherMachine) = await servers.NewMachineClientAsync();
        var (_, person, browser) = await servers.NewPersonAsync();
        using var _ = browser;

        for (var i = 0; i < PerClient; i++)
        {
            Assert.Equal(HttpStatusCode.OK, await StatusAsync(machine, NewIpv4(), replica: i % 2));
        }

        using var refused = await SendAsync(machine, NewIpv4());
        await AssertTooManyAsync(refused, "per-client", TimeSpan.FromMinutes(15));

        Assert.Equal(HttpStatusCode.OK, await StatusAsync(otherMachine, NewIpv4()));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(person, NewIpv4()));
    }

    [Fact]
    public async Task An_ipv6_64_counts_as_one_address_and_each_ipv4_address_as_its_own()
    {
        var network = NewIpv6Network();
        var sameNetwork = new[] { $"{network}::1", $"{network}::2", $"{network}:1234:5678:9abc:def0" };
        foreach (var address in sameNetwork)
        {
            Assert.Equal(HttpStatusCode.OK, await StatusAsync(token: null, address));
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, await StatusAsync(token: null, $"{network}:ffff::7", replica: 1));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(token: null, $"{NewIpv6Network()}::1"));

        // Two neighbouring IPv4 addresses: each its own allowance.
        var first = NewIpv4();
        var neighbour = NewIpv4();
        for (var i = 0; i < PerIp; i++)
        {
            Assert.Equal(HttpStatusCode.OK, await StatusAsync(token: null, first));
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, await StatusAsync(token: null, first));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(token: null, neighbour));
    }

    [Fact]
    public async Task Enquiries_from_one_address_have_a_bucket_of_their_own_that_spends_nothing_of_its_reads()
    {
        var sender = NewIpv4();
        var sent = new List<HttpStatusCode>();
        for (var i = 0; i < Enquiries + 3; i++)
        {
            using var client = gateways.Client(token: null, sender, replica: i % 2);
            using var response = await client.PostAsJsonAsync("/api/ambassadors/enquiries", new { project = "Reprendre la boulangerie." });
            sent.Add(response.StatusCode);
            if (i == Enquiries)
            {
                await AssertTooManyAsync(response, "enquiries", TimeSpan.FromMinutes(30)); // 2 an hour: one every 30 minutes
            }
        }

        // Past the bucket, refused on either replica; within it, passed on (whatever the service behind answers).
        Assert.All(sent.Take(Enquiries), status => Assert.NotEqual(HttpStatusCode.TooManyRequests, status));
        Assert.All(sent.Skip(Enquiries), status => Assert.Equal(HttpStatusCode.TooManyRequests, status));

        // The address still reads as much as any other: the enquiries spent nothing of its allowance; another address may send.
        for (var i = 0; i < PerIp; i++)
        {
            Assert.Equal(HttpStatusCode.OK, await StatusAsync(token: null, sender, replica: i % 2));
        }

        using var elsewhere = gateways.Client(token: null, NewIpv4());
        using var other = await elsewhere.PostAsJsonAsync("/api/ambassadors/enquiries", new { project = "Reprendre la boulangerie." });
        Assert.NotEqual(HttpStatusCode.TooManyRequests, other.StatusCode);
    }

    private async Task<HttpStatusCode> StatusAsync(string? token, string forwardedFor, int replica = 0, string path = Ping)
    {
        using var response = await SendAsync(token, forwardedFor, replica, path);
        return response.StatusCode;
    }

    private async Task<HttpResponseMessage> SendAsync(string? token, string forwardedFor, int replica = 0, string path = Ping)
    {
        using var client = gateways.Client(token, forwardedFor, replica);
        return await client.GetAsync(path);
    }

    private static async Task AssertTooManyAsync(HttpResponseMessage response, string limit, TimeSpan retryAfter)
    {
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(retryAfter, response.Headers.RetryAfter?.Delta);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(429, problem.GetProperty("status").GetInt32());
        Assert.Contains(limit, problem.GetProperty("detail").GetString());
        Assert.Equal(response.Headers.GetValues("X-Request-Id").Single(), problem.GetProperty("requestId").GetString());
    }

    private static int addresses;

    /// <summary>An address of 198.18.0.0/15 (kept for tests of networks) that no other test of this class uses.</summary>
    private static string NewIpv4()
    {
        var n = Interlocked.Increment(ref addresses);
        return $"198.18.{n / 250}.{n % 250 + 1}";
    }

    /// <summary>A /64 of the documentation prefix 2001:db8::/32 that no other test of this class uses (its first 64 bits).</summary>
    private static string NewIpv6Network() => $"2001:db8:{Interlocked.Increment(ref addresses):x}:1";
}
