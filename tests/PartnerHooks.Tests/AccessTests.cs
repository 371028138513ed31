using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Scop.Aspire.PartnerHooks.Tests.Support;
using Scop.Aspire.ServiceDefaults.Security;
using Scop.Aspire.Testing;

namespace Scop.Aspire.PartnerHooks.Tests;

/// <summary>
/// Who may run partner webhooks: confederation admins only, with a token for this service. Everyone else is refused
/// before anything is read or written; the probes, the ping and the OpenAPI document need no token.
/// </summary>
[Collection(PartnerHooksCollection.Name)]
public sealed class AccessTests(PartnerHooksServers servers) : IAsyncLifetime
{
    private PartnerHooksApp app = null!;
    private Guid partnerId;
    private Guid endpointId;
    private string receiverName = "";

    public async Task InitializeAsync()
    {
        app = await PartnerHooksApp.StartAsync(servers);
        receiverName = Guid.NewGuid().ToString("N");
        servers.Receiver.Set(receiverName, ReceiverMode.Ok);
        (partnerId, _) = await app.CreatePartnerAsync();
        (endpointId, var secret) = await app.CreateEndpointAsync(partnerId, servers.Receiver.UrlOf(receiverName));
        servers.Receiver.TrustSecrets(receiverName, secret);
    }

    public async Task DisposeAsync() => await app.DisposeAsync();

