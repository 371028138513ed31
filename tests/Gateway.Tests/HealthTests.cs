using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Scop.Aspire.Gateway.Tests.Support;

namespace Scop.Aspire.Gateway.Tests;

/// <summary>
/// The gateway's <c>/health</c>: every check, with why a service is down, for operators (a confederation admin's token,
/// a configured operator network, loopback in Development); the overall status alone for everyone else; limited per
/// caller in a bucket of its own. Behind a trusted proxy (loopback) that says where each request comes from. Portal,
/// training and partner-hooks are not running here, so the platform is unhealthy (503) and says why to operators.
/// </summary>
[Collection(RealIdentityServersCollection.Name)]
public sealed class HealthTests(RealIdentityServers servers) : IAsyncLifetime
{
    private const int HealthLimit = 2;
    private const string Public = "203.0.113.10";
    private const string OperatorNetwork = "198.51.100.0/24";

    private RealIdentityServers.GatewayReplicas gateway = null!;

    public async Task InitializeAsync() =>
        gateway = await servers.StartGatewaysAsync(new Dictionary<string, string>
        {
            ["Scop:Gateway:ForwardedHeaders:KnownNetworks:0"] = "127.0.0.0/8",
            // After Development's loopback entries (0 and 1).
            ["Scop:Gateway:OperatorNetworks:2"] = OperatorNetwork,
            ["Scop:Gateway:RateLimits:Health:PermitLimit"] = $"{HealthLimit}",
            ["Scop:Gateway:RateLimits:Health:Window"] = "01:00:00",
        });

    public async Task DisposeAsync() => await gateway.DisposeAsync();

    [Fact]
    public async Task The_public_and_a_member_get_the_status_alone()
    {
        var (_, member, browser) = await servers.NewPersonAsync();
        using var _ = browser;

        foreach (var (who, token, from) in new[] { ("anonymous", (string?)null, Public), ("a member", member, "203.0.113.11") })
        {
            using var client = gateway.Client(token, from);
            using var response = await client.GetAsync("/health");

            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            var text = await response.Content.ReadAsStringAsync();
            var body = JsonDocument.Parse(text).RootElement;
            Assert.True(body.EnumerateObject().Select(p => p.Name).SequenceEqual(["status"]), $"{who}: {text}");
            Assert.Equal("Unhealthy", body.GetProperty("status").GetString());
            Assert.DoesNotContain("127.0.0.1", text);
        }
    }

    [Fact]
    public async Task Operators_get_every_check_and_why_it_failed()
    {
        var admin = await servers.AdminTokenAsync();
        var operators = new[]
        {
            ("a confederation admin from anywhere", admin, "203.0.113.12"),
            ("the operator network", null, "198.51.100.7"),
            ("loopback in Development", null, null),
        };

        foreach (var (who, token, from) in operators)
        {
            using var client = gateway.Client(token, from);
            using var response = await client.GetAsync("/health");

            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            var report = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.True(report.TryGetProperty("checks", out var checks), who);
            Assert.Equal("Healthy", checks.GetProperty("membership").GetProperty("status").GetString());
            Assert.Equal("Healthy", checks.GetProperty("identity").GetProperty("status").GetString());
            Assert.Equal("Unhealthy", checks.GetProperty("portal").GetProperty("status").GetString());
            Assert.Contains("portal", checks.GetProperty("portal").GetProperty("description").GetString());
        }

        // A neighbour of the operator network is the public.
        using var neighbour = gateway.Client(forwardedFor: "198.51.101.7");
        using var plain = await neighbour.GetAsync("/health");
        Assert.False((await plain.Content.ReadFromJsonAsync<JsonElement>()).TryGetProperty("checks", out _));
    }

    [Fact]
    public async Task Health_has_a_limit_of_its_own_per_caller_which_spends_nothing_of_the_callers_api_allowance()
    {
        using var client = gateway.Client(forwardedFor: "203.0.113.13");
        for (var i = 0; i < HealthLimit; i++)
        {
            using var answered = await client.GetAsync("/health");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, answered.StatusCode);
        }

        using var refused = await client.GetAsync("/health");
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal(TimeSpan.FromMinutes(30), refused.Headers.RetryAfter?.Delta);
        Assert.Contains("health", (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
        using var alive = await client.GetAsync("/alive");
        Assert.Equal(HttpStatusCode.TooManyRequests, alive.StatusCode);

        // The same address's API requests, and another address's probes, are not held back.
        using var ping = await client.GetAsync("/api/membership/ping");
        Assert.Equal(HttpStatusCode.OK, ping.StatusCode);
        using var other = gateway.Client(forwardedFor: "203.0.113.14");
        using var otherProbe = await other.GetAsync("/health");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, otherProbe.StatusCode);
    }

    [Fact]
    public async Task A_client_claiming_an_operator_address_itself_is_the_public()
    {
        await using var exposed = await servers.StartGatewaysAsync(
            new Dictionary<string, string> { ["Scop:Gateway:OperatorNetworks:0"] = OperatorNetwork }, environment: "Production");

        using var client = exposed.Client(forwardedFor: "198.51.100.7");
        using var response = await client.GetAsync("/health");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.False((await response.Content.ReadFromJsonAsync<JsonElement>()).TryGetProperty("checks", out _));
    }
}
