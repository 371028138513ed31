using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Scop.Aspire.Testing.Access;

/// <summary>
/// The callers every service's access matrix checks, in the order of a row's columns: nobody, a worker-member who is
/// someone else, the member the row's record is about, the manager of the record's cooperative and of another, an
/// elected official, a delegate of the record's regional union and of another, federation staff, a confederation
/// admin, a partner bank's machine client.
/// </summary>
public enum Caller
{
    Anonymous,
    Member,
    TheMember,
    Manager,
    OtherManager,
    Elected,
    Delegate,
    OtherDelegate,
    Federation,
    Admin,
    Partner,
}

/// <summary>One expected answer: a status, and for a success whether the record's data is in it.</summary>
public readonly record struct Outcome(int Status, bool SeesData)
{
    /// <summary>
    /// One cell of a row: a status code (<c>200</c>, <c>403</c>…), or a success followed by <c>-</c> (<c>200-</c>): the
    /// answer succeeds but holds none of the record's data (a list filtered to what the caller may see).
    /// </summary>
    public static Outcome Parse(string cell) => cell.EndsWith('-')
        ? new Outcome(int.Parse(cell[..^1]), SeesData: false)
        : new Outcome(int.Parse(cell), SeesData: int.Parse(cell) is >= 200 and < 300);

    public override string ToString() => SeesData || Status is < 200 or >= 300 ? Status.ToString() : $"{Status}-";
}

/// <summary>
/// A row of a service's access matrix: one mapped endpoint (<c>METHOD /route/{pattern}</c>, as the service maps it),
/// the request that each caller sends to it (built anew for each caller, so that a change made by one leaves the next
/// the same situation), and what each caller must get. <see cref="Marker"/> is text of the record's data (an id, a
/// name) that is not in the request's address: an answer that is not a success, or a success marked <c>-</c>, must not
/// contain it; a plain success must.
/// </summary>
public sealed class AccessRow
{
    public required string Endpoint { get; init; }

    public required Func<Caller, Task<HttpRequestMessage>> Request { get; init; }

    public required IReadOnlyDictionary<Caller, Outcome> Expected { get; init; }

    public string? Marker { get; init; }

    public override string ToString() => Endpoint;
}

/// <summary>
/// A service's access matrix, and the checks that keep it true: every endpoint the service maps (read from its
/// <see cref="EndpointDataSource"/>, so a new endpoint cannot be missed) names an authorization policy or is
/// explicitly anonymous, has exactly one row, and answers each caller as its row says — through the service's real
/// token validation and handlers.
/// </summary>
public sealed class AccessMatrix
{
    private readonly List<AccessRow> rows = [];

    public IReadOnlyList<AccessRow> Rows => rows;

    /// <summary>
    /// Adds a row. <paramref name="outcomes"/> lists one cell per <see cref="Caller"/>, in their order, separated by
    /// spaces (see <see cref="Outcome.Parse"/>); <c>*</c> alone means the same answer for everyone: <c>"* 200"</c>.
    /// </summary>
    public AccessMatrix Row(string endpoint, string outcomes, Func<Caller, Task<HttpRequestMessage>> request, string? marker = null)
    {
        var cells = outcomes.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var callers = Enum.GetValues<Caller>();
        if (cells is ["*", var all])
        {
            cells = [.. callers.Select(_ => all)];
        }

        if (cells.Length != callers.Length)
        {
            throw new ArgumentException($"{endpoint}: {cells.Length} cells for {callers.Length} callers: '{outcomes}'.");
        }

        rows.Add(new AccessRow
        {
            Endpoint = endpoint,
            Request = request,
            Expected = callers.Zip(cells).ToDictionary(p => p.First, p => Outcome.Parse(p.Second)),
            Marker = marker,
        });
        return this;
    }

    /// <summary>The same, for a request that needs no preparation.</summary>
    public AccessMatrix Row(string endpoint, string outcomes, Func<HttpRequestMessage> request, string? marker = null) =>
        Row(endpoint, outcomes, _ => Task.FromResult(request()), marker);