    /// <summary>Every operation of the service's three groups, each with a body it would accept.</summary>
    private IEnumerable<HttpRequestMessage> EveryOperation()
    {
        HttpRequestMessage Get(string path) => new(HttpMethod.Get, path);
        HttpRequestMessage Post(string path, object? body = null)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, path)
            {
                Content = new StringContent(JsonSerializer.Serialize(body ?? new { }), Encoding.UTF8, "application/json"),
            };
            request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
            return request;
        }

        var code = $"bank-{Guid.NewGuid():N}"[..20];
        yield return Post("/api/partner-hooks/partners", new { code, name = $"Banque {code}" });
        yield return Get("/api/partner-hooks/partners");
        yield return Get($"/api/partner-hooks/partners/{partnerId}");
        yield return Post($"/api/partner-hooks/partners/{partnerId}/endpoints",
            new { url = servers.Receiver.UrlOf(receiverName), eventTypes = new[] { "scop.membership.cooperative.joined" } });
        yield return Get($"/api/partner-hooks/endpoints/{endpointId}");
        yield return Post($"/api/partner-hooks/endpoints/{endpointId}/secret/rotate", new { overlapMinutes = 60 });
        yield return Post($"/api/partner-hooks/endpoints/{endpointId}/enable");
        yield return Get($"/api/partner-hooks/endpoints/{endpointId}/health");
        yield return Post($"/api/partner-hooks/endpoints/{endpointId}/ping");
        yield return Get("/api/partner-hooks/deliveries");
        yield return Get($"/api/partner-hooks/deliveries/{Guid.NewGuid()}");
        yield return Post($"/api/partner-hooks/deliveries/{Guid.NewGuid()}/replay");
        yield return Post("/api/partner-hooks/deliveries/replay", new { since = DateTimeOffset.UtcNow.AddDays(-1) });
    }

    /// <summary>What a refused caller must not change: the rows, the stored idempotent answers, the receiver's inbox.</summary>
    private async Task<string> StateAsync() => string.Join(" | ",
        await app.CountAsync("SELECT count(*) FROM partners"),
        await app.CountAsync("SELECT count(*) FROM endpoints"),
        await app.CountAsync("SELECT count(*) FROM idempotency_keys"),
        await app.CountAsync("SELECT count(*) FROM deliveries"),
        await app.CountAsync("SELECT count(*) FROM delivery_attempts"),
        await EndpointRowAsync(),
        servers.Receiver.RequestsTo(receiverName).Count);

    private async Task<string> EndpointRowAsync()
    {
        await using var connection = new Npgsql.NpgsqlConnection(app.Database);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand("SELECT row_to_json(e)::text FROM endpoints e WHERE id = @id", connection);
        command.Parameters.AddWithValue("id", endpointId);
        return (string)(await command.ExecuteScalarAsync())!;
    }

    private async Task Every_operation_is_refused_with(string? token, HttpStatusCode expected)
    {
        var before = await StateAsync();
        using var client = app.CreateClient(token);
        foreach (var request in EveryOperation())
        {
            using var response = await client.SendAsync(request);
            Assert.True(response.StatusCode == expected,
                $"{request.Method} {request.RequestUri}: {(int)response.StatusCode}, expected {(int)expected}");
        }

        Assert.Equal(before, await StateAsync());
    }

    [Fact]
    public Task Without_a_token_every_operation_is_a_401_and_nothing_is_written() =>
        Every_operation_is_refused_with(null, HttpStatusCode.Unauthorized);

    [Fact]
    public Task A_members_token_is_a_403_and_nothing_is_written() =>
        Every_operation_is_refused_with(TestTokens.For(PlatformAudiences.PartnerHooks, PlatformRoles.Member),
            HttpStatusCode.Forbidden);

    [Fact]
    public Task A_partners_own_client_is_a_403_and_nothing_is_written() =>
        Every_operation_is_refused_with(TestTokens.For(PlatformAudiences.PartnerHooks, PlatformRoles.Partner,
            clientId: "credit-cooperatif"), HttpStatusCode.Forbidden);

    [Fact]
    public Task An_admins_token_for_another_service_is_a_401() =>
        Every_operation_is_refused_with(TestTokens.For(PlatformAudiences.Membership, PlatformRoles.ConfederationAdmin),
            HttpStatusCode.Unauthorized);

    [Fact]
    public async Task A_forged_or_expired_admin_token_is_a_401()
    {
        await Every_operation_is_refused_with(TestTokens.Mint(PlatformAudiences.PartnerHooks, [PlatformRoles.ConfederationAdmin],
            key: TestTokens.ForeignKey), HttpStatusCode.Unauthorized);
        await Every_operation_is_refused_with(TestTokens.Mint(PlatformAudiences.PartnerHooks, [PlatformRoles.ConfederationAdmin],
            expires: DateTime.UtcNow.AddHours(-1)), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task An_admin_runs_partners_endpoints_and_deliveries()
    {
        using var admin = app.CreateAdminClient();
        var code = $"bank-{Guid.NewGuid():N}"[..20];
        var created = await admin.PostAsJsonAsync("/api/partner-hooks/partners", new { code, name = $"Banque {code}" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync($"/api/partner-hooks/partners/{partnerId}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync($"/api/partner-hooks/endpoints/{endpointId}/health")).StatusCode);

        var ping = await admin.PostAsync($"/api/partner-hooks/endpoints/{endpointId}/ping", null);
        Assert.True(ping.StatusCode == HttpStatusCode.OK, await ping.Content.ReadAsStringAsync());
        Assert.Single(servers.Receiver.RequestsTo(receiverName));

        var rotation = await admin.PostAsJsonAsync($"/api/partner-hooks/endpoints/{endpointId}/secret/rotate", new { overlapMinutes = 60 });
        Assert.Equal(HttpStatusCode.OK, rotation.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"/api/partner-hooks/endpoints/{endpointId}/enable", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/api/partner-hooks/deliveries")).StatusCode);
        var replay = await admin.PostAsJsonAsync("/api/partner-hooks/deliveries/replay", new { since = DateTimeOffset.UtcNow.AddDays(-1) });
        Assert.Equal(HttpStatusCode.Accepted, replay.StatusCode);
    }

    [Theory]
    [InlineData("/health")]
    [InlineData("/alive")]
    [InlineData("/api/partner-hooks/ping")]
    [InlineData("/openapi/v1.json")]
    public async Task Probes_the_ping_and_the_api_document_need_no_token(string path)
    {
        using var anonymous = app.CreateClient(token: null);
        using var response = await anonymous.GetAsync(path);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode}");
    }
}
