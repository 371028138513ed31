using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Npgsql;
using Scop.Aspire.AppHost.Infrastructure;

namespace Scop.Aspire.Bench;

/// <summary>
/// <c>seed-fund-requests</c>: financing requests of the reprise watch's seed fund through the gateway, all on one
/// compartment, the case where they queue on one row. Sets up through the API a national compartment, a funder's
/// contribution and a takeover in financing, then (1) N clients (64) ask 1 € each of a compartment that holds plenty,
/// for requests/s beside <c>pgbench -N</c> in the same run; (2) the same clients race for the last euros of a
/// compartment that holds 1,000 €: exactly 1,000 requests must be accepted and the rest refused. Afterwards the
/// watch's database is read: no compartment may have committed more than it holds, nor other than the sum of its
/// requests' parts not refused.
/// </summary>
public sealed class SeedFundRequests(BenchOptions options, HttpClient http, CpuSampler cpu, TextWriter progress)
{
    public const long ScarceHolds = 1_000;

    private const string Prefix = "/api/reprise-watch";
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    private int Clients => options.ClientsOr(64);

    public async Task<ScenarioResult> RunAsync(CancellationToken ct)
    {
        var started = DateTimeOffset.UtcNow;
        var machine = MachineInfo.Current();
        var duration = options.DurationOr(TimeSpan.FromSeconds(20));
        progress.WriteLine($"[bench] pgbench floor ({options.PgbenchSeconds} s)...");
        var pgbench = await PgbenchFloor.RunAsync(options.Pg, options.PgbenchSeconds, cpu, ct);
        progress.WriteLine($"[bench] {pgbench.Line()}");

        progress.WriteLine("[bench] seed-fund-requests: a takeover in financing and two national compartments through the API...");
        var setup = Stopwatch.StartNew();
        var opportunity = await OpportunityInFinancingAsync(ct);
        var plenty = await CompartmentAsync(1_000_000_000, ct);
        var scarce = await CompartmentAsync(ScarceHolds, ct);
        progress.WriteLine(string.Create(Invariant, $"[bench] set up in {setup.Elapsed.TotalSeconds:0.#} s"));

        var plentyPhase = await Log(HttpLoad.ClosedLoopAsync("one-compartment", Clients, duration, options.Warmup,
            token => RequestAsync(opportunity, plenty, token), cpu, ct));
        var scarcePhase = await Log(HttpLoad.ClosedLoopAsync("last-euros", Clients, TimeSpan.FromSeconds(Math.Min(10, duration.TotalSeconds)),
            TimeSpan.Zero, token => RequestAsync(opportunity, scarce, token), cpu, ct));
        var check = await CheckDatabaseAsync([plenty, scarce], ct);
        var scarceAccepted = scarcePhase.Counters.GetValueOrDefault("committed");
        progress.WriteLine(string.Create(Invariant,
            $"[bench] database check: {check.Compartments} compartments, {check.OverCommitted} over-committed, {check.Mismatched} off their requests; the scarce one accepted {scarceAccepted} of {ScarceHolds} possible"));

        var fiveHundreds = new[] { plentyPhase, scarcePhase }.Sum(p => p.Errors.Breakdown.Where(e => e.Key.StartsWith('5')).Sum(e => e.Value));
        var pgTps = pgbench.Tps ?? 0;
        var share = pgTps > 0 ? plentyPhase.OkThroughput / pgTps : 0;
        var targets = new List<TargetCheck>
        {
            new("0 over-committed", check.OverCommitted.ToString(Invariant), check.OverCommitted == 0 && check.Mismatched == 0),
            new($"exactly {ScarceHolds} requests of 1 € accepted by a compartment of {ScarceHolds} €", scarceAccepted.ToString(Invariant),
                scarceAccepted == ScarceHolds),
            new("0 responses 5xx", fiveHundreds.ToString(Invariant), fiveHundreds == 0),
        };
        var summary = string.Create(Invariant,
            $"seed-fund-requests: {Clients} clients on one compartment: {plentyPhase.OkThroughput:0.#} requests/s, {plentyPhase.LatencyMs}; "
            + $"racing for the last {ScarceHolds} € of another: {scarceAccepted} accepted, {scarcePhase.Counters.GetValueOrDefault("refused")} refused, "
            + $"{scarcePhase.LatencyMs}. Floor: pgbench -N {pgTps:0.#} TPS; requests on one compartment reach {share:P1} of it. "
            + $"Database after the run: {check.OverCommitted} compartments over-committed, {check.Mismatched} off their requests; {fiveHundreds} responses 5xx.");
        return new ScenarioResult
        {
            Scenario = "seed-fund-requests",
            Machine = machine,
            Started = started,
            Ended = DateTimeOffset.UtcNow,
            Parameters = new Dictionary<string, object?>
            {
                ["gateway"] = options.Gateway.ToString(), ["clients"] = Clients, ["durationSeconds"] = duration.TotalSeconds,
                ["warmupSeconds"] = options.Warmup.TotalSeconds, ["scarceHolds"] = ScarceHolds, ["amountPerRequest"] = 1,
            },
            Requests = plentyPhase.Requests + scarcePhase.Requests,
            Errors = ErrorSummary.Merge([plentyPhase.Errors, scarcePhase.Errors]),
            Throughput = plentyPhase.OkThroughput,
            LatencyMs = plentyPhase.LatencyMs,
            Counters = new Dictionary<string, object?>
            {
                ["overCommitted"] = check.OverCommitted, ["compartmentsOffTheirRequests"] = check.Mismatched,
                ["scarceAccepted"] = scarceAccepted, ["responses5xx"] = fiveHundreds,
            },
            Floors = new() { ["pgbench"] = pgbench },
            Details = new() { ["oneCompartment"] = plentyPhase, ["lastEuros"] = scarcePhase },
            Targets = targets,
            Cpu = plentyPhase.Cpu,
            Summary = summary,
        };
    }

