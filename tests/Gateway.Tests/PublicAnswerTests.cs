using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Scop.Aspire.Gateway.Tests.Support;
using Scop.Aspire.Testing;

namespace Scop.Aspire.Gateway.Tests;

/// <summary>
/// What a browser or any client gets back through the gateway, with real tokens: the security headers on every answer
/// (a policy per path, the strictest for the APIs), API documents that name no internal server, and problems that
/// name the request by a public id, never by its trace — which operators find in the gateway's log.
/// </summary>
[Collection(RealIdentityServersCollection.Name)]
public sealed partial class PublicAnswerTests(RealIdentityServers servers)
{
    private const string ApiPolicy = "default-src 'none'; frame-ancestors 'none'";

    [Fact]
    public async Task Every_answer_carries_the_security_headers_and_an_api_answer_the_strictest_policy()
    {
        var token = await servers.AdminTokenAsync("openid membership");
        var requests = new (string What, string Path, bool WithToken, HttpStatusCode Status)[]
        {
            ("an API answer", "/api/membership/cooperatives?page=1&pageSize=1", true, HttpStatusCode.OK),
            ("the gateway's refusal", "/api/membership/cooperatives?page=1&pageSize=1", false, HttpStatusCode.Unauthorized),
            ("a service's problem", $"/api/membership/cooperatives/{Guid.NewGuid()}", true, HttpStatusCode.NotFound),
            ("an API document", "/openapi/membership.json", false, HttpStatusCode.OK),
            ("the health", "/health", false, HttpStatusCode.ServiceUnavailable),
            ("the identity service's discovery", "/.well-known/openid-configuration", false, HttpStatusCode.OK),
        };

        foreach (var (what, path, withToken, status) in requests)
        {
            using var client = servers.CreateGatewayBrowser().WithToken(withToken ? token : null);
            using var response = await client.GetAsync(path);

            Assert.True(response.StatusCode == status, $"{what}: {(int)response.StatusCode}");
            Assert.True(Header(response, "Content-Security-Policy") == ApiPolicy, $"{what}: {Header(response, "Content-Security-Policy")}");
            AssertBrowserHeaders(response, what);
        }
    }

    [Fact]
    public async Task The_documentation_page_has_a_policy_of_its_own_that_runs_only_its_own_scripts()
    {
        using var client = servers.CreateGatewayBrowser();
        using var response = await client.GetAsync("/docs/index.html");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        AssertBrowserHeaders(response, "docs");
        var policy = Directives(Header(response, "Content-Security-Policy"));
        Assert.Equal("'none'", policy["default-src"]);
        Assert.Equal("'self'", policy["script-src"]);
        Assert.Equal("'none'", policy["frame-ancestors"]);
        Assert.DoesNotContain(policy.Values, value => value.Contains("unsafe", StringComparison.Ordinal));
        // Nothing inline that the policy would block: every script is a file of the page's own.
        var html = await response.Content.ReadAsStringAsync();
        Assert.DoesNotMatch(InlineScript(), html);
    }

    [Fact]
    public async Task The_sign_in_page_may_use_its_own_stylesheet_and_nothing_else()
    {
        using var client = servers.CreateGatewayBrowser();
        using var response = await client.GetAsync("/account/login?returnUrl=%2F");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        AssertBrowserHeaders(response, "sign-in page");
        var policy = Directives(Header(response, "Content-Security-Policy"));
        var html = await response.Content.ReadAsStringAsync();
        Assert.Equal("'self'", policy["style-src"]);
        Assert.Equal("'none'", policy["default-src"]);
        Assert.Equal("'none'", policy["frame-ancestors"]);
        Assert.False(policy.ContainsKey("script-src"));
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<style", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(" style=", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("<link rel=\"stylesheet\" href=\"/account/login.css\">", html, StringComparison.Ordinal);
        using var stylesheet = await client.GetAsync("/account/login.css");
        Assert.Equal(HttpStatusCode.OK, stylesheet.StatusCode);
        Assert.Equal("text/css", stylesheet.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("membership")]
    [InlineData("identity")]
    public async Task An_api_document_names_no_internal_server(string service)
    {
        using var client = servers.CreateGatewayBrowser();
        using var response = await client.GetAsync($"/openapi/{service}.json");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        var document = JsonDocument.Parse(text).RootElement;
        Assert.True(!document.TryGetProperty("servers", out var listed) || listed.GetArrayLength() == 0, listed.ToString());
        Assert.NotEmpty(document.GetProperty("paths").EnumerateObject());
        foreach (var inside in new[] { servers.MembershipAddress, servers.IdentityAddress })
        {
            Assert.DoesNotContain($":{inside.Port}", text);
        }
    }

