using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Scop.Aspire.Bench;

/// <summary>
/// <c>identity</c>: (a) client-credentials tokens per second, N clients POSTing <c>/connect/token</c> through the gateway
/// as the development partner bank (<c>credit-cooperatif</c>, its secret from the development credentials file);
/// (b) the cost of a token on a request: the same <c>GET /api/membership/ping</c> with and without the partner's bearer
/// token, in alternating 2-second slices so that the machine's drift falls on both sides alike. The gateway and the
/// membership service both validate a bearer token on every request that carries one, anonymous route or not, so the
/// difference is what checking a token costs along the path. Floor of (a): the anonymous ping of the same run.
/// </summary>
public sealed class IdentityTokens(BenchOptions options, CpuSampler cpu, TextWriter progress)
{
    public const string PartnerClientId = "credit-cooperatif";
    public const string TokenScope = "membership";
    public const string TokenPath = "/connect/token";

    /// <summary>A protected endpoint of the same service: proves the token is accepted, not merely ignored by the ping.</summary>
    public const string ProtectedPath = "/api/membership/benefits";

    public const double TargetAuthenticatedShare = 0.80;

    /// <summary>The length of each slice of the interleaved ping phases.</summary>
    public static readonly TimeSpan Slice = TimeSpan.FromSeconds(2);

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    private int Clients => options.ClientsOr(32);

    public async Task<ScenarioResult> RunAsync(CancellationToken ct)
    {
        var started = DateTimeOffset.UtcNow;
        var machine = MachineInfo.Current();
        var duration = options.DurationOr(TimeSpan.FromSeconds(20));
        var credentialsPath = AccessTokens.CredentialsPath(options.DataRoot);
        var secret = PartnerSecret(credentialsPath);

        // A client of its own without the bench's bearer handler: nothing is added to any request behind our back.
        using var http = HttpLoad.CreateClient(options.Gateway);

        progress.WriteLine($"[bench] identity: {Clients} clients x {duration.TotalSeconds:0.#} s on POST {TokenPath} (client credentials of {PartnerClientId}, scope {TokenScope})...");
        string? lastToken = null;
        var tokens = await Log(HttpLoad.ClosedLoopAsync("client-credentials", Clients, duration, options.Warmup, async token =>
        {
            var (outcome, jwt) = await RequestTokenAsync(http, secret, token);
            if (jwt is not null)
            {
                Volatile.Write(ref lastToken, jwt);
            }

            return outcome;
        }, cpu, ct));

        var bearer = lastToken ?? await RequestTokenAsync(http, secret, ct) switch
        {
            (_, { } jwt) => jwt,
            var (outcome, _) => throw new TokenException($"{TokenPath} gave no token for {PartnerClientId}: {outcome.Key}"),
        };
        var accepted = await CheckAcceptedAsync(http, bearer, ct);
        progress.WriteLine($"[bench] identity: the partner's token on GET {ProtectedPath}: {accepted}");

        progress.WriteLine(string.Create(Invariant,
            $"[bench] identity: GET {Requests.PingPath} with the partner's token and anonymous, {Clients} clients, alternating {Slice.TotalSeconds:0} s slices for {2 * duration.TotalSeconds:0} s..."));
        await HttpLoad.ClosedLoopAsync("ping warm-up", Clients, options.Warmup, TimeSpan.Zero, token => PingAsync(http, bearer, token), null, ct);
        var (anonymous, authenticated) = await InterleavedAsync(http, bearer, duration, ct);
        progress.WriteLine($"[bench] {anonymous.Line()}");
        progress.WriteLine($"[bench] {authenticated.Line()}");

        var share = anonymous.OkThroughput > 0 ? authenticated.OkThroughput / anonymous.OkThroughput : 0;
        var tokensShare = anonymous.OkThroughput > 0 ? tokens.OkThroughput / anonymous.OkThroughput : 0;
        var errors = ErrorSummary.Merge([tokens.Errors, anonymous.Errors, authenticated.Errors]);
        var targets = new List<TargetCheck>
        {
            new(string.Create(Invariant, $"authenticated ping >= {TargetAuthenticatedShare:P0} of the anonymous ping's throughput"),
                string.Create(Invariant,
                    $"{authenticated.OkThroughput:0.#} req/s = {share:P1} of {anonymous.OkThroughput:0.#} req/s anonymous; token accepted: {accepted}"),
                share >= TargetAuthenticatedShare && accepted == "200" && authenticated.Errors.Total == 0),
            new("client-credentials tokens with 0 errors", string.Create(Invariant, $"{tokens.Ok} tokens, {tokens.Errors.Total} errors"),
                tokens.Ok > 0 && tokens.Errors.Total == 0),
        };

        var summary = string.Create(Invariant,
            $"identity: client credentials through the gateway, {Clients} clients x {tokens.Seconds:0.#} s: {tokens.OkThroughput:0.#} tokens/s, "
            + $"{tokens.LatencyMs}, {tokens.Errors.Total} errors{tokens.Errors.Detail}; that is {tokensShare:P0} of the anonymous gateway ping "
            + $"({anonymous.OkThroughput:0.#} req/s) of the same run. GET {Requests.PingPath} in alternating slices: with the partner's token "
            + $"{authenticated.OkThroughput:0.#} req/s ({authenticated.LatencyMs}), anonymous {anonymous.OkThroughput:0.#} req/s ({anonymous.LatencyMs}): "
            + $"{share:P1}. CPU per request, gateway and membership: {PerRequest(authenticated)} with the token, {PerRequest(anonymous)} without.");
        return new ScenarioResult
        {
            Scenario = "identity",
            Machine = machine,
            Started = started,
            Ended = DateTimeOffset.UtcNow,
            Parameters = new Dictionary<string, object?>
            {
                ["gateway"] = options.Gateway.ToString(), ["clients"] = Clients, ["durationSeconds"] = duration.TotalSeconds,
                ["warmupSeconds"] = options.Warmup.TotalSeconds, ["client"] = PartnerClientId, ["scope"] = TokenScope,
                ["tokenPath"] = TokenPath, ["pingPath"] = Requests.PingPath, ["credentials"] = credentialsPath,
                ["sliceSeconds"] = Slice.TotalSeconds,
            },
            Requests = tokens.Requests + anonymous.Requests + authenticated.Requests,
            Errors = errors,
            Throughput = tokens.OkThroughput,
            LatencyMs = tokens.LatencyMs,
            Counters = new()
            {
                ["tokens"] = tokens.Ok,
                ["tokensPerSecond"] = tokens.OkThroughput,
                ["authenticatedPingPerSecond"] = authenticated.OkThroughput,
                ["anonymousPingPerSecond"] = anonymous.OkThroughput,
                ["authenticatedShareOfAnonymous"] = Math.Round(share, 3),
                ["tokenAcceptedOnProtectedEndpoint"] = accepted,
            },
            Floors = new() { ["gatewayPingAnonymous"] = anonymous },
            Details = new()
            {
                ["clientCredentials"] = tokens,
                ["pingWithToken"] = authenticated,
                ["cpuMicrosecondsPerRequest"] = new Dictionary<string, object?>
                {
                    ["anonymous"] = MicrosecondsPerRequest(anonymous),
                    ["withToken"] = MicrosecondsPerRequest(authenticated),
                },
            },
            Targets = targets,
            Cpu = tokens.Cpu,
            Summary = summary,
        };
    }

