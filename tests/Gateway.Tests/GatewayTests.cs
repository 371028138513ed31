using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Scop.Aspire.Gateway.Tests.Support;

namespace Scop.Aspire.Gateway.Tests;

[Collection(GatewayServersCollection.Name)]
public sealed class GatewayTests(GatewayServers servers) : IDisposable
{
    private readonly HttpClient gateway = servers.CreateGatewayClient();

    public void Dispose() => gateway.Dispose();

    [Fact]
    public async Task A_registration_through_the_gateway_reaches_the_membership_service()
    {
        var siren = NewSiren();

        using var response = await gateway.PostAsync("/api/membership/cooperatives", Json(Registration(siren)));

        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{(int)response.StatusCode}: {text}");
        var id = JsonDocument.Parse(text).RootElement.GetProperty("id").GetGuid();
        Assert.Equal($"/api/membership/cooperatives/{id}", response.Headers.Location?.OriginalString);

        using var get = await gateway.GetAsync(response.Headers.Location);
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal(siren, JsonDocument.Parse(await get.Content.ReadAsStringAsync()).RootElement.GetProperty("siren").GetString());
        Assert.Equal(1, await servers.CountMembershipRowsAsync("SELECT count(*) FROM cooperatives WHERE siren = @s", ("s", siren)));
    }

