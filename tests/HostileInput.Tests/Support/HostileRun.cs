using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;
using Scop.Aspire.HostileInput.Tests.Contract;
using Scop.Aspire.HostileInput.Tests.Examples;
using Scop.Aspire.Testing;

namespace Scop.Aspire.HostileInput.Tests.Support;

/// <summary>Something wrong with one answer (or one endpoint), said the way a reader of the failure needs it.</summary>
public sealed record Finding(string Service, string Kind, string What, string Detail)
{
    public const string ServerError = "answered 5xx";
    public const string Hung = "no answer in time";
    public const string Accepted = "accepted (not refused with a 4xx)";
    public const string NotProblem = "refused without a ProblemDetails body";
    public const string Wrote = "wrote to the database";
    public const string Undocumented = "mapped but missing from the document";
    public const string Unmapped = "in the document but not mapped";

    public override string ToString() => $"[{Service}] {What}: {Detail}";
}

/// <summary>What the run did to one service and what it found.</summary>
public sealed class ServiceReport(string service)
{
    public string Service { get; } = service;

    public int Operations { get; set; }

    public int DocumentedOperations { get; set; }

    public int Requests { get; set; }

    /// <summary>Requests whose request line HTTP itself refuses (a NUL in the path): no service ever sees them.</summary>
    public int RefusedByHttp { get; set; }

    /// <summary>Whether the service owns a database whose tables were watched (a service without one writes nothing of its own).</summary>
    public bool WritesWatched { get; set; }

    public List<Finding> Findings { get; } = [];

    /// <summary>Operations whose valid request was accepted (2xx): their hostile twins reached as far as a valid one does.</summary>
    public List<string> Reached { get; } = [];

    /// <summary>Operations whose valid request was refused (a state it needs, a rule it breaks), with the answer.</summary>
    public List<string> NotReached { get; } = [];

    /// <summary>Endpoints the service keeps out of its document on purpose (protocol endpoints, probes).</summary>
    public List<string> OutsideTheContract { get; } = [];

    public TimeSpan Elapsed { get; set; }

    public int Count(string kind) => Findings.Count(f => f.Kind == kind);

    public string Summary =>
        $"{Service}: {Operations} operations ({DocumentedOperations} in its document), {Requests:N0} hostile requests ({RefusedByHttp} refused by HTTP itself), "
        + $"{Count(Finding.ServerError)} answered 5xx, {Count(Finding.Hung)} hung, {Count(Finding.Accepted)} accepted, "
        + $"{Count(Finding.NotProblem)} without ProblemDetails, {(WritesWatched ? $"{Count(Finding.Wrote)} wrote" : "no database to watch")}; valid request accepted for "
        + $"{Reached.Count} of {Operations} operations; {Elapsed.TotalSeconds:N1} s";
}

/// <summary>
/// Runs one service on the real servers and sends every hostile request its document allows, then the valid request
/// of each operation, checking each answer and the database after each one.
/// </summary>
public static class HostileRun
{
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(20);

    /// <summary>The fingerprint of a service without a database.</summary>
    private static readonly IReadOnlyDictionary<string, (long Rows, string Checksum)> Nothing =
        new Dictionary<string, (long Rows, string Checksum)>();