    /// <summary>
    /// The same ping with and without the token, in alternating slices of <see cref="Slice"/> for <paramref name="each"/>
    /// each: whatever else the machine does in the meantime falls on both sides alike, which two long phases one after
    /// the other cannot promise on a shared box.
    /// </summary>
    private async Task<(PhaseResult Anonymous, PhaseResult Authenticated)> InterleavedAsync(HttpClient http, string bearer, TimeSpan each,
        CancellationToken ct)
    {
        var anonymous = new List<PhaseResult>();
        var authenticated = new List<PhaseResult>();
        var latencies = new[] { new ConcurrentQueue<double>(), new ConcurrentQueue<double>() };
        var slices = Math.Max(1, (int)Math.Round(each / Slice));
        for (var i = 0; i < 2 * slices && !ct.IsCancellationRequested; i++)
        {
            var withToken = i % 2 == 1;
            var kept = latencies[withToken ? 1 : 0];
            var slice = await HttpLoad.ClosedLoopAsync(withToken ? "ping with the partner's token" : "ping anonymous", Clients, Slice,
                TimeSpan.Zero, async token =>
                {
                    var start = Stopwatch.GetTimestamp();
                    var outcome = await PingAsync(http, withToken ? bearer : null, token);
                    if (outcome.Answered)
                    {
                        kept.Enqueue(HttpLoad.Milliseconds(start, Stopwatch.GetTimestamp()));
                    }

                    return outcome;
                }, cpu, ct);
            (withToken ? authenticated : anonymous).Add(slice);
        }

        return (Merge(anonymous, latencies[0]), Merge(authenticated, latencies[1]));
    }

    /// <summary>Slices of one side as one phase: counts and time added up, latency from every request, CPU weighted by time.</summary>
    private static PhaseResult Merge(List<PhaseResult> slices, IEnumerable<double> latencies)
    {
        var seconds = slices.Sum(s => s.Seconds);
        var counters = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var (key, count) in slices.SelectMany(s => s.Counters))
        {
            counters[key] = counters.GetValueOrDefault(key) + count;
        }