    [Fact]
    public async Task The_callers_trace_continues_into_the_service_which_gets_the_gateways_request_id_and_the_real_client_address()
    {
        await using var portal = await SlowService.StartAsync(TimeSpan.Zero);
        var (address, started) = servers.StartGateway(portal.Address, new Dictionary<string, string>());
        await using var secondGateway = started;
        using var client = new HttpClient(new SocketsHttpHandler { ActivityHeadersPropagator = null }) { BaseAddress = address };
        var traceId = ActivityTraceId.CreateRandom().ToHexString();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/portal/ping");
        request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom().ToHexString()}-01");
        request.Headers.Add("X-Request-Id", "chosen-by-the-client");
        request.Headers.Add("X-Forwarded-For", "203.0.113.66"); // no proxy is trusted: a lie

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(traceId, TraceIdOf(portal.LastHeaders["traceparent"]));
        var requestId = response.Headers.GetValues("X-Request-Id").Single();
        Assert.NotEqual("chosen-by-the-client", requestId);
        Assert.Equal(requestId, portal.LastHeaders["X-Request-Id"]);
        Assert.Equal("127.0.0.1", portal.LastHeaders["X-Forwarded-For"]);
    }

    [Fact]
    public async Task The_service_itself_names_a_problem_by_the_request_id_it_was_given_never_by_its_trace()
    {
        using var membership = servers.CreateMembershipClient();
        var traceId = ActivityTraceId.CreateRandom().ToHexString();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/membership/cooperatives")
        {
            Content = Json(Registration("552100555")), // a wrong Luhn key: the service itself answers 400
        };
        request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom().ToHexString()}-01");
        request.Headers.Add("X-Request-Id", "given-by-the-gateway");

        using var response = await membership.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        var problem = JsonDocument.Parse(text).RootElement;
        Assert.True(problem.GetProperty("errors").TryGetProperty("siren", out _), text);
        Assert.Equal("given-by-the-gateway", problem.GetProperty("requestId").GetString());
        Assert.False(problem.TryGetProperty("traceId", out _), text);
        Assert.DoesNotContain(traceId, text);
    }

    [Fact]
    public async Task A_body_over_the_limit_is_a_413_problem_and_never_reaches_the_service()
    {
        var siren = NewSiren();
        var body = Padded(Registration(siren), GatewayServers.MaxRequestBodyBytes + 1024); // valid JSON, just too big
        var cooperativesBefore = await servers.CountMembershipRowsAsync("SELECT count(*) FROM cooperatives");

        using var response = await gateway.PostAsync("/api/membership/cooperatives", Json(body));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(413, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("status").GetInt32());
        Assert.Equal(0, await servers.CountMembershipRowsAsync("SELECT count(*) FROM cooperatives WHERE siren = @s", ("s", siren)));
        Assert.Equal(cooperativesBefore, await servers.CountMembershipRowsAsync("SELECT count(*) FROM cooperatives"));
    }

    [Fact]
    public async Task A_chunked_body_that_grows_over_the_limit_is_a_413_problem_and_never_reaches_the_service()
    {
        var siren = NewSiren();
        var body = Padded(Registration(siren), GatewayServers.MaxRequestBodyBytes * 4);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/membership/cooperatives")
        {
            Content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(body))), // no Content-Length: chunked
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.TransferEncodingChunked = true;

        using var response = await gateway.SendAsync(request);

        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.RequestEntityTooLarge, $"{(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(0, await servers.CountMembershipRowsAsync("SELECT count(*) FROM cooperatives WHERE siren = @s", ("s", siren)));
    }

    [Fact]
    public async Task A_body_under_the_limit_goes_through()
    {
        var siren = NewSiren();
        var body = Padded(Registration(siren), GatewayServers.MaxRequestBodyBytes - 512);

        using var response = await gateway.PostAsync("/api/membership/cooperatives", Json(body));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(1, await servers.CountMembershipRowsAsync("SELECT count(*) FROM cooperatives WHERE siren = @s", ("s", siren)));
    }

    [Fact]
    public async Task A_service_that_is_down_is_a_prompt_503_problem_with_retry_after()
    {
        var stopwatch = Stopwatch.StartNew();

        using var response = await gateway.GetAsync("/api/portal/feed");

        stopwatch.Stop();
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(5), $"took {stopwatch.Elapsed.TotalSeconds:0.0} s");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(503, problem.GetProperty("status").GetInt32());
        Assert.Contains("portal", problem.GetProperty("detail").GetString());
        Assert.NotNull(response.Headers.RetryAfter);
    }

    [Fact]
    public async Task A_burst_reaches_a_service_over_no_more_connections_than_the_gateway_keeps_to_it()
    {
        const int cap = 4;
        await using var portal = await SlowService.StartAsync(TimeSpan.FromMilliseconds(300));
        var (address, started) = servers.StartGateway(portal.Address,
            new Dictionary<string, string> { ["Scop:Gateway:MaxConnectionsPerService"] = cap.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        await using var secondGateway = started;
        using var client = new HttpClient { BaseAddress = address };

        var answers = await Task.WhenAll(Enumerable.Range(0, 6 * cap).Select(_ => client.GetAsync("/api/portal/ping")));

        Assert.All(answers, answer => Assert.Equal(HttpStatusCode.OK, answer.StatusCode));
        Assert.Equal(cap, portal.Connections);
        Assert.Equal(cap, portal.MostInProgress);
    }

    [Fact]
    public async Task Health_reports_the_service_that_is_down_and_the_one_that_is_up()
    {
        using var response = await gateway.GetAsync("/health");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var report = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("Unhealthy", report.GetProperty("status").GetString());
        var checks = report.GetProperty("checks");
        Assert.Equal("Unhealthy", checks.GetProperty("portal").GetProperty("status").GetString());
        Assert.Equal("Healthy", checks.GetProperty("membership").GetProperty("status").GetString());
        Assert.Contains("portal", checks.GetProperty("portal").GetProperty("description").GetString());
    }

    [Fact]
    public async Task The_membership_openapi_document_is_the_services_own()
    {
        using var membership = servers.CreateMembershipClient();
        var direct = await membership.GetStringAsync("/openapi/v1.json");

        using var response = await gateway.GetAsync("/openapi/membership.json");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.StartsWith("3.", document.GetProperty("openapi").GetString());
        var paths = document.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Contains("/api/membership/cooperatives", paths);
        Assert.Contains("/api/membership/cooperatives/{id}", paths);
        Assert.Equal(
            JsonDocument.Parse(direct).RootElement.GetProperty("paths").EnumerateObject().Select(p => p.Name),
            paths);
    }

    [Fact]
    public async Task The_docs_page_is_swagger_ui_listing_the_services_documents()
    {
        using var response = await gateway.GetAsync("/docs/index.html");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("swagger-ui", html);

        // The page's configuration (inline or in its script) lists each service's document.
        var configuration = html;
        using var script = await gateway.GetAsync("/docs/index.js");
        if (script.IsSuccessStatusCode)
        {
            configuration += await script.Content.ReadAsStringAsync();
        }

        Assert.Contains("/openapi/membership.json", configuration);
        Assert.Contains("/openapi/portal.json", configuration);
    }

    /// <summary>The trace id of a W3C traceparent ("00-&lt;trace id&gt;-&lt;span id&gt;-&lt;flags&gt;").</summary>
    private static string TraceIdOf(string traceparent) => traceparent.Split('-')[1];

    private static string Registration(string siren) => JsonSerializer.Serialize(new
    {
        name = $"Coopérative {Guid.NewGuid():N}",
        siren,
        legalForm = "SCOP",
        communeCode = "69123",
        nafCode = "62.01Z",
    });

    /// <summary>The same JSON object, padded with insignificant whitespace to <paramref name="bytes"/> bytes.</summary>
    private static string Padded(string json, int bytes)
    {
        var padding = bytes - Encoding.UTF8.GetByteCount(json);
        Assert.True(padding > 0);
        return json[..^1] + new string(' ', padding) + "}";
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static string NewSiren()
    {
        var digits = string.Concat(Enumerable.Range(0, 8).Select(_ => (char)('0' + RandomNumberGenerator.GetInt32(10))));
        for (var key = 0; key <= 9; key++)
        {
            var candidate = digits + key;
            var sum = 0;
            for (var i = 0; i < 9; i++)
            {
                var d = candidate[8 - i] - '0';
                sum += i % 2 == 1 ? (d * 2 > 9 ? d * 2 - 9 : d * 2) : d;
            }

            if (sum % 10 == 0)
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("unreachable");
    }
}