    public static async Task<ServiceReport> RunAsync(DeclaredService declared, PlatformServers servers, string receiverUrl)
    {
        var report = new ServiceReport(declared.Name);
        var clock = Stopwatch.StartNew();
        var dataRoot = System.IO.Path.Combine(Path.GetTempPath(), "scop-hostile", Guid.NewGuid().ToString("N")[..8]);
        try
        {
            await using var service = await RunningService.StartAsync(declared, servers, dataRoot);
            var serviceExamples = ServiceExamples.For(declared.Name);
            var context = new ServiceContext(service, serviceExamples, receiverUrl);
            var examples = ServiceExamples.Platform(receiverUrl);
            await serviceExamples.SetUpAsync(context, examples);

            using var client = service.CreateClient(RequestTimeout);
            var document = ApiDocument.Parse(await client.GetStringAsync("/openapi/v1.json"));
            var operations = document.Operations();
            report.DocumentedOperations = operations.Count;
            var endpoints = MappedEndpoints(service);
            Compare(report, operations, endpoints);

            var requests = new ValidRequests(document, examples);
            await using var database = service.HasDatabase ? await DatabaseFingerprint.OpenAsync(service.DatabaseConnectionString) : null;
            report.WritesWatched = database is not null;
            var before = database is null ? Nothing : await database.StillAsync(ServiceContext.Patience, serviceExamples.PendingWork);
            foreach (var operation in operations.OrderBy(o => MethodOrder(o.Method)))
            {
                if (!endpoints.TryGetValue(operation.Name, out var endpoint))
                {
                    continue;
                }

                report.Operations++;
                var role = await Callers.RoleForAsync(service.Services, endpoint);
                var token = role is null ? null : await context.TokenAsync(role);
                var (valid, body) = requests.Build(operation);
                foreach (var hostile in HostileRequests.For(valid, body, requests))
                {
                    report.Requests++;
                    var answer = await SendAsync(client, hostile, token, service);
                    Judge(report, hostile, answer);
                    var after = database is null ? Nothing : await database.ReadAsync();
                    if (DatabaseFingerprint.Changes(before, after) is { Count: > 0 } changes)
                    {
                        report.Findings.Add(new Finding(declared.Name, Finding.Wrote, hostile.Describe(), string.Join(", ", changes)));
                        before = after;
                    }
                }

                // The valid request last: it proves the hostile ones were refused for what they carried, and what it
                // writes is allowed (the run waits for the database to hold still again before the next operation).
                var accepted = await SendAsync(client, valid, token, service);
                if (accepted.Status is >= 200 and < 300)
                {
                    report.Reached.Add($"{operation.Name} → {accepted.Status}");
                }
                else
                {
                    report.NotReached.Add($"{operation.Name} → {accepted.Status} {Excerpt(accepted.Body, 200)}");
                    if (accepted.Status is >= 500 or 0)
                    {
                        Judge(report, valid, accepted);
                    }
                }

                before = database is null ? Nothing : await database.StillAsync(ServiceContext.Patience, serviceExamples.PendingWork);
            }
        }
        finally
        {
            report.Elapsed = clock.Elapsed;
            try
            {
                Directory.Delete(dataRoot, recursive: true);
            }
            catch (DirectoryNotFoundException)
            {
            }
        }

        return report;
    }

    /// <summary>The status of a request the HTTP layer itself refuses, before the service.</summary>
    private const int RefusedByHttp = -1;

    private sealed record Answer(int Status, string? ContentType, string Body, string? Errors);

    private static async Task<Answer> SendAsync(HttpClient client, ApiRequest request, string? token, IRunningService service)
    {
        var errorsBefore = service.Errors.Count;
        using var message = request.ToMessage(token);
        try
        {
            using var response = await client.SendAsync(message);
            var body = await response.Content.ReadAsStringAsync();
            var errors = service.Errors.Skip(errorsBefore).FirstOrDefault();
            return new Answer((int)response.StatusCode, response.Content.Headers.ContentType?.MediaType, body, errors);
        }
        catch (TaskCanceledException)
        {
            return new Answer(0, null, $"no answer within {RequestTimeout.TotalSeconds} s", null);
        }
        catch (InvalidOperationException exception) when (exception.Message.Contains("null characters", StringComparison.Ordinal))
        {
            // A NUL in the path: the HTTP server refuses the request line itself (Kestrel answers 400 before any
            // application code runs), so no service ever sees it. The in-process test server says so by throwing.
            return new Answer(RefusedByHttp, null, exception.Message, null);
        }
    }

