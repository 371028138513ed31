using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Scop.Aspire.PartnerHooks.Tests.Support;

namespace Scop.Aspire.PartnerHooks.Tests;

/// <summary>Bad input, idempotency and the safety rules of the API.</summary>
[Collection(PartnerHooksCollection.Name)]
public sealed class ApiTests(PartnerHooksServers servers) : IAsyncLifetime
{
    private PartnerHooksApp app = null!;

    public async Task InitializeAsync() => app = await PartnerHooksApp.StartAsync(servers);

    public async Task DisposeAsync() => await app.DisposeAsync();

    private async Task<(long Partners, long Endpoints, long Keys, long Deliveries)> CountsAsync() => (
        await app.CountAsync("SELECT count(*) FROM partners"), await app.CountAsync("SELECT count(*) FROM endpoints"),
        await app.CountAsync("SELECT count(*) FROM idempotency_keys"), await app.CountAsync("SELECT count(*) FROM deliveries"));

    private static async Task<string[]> FieldErrorsAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, text);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(text).RootElement.GetProperty("errors").EnumerateObject().Select(p => p.Name).ToArray();
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    [Theory]
    [InlineData("""{"code": "", "name": "Crédit Coopératif"}""", "code")]
    [InlineData("""{"code": "Crédit Coopératif", "name": "Crédit Coopératif"}""", "code")]
    [InlineData("""{"code": "credit-cooperatif"}""", "name")]
    [InlineData("""{"code": 12, "name": "x"}""", "code")]
    [InlineData("""{"code": "a", "name": "x", "extra": 1}""", "extra")]
    [InlineData("""not json""", "$")]
    public async Task A_bad_partner_is_a_400_naming_the_field_and_writes_nothing(string body, string field)
    {
        var before = await CountsAsync();
        using var client = app.CreateAdminClient();
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/partner-hooks/partners") { Content = Json(body) };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        Assert.Contains(field, await FieldErrorsAsync(await client.SendAsync(request)));
        // The refusal is kept as the key's answer; nothing else is written.
        Assert.Equal(before with { Keys = before.Keys + 1 }, await CountsAsync());
    }

    [Theory]
    [InlineData("""{"url": "ftp://bank.example/hooks", "eventTypes": ["scop.membership.cooperative.joined"]}""", "url")]
    [InlineData("""{"url": "not a url", "eventTypes": ["scop.membership.cooperative.joined"]}""", "url")]
    [InlineData("""{"url": "https://user:pw@bank.example/hooks", "eventTypes": ["scop.membership.cooperative.joined"]}""", "url")]
    [InlineData("""{"url": "https://bank.example/hooks", "eventTypes": []}""", "eventTypes")]
    [InlineData("""{"url": "https://bank.example/hooks", "eventTypes": ["scop.unknown"]}""", "eventTypes")]
    [InlineData("""{"eventTypes": ["scop.membership.cooperative.joined"]}""", "url")]
    public async Task A_bad_endpoint_is_a_400_naming_the_field_and_writes_nothing(string body, string field)
    {
        var (partnerId, _) = await app.CreatePartnerAsync();
        var before = await CountsAsync();
        using var client = app.CreateAdminClient();
        var response = await client.PostAsync($"/api/partner-hooks/partners/{partnerId}/endpoints", Json(body));
        Assert.Contains(field, await FieldErrorsAsync(response));
        Assert.Equal(before, await CountsAsync());
    }

    [Theory]
    [InlineData("/api/partner-hooks/deliveries?status=Lost", "status")]
    [InlineData("/api/partner-hooks/deliveries?since=yesterday", "since")]
    [InlineData("/api/partner-hooks/deliveries?endpointId=42", "endpointId")]
    [InlineData("/api/partner-hooks/deliveries?pageSize=1000", "pageSize")]
    public async Task A_bad_log_filter_is_a_400_naming_it(string path, string field)
    {
        using var client = app.CreateAdminClient();
        Assert.Contains(field, await FieldErrorsAsync(await client.GetAsync(path)));
    }

    [Fact]
    public async Task A_bad_replay_request_is_a_400_and_replays_nothing()
    {
        using var client = app.CreateAdminClient();
        Assert.Contains("since", await FieldErrorsAsync(await client.PostAsync("/api/partner-hooks/deliveries/replay", Json("{}"))));
        Assert.Contains("overlapMinutes", await FieldErrorsAsync(await client.PostAsync(
            $"/api/partner-hooks/endpoints/{Guid.NewGuid()}/secret/rotate", Json("""{"overlapMinutes": -1}"""))));
    }

    [Fact]
    public async Task Creating_an_endpoint_again_with_the_same_idempotency_key_creates_one_and_never_shows_the_secret_twice()
    {
        var (partnerId, _) = await app.CreatePartnerAsync();
        using var client = app.CreateAdminClient();
        HttpRequestMessage Request()
        {
            var request = new HttpRequestMessage(HttpMethod.Post, $"/api/partner-hooks/partners/{partnerId}/endpoints")
            {
                Content = Json("""{"url": "https://bank.example/hooks", "eventTypes": ["scop.membership.cooperative.joined"]}"""),
            };
            request.Headers.Add("Idempotency-Key", "endpoint-1");
            return request;
        }

        var first = await client.SendAsync(Request());
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var secret = (await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("secret").GetString()!;

        var again = await client.SendAsync(Request());
        Assert.Equal(HttpStatusCode.Created, again.StatusCode);
        Assert.Equal("true", again.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(first.Headers.Location, again.Headers.Location);
        Assert.DoesNotContain(secret, await again.Content.ReadAsStringAsync());
        Assert.Equal(1, await app.CountAsync($"SELECT count(*) FROM endpoints WHERE partner_id = '{partnerId}'"));
        Assert.DoesNotContain(secret["whsec_".Length..], await app.DumpDatabaseAsync());
    }

    [Fact]
    public async Task Outside_development_rules_an_http_or_private_url_is_refused()
    {
        await app.DisposeAsync();
        app = await PartnerHooksApp.StartAsync(servers, settings: new Dictionary<string, string?>
        {
            ["Scop:PartnerHooks:RequireHttps"] = "true",
            ["Scop:PartnerHooks:BlockPrivateDestinations"] = "true",
        });
        var (partnerId, _) = await app.CreatePartnerAsync();
        using var client = app.CreateAdminClient();
        foreach (var url in new[] { "http://bank.example/hooks", "https://127.0.0.1/hooks", "https://10.0.0.8/hooks", "https://[::1]/hooks", "https://localhost/hooks", "https://169.254.169.254/latest" })
        {
            var response = await client.PostAsJsonAsync($"/api/partner-hooks/partners/{partnerId}/endpoints",
                new { url, eventTypes = new[] { "scop.membership.cooperative.joined" } });
            Assert.Contains("url", await FieldErrorsAsync(response));
        }

        Assert.Equal(0, await app.CountAsync("SELECT count(*) FROM endpoints"));
    }
}