    /// <summary>Every endpoint the service maps, as <c>METHOD /route</c> (<c>*</c> for any method), with its authorization.</summary>
    public static IReadOnlyList<MappedEndpoint> MappedEndpoints(IServiceProvider services) =>
        services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .SelectMany(endpoint =>
            {
                var route = "/" + (endpoint.RoutePattern.RawText ?? "").TrimStart('/');
                var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods is { Count: > 0 } m ? m : ["*"];
                var anonymous = endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null;
                var policies = endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>()
                    .Select(a => a.Policy ?? (a.Roles is { Length: > 0 } roles ? $"roles:{roles}" : null))
                    .OfType<string>().Distinct().ToList();
                return methods.Select(method => new MappedEndpoint($"{method} {route}", anonymous, policies));
            })
            .ToList();

    /// <summary>
    /// Fails naming each endpoint that is neither anonymous nor names a policy, each mapped endpoint without a row, and
    /// each row that no longer matches a mapped endpoint.
    /// </summary>
    public void AssertCoversEveryEndpoint(IServiceProvider services)
    {
        var mapped = MappedEndpoints(services);
        var problems = new List<string>();
        problems.AddRange(mapped.Where(e => !e.Anonymous && e.Policies.Count == 0)
            .Select(e => $"{e.Endpoint} names no policy (RequireAuthorization(PlatformPolicies.…) or AllowAnonymous())"));
        var keys = mapped.Select(e => e.Endpoint).ToHashSet(StringComparer.Ordinal);
        var rowKeys = rows.Select(r => r.Endpoint).ToList();
        problems.AddRange(keys.Except(rowKeys).Order().Select(k => $"{k} has no row in the access matrix"));
        problems.AddRange(rowKeys.Except(keys).Order().Select(k => $"the row {k} matches no mapped endpoint"));
        problems.AddRange(rowKeys.GroupBy(k => k).Where(g => g.Count() > 1).Select(g => $"{g.Key} has {g.Count()} rows"));
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    /// <summary>
    /// Sends each row's request as each caller (<paramref name="tokenOf"/> gives the bearer token, null for none) and
    /// fails with every answer that differs from the matrix, or that shows data it must not (or hides what it must).
    /// </summary>
    public async Task AssertOutcomesAsync(HttpClient client, Func<Caller, Task<string?>> tokenOf)
    {
        var tokens = new Dictionary<Caller, string?>();
        foreach (var caller in Enum.GetValues<Caller>())
        {
            tokens[caller] = await tokenOf(caller);
        }

        var failures = new List<string>();
        foreach (var row in rows)
        {
            foreach (var (caller, expected) in row.Expected)
            {
                using var request = await row.Request(caller);
                if (row.Marker is { } m && request.RequestUri?.ToString().Contains(m, StringComparison.OrdinalIgnoreCase) == true)
                {
                    throw new InvalidOperationException(
                        $"{row.Endpoint}: the marker is part of the request's address, which error answers repeat: choose data only the answer holds.");
                }

                request.Headers.Authorization = tokens[caller] is { } token ? new AuthenticationHeaderValue("Bearer", token) : null;
                using var response = await client.SendAsync(request);
                var body = await response.Content.ReadAsStringAsync();
                var status = (int)response.StatusCode;
                var shows = row.Marker is { } marker && body.Contains(marker, StringComparison.OrdinalIgnoreCase);
                if (status != expected.Status)
                {
                    failures.Add($"{row.Endpoint} as {caller}: expected {expected}, got {status} {Shorten(body)}");
                }
                else if (row.Marker is not null && shows != expected.SeesData)
                {
                    failures.Add($"{row.Endpoint} as {caller}: {status} {(shows ? "shows the record's data" : "lacks the record's data")}: {Shorten(body)}");
                }
            }
        }

        Assert.True(failures.Count == 0, $"{failures.Count} answers differ from the access matrix:\n{string.Join("\n", failures)}");
    }

    private static string Shorten(string body) => body.Length <= 300 ? body : body[..300] + "…";
}

/// <summary>An endpoint as the service maps it.</summary>
public sealed record MappedEndpoint(string Endpoint, bool Anonymous, IReadOnlyList<string> Policies);

/// <summary>Requests as a matrix row sends them.</summary>
public static class AccessRequests
{
    public static HttpRequestMessage Get(string path) => new(HttpMethod.Get, path);

    public static HttpRequestMessage Send(HttpMethod method, string path, string? json = null) => new(method, path)
    {
        Content = json is null ? null : new StringContent(json, Encoding.UTF8, "application/json"),
    };

    public static HttpRequestMessage Post(string path, string? json = null) => Send(HttpMethod.Post, path, json);

    public static HttpRequestMessage Put(string path, string? json = null) => Send(HttpMethod.Put, path, json);
}