        var cores = new SortedDictionary<string, double>(StringComparer.Ordinal);
        foreach (var usage in slices.Select(s => s.Cpu).OfType<CpuUsage>())
        {
            foreach (var (part, value) in usage.Cores)
            {
                cores[part] = cores.GetValueOrDefault(part) + value * usage.Seconds;
            }
        }

        var cpuSeconds = slices.Sum(s => s.Cpu?.Seconds ?? 0);
        var cpu = cpuSeconds > 0
            ? new CpuUsage(Math.Round(cpuSeconds, 2), Math.Round(slices.Sum(s => (s.Cpu?.MachineBusyPercent ?? 0) * (s.Cpu?.Seconds ?? 0)) / cpuSeconds, 1),
                new SortedDictionary<string, double>(cores.ToDictionary(c => c.Key, c => Math.Round(c.Value / cpuSeconds, 2)), StringComparer.Ordinal))
            : null;
        var ok = slices.Sum(s => s.Ok);
        var answered = slices.Sum(s => s.Answered);
        return new PhaseResult(slices[0].Name, slices[0].Clients, Math.Round(seconds, 3), slices.Sum(s => s.Requests), answered, ok, counters,
            ErrorSummary.Merge(slices.Select(s => s.Errors)), Math.Round(answered / seconds, 1), Math.Round(ok / seconds, 1),
            LatencySummary.From(latencies), cpu);
    }

    /// <summary>CPU microseconds per answered request of each part of the system, from the phase's CPU split.</summary>
    private static SortedDictionary<string, double> MicrosecondsPerRequest(PhaseResult phase) =>
        phase.Cpu is { } cpu && phase.Answered > 0
            ? new(cpu.Cores.ToDictionary(c => c.Key, c => Math.Round(c.Value * cpu.Seconds / phase.Answered * 1e6)), StringComparer.Ordinal)
            : [];

    private static string PerRequest(PhaseResult phase)
    {
        var micros = MicrosecondsPerRequest(phase);
        return string.Create(Invariant, $"{micros.GetValueOrDefault("gateway"):0} µs + {micros.GetValueOrDefault("membership"):0} µs");
    }

    /// <summary>The development partner bank's secret, as the identity service wrote it at its first start.</summary>
    public static string PartnerSecret(string credentialsPath)
    {
        if (!File.Exists(credentialsPath))
        {
            throw new TokenException($"No {credentialsPath}: start the system in Development first, or pass --data-root as given to the AppHost (--Scop:DataRoot).");
        }

        using var json = JsonDocument.Parse(File.ReadAllText(credentialsPath));
        return json.RootElement.TryGetProperty("ClientSecrets", out var secrets)
               && secrets.TryGetProperty(PartnerClientId, out var value) && value.GetString() is { Length: > 0 } secret
            ? secret
            : throw new TokenException($"{credentialsPath} has no client secret for {PartnerClientId}.");
    }

    /// <summary>One client-credentials request; a 200 counts only with a JWT access token of type Bearer.</summary>
    public static async Task<(Outcome Outcome, string? Token)> RequestTokenAsync(HttpClient http, string secret, CancellationToken ct)
    {
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = PartnerClientId,
            ["client_secret"] = secret,
            ["scope"] = TokenScope,
        });
        using var response = await http.PostAsync(TokenPath, form, ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            return (Outcome.Status(response.StatusCode), null);
        }

        try
        {
            using var json = JsonDocument.Parse(body);
            var root = json.RootElement;
            var token = root.TryGetProperty("access_token", out var value) ? value.GetString() : null;
            if (token is null || token.Split('.').Length != 3)
            {
                return (Outcome.BadBody("no JWT access_token"), null);
            }

            return root.TryGetProperty("token_type", out var type) && string.Equals(type.GetString(), "Bearer", StringComparison.OrdinalIgnoreCase)
                ? (Outcome.Ok("tokens"), token)
                : (Outcome.BadBody("token_type is not Bearer"), null);
        }
        catch (JsonException)
        {
            return (Outcome.BadBody("not JSON"), null);
        }
    }

    private static async Task<Outcome> PingAsync(HttpClient http, string? bearer, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, Requests.PingPath);
        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        using var response = await http.SendAsync(request, ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            return Outcome.Status(response.StatusCode);
        }

        return body == "pong" ? Outcome.Ok("pong") : Outcome.BadBody("not pong");
    }

    /// <summary>The status a protected endpoint of membership answers with the token: "200" when the whole path accepts it.</summary>
    private static async Task<string> CheckAcceptedAsync(HttpClient http, string bearer, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, ProtectedPath);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        using var response = await http.SendAsync(request, ct);
        return ((int)response.StatusCode).ToString(Invariant);
    }

    private async Task<PhaseResult> Log(Task<PhaseResult> phase)
    {
        var result = await phase;
        progress.WriteLine($"[bench] {result.Line()}");
        return result;
    }

}
