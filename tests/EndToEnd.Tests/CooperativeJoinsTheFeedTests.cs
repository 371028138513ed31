using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;

namespace Scop.Aspire.EndToEnd.Tests;

/// <summary>The foundation's one real flow, driven through the gateway only.</summary>
[Collection(PlatformCollection.Name)]
public sealed class CooperativeJoinsTheFeedTests(PlatformFixture platform)
{
    private static readonly TimeSpan FeedDeadline = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_cooperative_registered_through_the_gateway_appears_in_the_feed_under_the_same_trace()
    {
        var traceId = ActivityTraceId.CreateRandom().ToString();
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/membership/cooperatives")
        {
            Content = JsonContent.Create(new
            {
                name = "Coopérative Ouvrière de Test",
                siren = GatewayCalls.Siren(),
                legalForm = "SCOP",
                communeCode = "69123",
                nafCode = "62.01Z",
            }),
        };
        request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom()}-01");
        request.WithToken(await PlatformTokens.SignInAsync(platform, "delegate-aura", "openid membership"));

        using var response = await platform.Gateway.SendAsync(request);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = await response.Content.ReadFromJsonAsync<JsonElement>();
        var cooperativeId = created.GetProperty("id").GetString();
        var registeredAt = Stopwatch.StartNew();

        JsonElement? entry = null;
        while (entry is null && registeredAt.Elapsed < FeedDeadline)
        {
            var feed = await platform.Gateway.GetFromJsonAsync<JsonElement>("/api/portal/feed?limit=50");
            entry = feed.GetProperty("items").EnumerateArray()
                .Select(item => (JsonElement?)item)
                .FirstOrDefault(item => item!.Value.GetProperty("subjectId").GetString() == cooperativeId);
            if (entry is null)
            {
                await Task.Delay(100);
            }
        }

        Assert.True(entry is not null, $"The cooperative did not appear in the feed within {FeedDeadline.TotalSeconds} s");
        Assert.Equal("cooperative-joined", entry.Value.GetProperty("kind").GetString());
        Assert.Contains("Coopérative Ouvrière de Test", entry.Value.GetProperty("title").GetString());
        // The public feed hands out no trace id; the portal keeps the one its event travelled in, for operators.
        Assert.False(entry.Value.TryGetProperty("traceId", out _), entry.Value.ToString());
        var portalDatabase = await platform.App.GetConnectionStringAsync("portaldb");
        await using var connection = new NpgsqlConnection(portalDatabase);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT trace_id FROM feed_items WHERE subject_id = @id", connection);
        command.Parameters.AddWithValue("id", Guid.Parse(cooperativeId!));
        Assert.Equal(traceId, (string?)await command.ExecuteScalarAsync());
    }

    [Fact]
    public async Task The_gateway_reports_every_service_healthy_and_serves_the_api_documents()
    {
        using var health = await platform.Gateway.GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        var report = await health.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Healthy", report.GetProperty("checks").GetProperty("membership").GetProperty("status").GetString());
        Assert.Equal("Healthy", report.GetProperty("checks").GetProperty("portal").GetProperty("status").GetString());
        Assert.Equal("Healthy", report.GetProperty("checks").GetProperty("identity").GetProperty("status").GetString());

        var document = await platform.Gateway.GetFromJsonAsync<JsonElement>("/openapi/membership.json");
        Assert.True(document.GetProperty("paths").TryGetProperty("/api/membership/cooperatives", out _));
    }

    [Fact]
    public async Task Bad_input_through_the_gateway_is_a_problem_details_naming_the_field()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/membership/cooperatives")
        {
            Content = JsonContent.Create(new { name = "X", siren = "123456789", legalForm = "SCOP", communeCode = "69123", nafCode = "62.01Z" }),
        };
        using var response = await platform.Gateway.SendAsync(
            request.WithToken(await PlatformTokens.SignInAsync(platform, "admin", "openid membership")));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty("siren", out _));
    }

    /// <summary>Eight random digits and the Luhn key that makes them a valid SIREN.</summary>
}