    private async Task<Outcome> RequestAsync(Guid opportunity, Guid compartment, CancellationToken ct)
    {
        var body = $$"""{"parts":[{"compartmentId":"{{compartment}}","amount":1}]}""";
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await http.PostAsync($"{Prefix}/opportunities/{opportunity}/financing-requests", content, ct);
        await response.Content.ReadAsStringAsync(ct);
        return response.StatusCode switch
        {
            HttpStatusCode.Created => Outcome.Ok("committed"),
            HttpStatusCode.Conflict => Outcome.Expected("refused"),
            var status => Outcome.Status(status),
        };
    }

    /// <summary>A company of Lyon reported and moved to financing by the bench's token (a confederation admin's).</summary>
    private async Task<Guid> OpportunityInFinancingAsync(CancellationToken ct)
    {
        var siren = new CooperativeFactory("seed-fund").Next().Siren;
        var opportunity = await SendAsync(HttpMethod.Post, $"{Prefix}/opportunities",
            $$"""{"siren":"{{siren}}","companyName":"Bench fonderie {{siren}}","nafCode":"25.62B","communeCode":"69123","headcount":23,"cause":"NoSuccessor"}""",
            HttpStatusCode.Created, ct);
        var today = DateTime.UtcNow.ToString("yyyy-MM-dd", Invariant);
        await SendAsync(HttpMethod.Post, $"{Prefix}/opportunities/{opportunity}/qualify", $$"""{"contactedOn":"{{today}}","jobsAtStake":18}""", HttpStatusCode.OK, ct);
        await SendAsync(HttpMethod.Post, $"{Prefix}/opportunities/{opportunity}/feasibility", "{}", HttpStatusCode.OK, ct);
        await SendAsync(HttpMethod.Post, $"{Prefix}/opportunities/{opportunity}/financing", """{"feasibilitySummary":"Banc d'essai."}""", HttpStatusCode.OK, ct);
        return opportunity;
    }

    private async Task<Guid> CompartmentAsync(long holds, CancellationToken ct)
    {
        var compartment = await SendAsync(HttpMethod.Post, $"{Prefix}/seed-fund/compartments",
            $$"""{"name":"Bench {{Guid.NewGuid():N}}","reach":"National"}""", HttpStatusCode.Created, ct);
        await SendAsync(HttpMethod.Post, $"{Prefix}/seed-fund/compartments/{compartment}/contributions",
            $$"""{"partnerCode":"bench-bank","kind":"Bank","funderName":"Banque du banc d'essai","amount":{{holds}}}""", HttpStatusCode.Created, ct);
        return compartment;
    }

    /// <summary>Sends a JSON request (with <c>If-Match: *</c>, which moves need), expects <paramref name="status"/>, returns the id answered.</summary>
    private async Task<Guid> SendAsync(HttpMethod method, string path, string json, HttpStatusCode status, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.TryAddWithoutValidation("If-Match", "*");
        using var response = await http.SendAsync(request, ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        if (response.StatusCode != status)
        {
            throw new InvalidOperationException($"{method} {path} answered {(int)response.StatusCode}: {body}");
        }

        using var document = JsonDocument.Parse(body);
        return document.RootElement.TryGetProperty("id", out var id) ? id.GetGuid() : Guid.Empty;
    }

    /// <summary>In the watch's database itself: compartments beyond what they hold, and commitments that disagree with the requests.</summary>
    private async Task<(long Compartments, long OverCommitted, long Mismatched)> CheckDatabaseAsync(Guid[] compartments, CancellationToken ct)
    {
        await using var db = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(options.Pg) { Database = DatabaseNames.RepriseWatch }.ConnectionString);
        await db.OpenAsync(ct);
        await using var command = new NpgsqlCommand(
            """
            WITH parts AS (
                SELECT c.id, c.holds, c.committed,
                       coalesce((SELECT sum(p.amount) FROM financing_parts p JOIN financing_requests r ON r.id = p.request_id
                                 WHERE p.compartment_id = c.id AND r.status <> 'Refused'), 0) AS requested
                FROM fund_compartments c WHERE c.id = ANY(@ids))
            SELECT count(*), count(*) FILTER (WHERE committed > holds), count(*) FILTER (WHERE committed <> requested) FROM parts
            """, db);
        command.Parameters.Add(new NpgsqlParameter<Guid[]>("ids", compartments));
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
    }

    private async Task<PhaseResult> Log(Task<PhaseResult> phase)
    {
        var result = await phase;
        progress.WriteLine($"[bench] {result.Line()}");
        return result;
    }
}
