using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Scop.Aspire.Gateway.Tests.Support;
using Scop.Aspire.ServiceDefaults.Security;
using Scop.Aspire.Testing;

namespace Scop.Aspire.Gateway.Tests;

/// <summary>The gateway checks tokens before forwarding, lets the listed anonymous routes through, and rate-limits.</summary>
[Collection(GatewayServersCollection.Name)]
public sealed class AccessTests(GatewayServers servers)
{
    private static object Registration() => new
    {
        name = $"Scop {Guid.NewGuid():N}",
        siren = "732829320",
        legalForm = "SCOP",
        communeCode = "69123",
        nafCode = "62.01Z",
    };

    public static TheoryData<string, string?> Refused() => new()
    {
        { "no token", null },
        { "tampered", TestTokens.Tampered(GatewayServers.AdminToken()) },
        { "expired", TestTokens.Mint(PlatformAudiences.Membership, [PlatformRoles.ConfederationAdmin], expires: DateTime.UtcNow.AddMinutes(-5)) },
        { "wrong audience", TestTokens.Mint("some-other-api", [PlatformRoles.ConfederationAdmin]) },
        { "foreign key", TestTokens.Mint(PlatformAudiences.Membership, [PlatformRoles.ConfederationAdmin], key: TestTokens.ForeignKey) },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task A_protected_route_without_a_valid_token_is_a_401_problem_from_the_gateway_itself(string why, string? token)
    {
        using var gateway = servers.CreateGatewayClient(token);
        var before = await servers.CountMembershipRowsAsync("SELECT count(*) FROM outbox_messages");

        using var response = await gateway.PostAsJsonAsync("/api/membership/cooperatives", Registration());

        Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{why}: {(int)response.StatusCode}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(response.Headers.WwwAuthenticate, h => h.Scheme == "Bearer");
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(401, problem.GetProperty("status").GetInt32());
        Assert.Equal(before, await servers.CountMembershipRowsAsync("SELECT count(*) FROM outbox_messages"));
    }

    [Fact]
    public async Task The_anonymous_routes_of_the_list_need_no_token()
    {
        using var gateway = servers.CreateGatewayClient(token: null);

        using var ping = await gateway.GetAsync("/api/membership/ping");
        Assert.Equal(HttpStatusCode.OK, ping.StatusCode);

        // The feed is forwarded without a token (the portal is down in this fixture: 503, not 401).
        using var feed = await gateway.GetAsync("/api/portal/feed");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, feed.StatusCode);

        // Its neighbours are not on the list.
        using var list = await gateway.GetAsync("/api/membership/cooperatives");
        Assert.Equal(HttpStatusCode.Unauthorized, list.StatusCode);
    }

    [Fact]
    public async Task Past_a_machine_clients_limit_across_both_replicas_the_answer_is_429_with_retry_after()
    {
        var clientId = $"bank-{Guid.NewGuid():N}";
        // A client-credentials token: the client is its own subject, as the identity service issues them.
        var token = TestTokens.Mint(PlatformAudiences.Membership, [PlatformRoles.Partner], clientId: clientId, subject: clientId);
        using var first = servers.CreateGatewayClient(token);
        using var second = servers.CreateGatewayClient(token, secondReplica: true);

        for (var i = 0; i < GatewayServers.PerClientLimit; i++)
        {
            using var allowed = await (i % 2 == 0 ? first : second).GetAsync("/api/membership/ping");
            Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        }

        using var refused = await first.GetAsync("/api/membership/ping");
        using var refusedToo = await second.GetAsync("/api/membership/ping");

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, refusedToo.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.Contains("per-client", (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
        // 5 an hour: the next token is back in 12 minutes.
        Assert.Equal(TimeSpan.FromMinutes(12), refused.Headers.RetryAfter?.Delta);

        // Another client is not held back by this one.
        var otherId = $"bank-{Guid.NewGuid():N}";
        using var other = servers.CreateGatewayClient(
            TestTokens.Mint(PlatformAudiences.Membership, [PlatformRoles.Partner], clientId: otherId, subject: otherId));
        using var fine = await other.GetAsync("/api/membership/ping");
        Assert.Equal(HttpStatusCode.OK, fine.StatusCode);
    }
}