    private static void Judge(ServiceReport report, ApiRequest request, Answer answer)
    {
        var what = request.Describe();
        switch (answer.Status)
        {
            case RefusedByHttp:
                report.RefusedByHttp++;
                return;
            case 0:
                report.Findings.Add(new Finding(report.Service, Finding.Hung, what, answer.Body));
                return;
            case >= 500:
                report.Findings.Add(new Finding(report.Service, Finding.ServerError, what,
                    $"{answer.Status} {Excerpt(answer.Body, 300)} {Excerpt(answer.Errors, 900)}"));
                return;
            case < 400:
                report.Findings.Add(new Finding(report.Service, Finding.Accepted, what, $"{answer.Status} {Excerpt(answer.Body, 300)}"));
                return;
        }

        if (answer.ContentType != "application/problem+json" || !IsProblem(answer.Body, answer.Status))
        {
            report.Findings.Add(new Finding(report.Service, Finding.NotProblem, what,
                $"{answer.Status} {answer.ContentType} {Excerpt(answer.Body, 300)}"));
        }
    }

    private static bool IsProblem(string body, int status)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            return json.RootElement.ValueKind == JsonValueKind.Object
                && json.RootElement.TryGetProperty("title", out _)
                && json.RootElement.TryGetProperty("status", out var declared) && declared.TryGetInt32(out var s) && s == status;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>The service's API endpoints by <c>METHOD /path/{param}</c>; what it keeps out of its document is noted.</summary>
    private static Dictionary<string, RouteEndpoint> MappedEndpoints(IRunningService service)
    {
        var endpoints = new Dictionary<string, RouteEndpoint>(StringComparer.Ordinal);
        foreach (var endpoint in service.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            foreach (var method in endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["*"])
            {
                endpoints[$"{method} {PathOf(endpoint.RoutePattern)}"] = endpoint;
            }
        }

        return endpoints;
    }

    private static void Compare(ServiceReport report, IReadOnlyList<ApiOperation> operations, Dictionary<string, RouteEndpoint> endpoints)
    {
        var documented = operations.Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var (name, endpoint) in endpoints.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            if (documented.Contains(name))
            {
                continue;
            }

            // Kept out on purpose: marked so by the service (OpenID Connect protocol endpoints, the ping, the document
            // itself), or not an API operation at all (the health probes answer any method).
            if (endpoint.Metadata.GetMetadata<IExcludeFromDescriptionMetadata>() is { ExcludeFromDescription: true }
                || endpoint.Metadata.GetMetadata<IHttpMethodMetadata>() is null)
            {
                report.OutsideTheContract.Add(name);
            }
            else
            {
                report.Findings.Add(new Finding(report.Service, Finding.Undocumented, name, endpoint.DisplayName ?? ""));
            }
        }

        foreach (var operation in operations.Where(o => !endpoints.ContainsKey(o.Name)))
        {
            report.Findings.Add(new Finding(report.Service, Finding.Unmapped, operation.Name, "no endpoint answers it"));
        }
    }

    /// <summary><c>/api/x/{id:guid}/</c> → <c>/api/x/{id}</c>, as the document writes paths.</summary>
    private static string PathOf(RoutePattern pattern)
    {
        var segments = pattern.PathSegments.Select(segment => string.Concat(segment.Parts.Select(part => part switch
        {
            RoutePatternLiteralPart literal => literal.Content,
            RoutePatternParameterPart parameter => "{" + parameter.Name + "}",
            RoutePatternSeparatorPart separator => separator.Content,
            _ => "",
        })));
        var path = "/" + string.Join('/', segments);
        return path.Length > 1 ? path.TrimEnd('/') : path;
    }

    private static int MethodOrder(string method) => method switch
    {
        "GET" => 0,
        "PUT" => 1,
        "POST" => 2,
        "PATCH" => 3,
        _ => 4,
    };

    private static string Excerpt(string? text, int length) =>
        text is null ? "" : text.Length <= length ? text : text[..length] + "…";
}