    [Fact]
    public async Task A_problem_names_the_request_by_a_public_id_and_carries_no_trace_id()
    {
        var token = await servers.AdminTokenAsync("openid membership");
        var problems = new (string What, HttpMethod Method, string Path, string? Token, object? Body, HttpStatusCode Status)[]
        {
            ("the gateway's 401", HttpMethod.Get, "/api/membership/cooperatives", null, null, HttpStatusCode.Unauthorized),
            ("the service's 400", HttpMethod.Post, "/api/membership/cooperatives", token,
                new { name = "Coopérative", siren = "552100555", legalForm = "SCOP", communeCode = "69123", nafCode = "62.01Z" },
                HttpStatusCode.BadRequest),
            ("the service's 404", HttpMethod.Get, $"/api/membership/cooperatives/{Guid.NewGuid()}", token, null, HttpStatusCode.NotFound),
        };

        foreach (var (what, method, path, withToken, body, status) in problems)
        {
            var traceId = ActivityTraceId.CreateRandom().ToHexString();
            using var client = servers.CreateGatewayBrowser().WithToken(withToken);
            using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
            request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom().ToHexString()}-01");
            request.Headers.Add("X-Request-Id", "chosen-by-the-client");

            using var response = await client.SendAsync(request);

            Assert.True(response.StatusCode == status, $"{what}: {(int)response.StatusCode}");
            var text = await response.Content.ReadAsStringAsync();
            var problem = JsonDocument.Parse(text).RootElement;
            var requestId = Header(response, "X-Request-Id");
            Assert.NotEqual("chosen-by-the-client", requestId);
            Assert.Equal(requestId, problem.GetProperty("requestId").GetString());
            Assert.False(problem.TryGetProperty("traceId", out _), $"{what}: {text}");
            Assert.DoesNotContain(traceId, text);
            Assert.DoesNotMatch(TraceIdLike(), text);
            Assert.DoesNotContain(response.Headers.Concat(response.Content.Headers), header => header.Value.Any(v => v.Contains(traceId)));
        }
    }

    [Fact]
    public async Task Every_problem_answer_is_logged_with_its_request_id_beside_its_trace_id()
    {
        var logs = new CapturedLogs();
        await using var gateway = await servers.StartGatewaysAsync(
            new Dictionary<string, string> { ["Logging:LogLevel:Scop.Aspire.Gateway"] = "Information" },
            services: services => services.AddSingleton<ILoggerProvider>(logs));
        var traceId = ActivityTraceId.CreateRandom().ToHexString();
        using var client = gateway.Client();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/membership/cooperatives");
        request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom().ToHexString()}-01");

        using var refused = await client.SendAsync(request);
        using var answered = await client.GetAsync("/api/membership/ping");

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        var entry = Assert.Single(logs.Entries, e => e.Properties.GetValueOrDefault("RequestId") == Header(refused, "X-Request-Id"));
        Assert.Equal(traceId, entry.Properties["TraceId"]);
        Assert.Equal("401", entry.Properties["StatusCode"]);
        Assert.Equal("membership-api", entry.Properties["RouteId"]);
        // A successful answer is not logged: only what a client would come back about.
        Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
        Assert.DoesNotContain(logs.Entries, e => e.Properties.GetValueOrDefault("RequestId") == Header(answered, "X-Request-Id"));
    }

    private static void AssertBrowserHeaders(HttpResponseMessage response, string what)
    {
        Assert.True(Header(response, "X-Content-Type-Options") == "nosniff", what);
        Assert.True(Header(response, "Referrer-Policy") == "no-referrer", what);
        Assert.True(Header(response, "X-Frame-Options") == "DENY", what);
        Assert.True(Header(response, "X-Request-Id") is { Length: 16 }, what);
        Assert.False(response.Headers.Contains("Strict-Transport-Security"), $"{what}: HSTS in Development over plain HTTP");
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values)
            ? string.Join(", ", values)
            : null;

    private static Dictionary<string, string> Directives(string? policy) =>
        (policy ?? "").Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(directive => directive.Split(' ', 2))
            .ToDictionary(parts => parts[0], parts => parts.Length > 1 ? parts[1] : "");

    /// <summary>A script element without a src, or an inline event handler.</summary>
    [GeneratedRegex(@"<script(?![^>]*\ssrc=)[^>]*>|\son[a-z]+\s*=", RegexOptions.IgnoreCase)]
    private static partial Regex InlineScript();

    /// <summary>32 lowercase hex digits: the shape of a W3C trace id.</summary>
    [GeneratedRegex("[0-9a-f]{32}")]
    private static partial Regex TraceIdLike();
}
