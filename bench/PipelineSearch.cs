using System.Globalization;
using System.Text.Json;

namespace Scop.Aspire.Bench;

/// <summary>
/// <c>pipeline-search</c>: N clients (32) read the reprise watch's pipeline through the gateway
/// (<c>GET /api/reprise-watch/opportunities</c>) on its demo data (10,000 opportunities), as staff: plain paging, a
/// stage, a regional union and stage (a delegate's board), a cause, the stale ones, a NAF division, a word of a company
/// name, a SIREN. Every answer is checked: 200, a page no larger than asked, every item inside the filters sent. Floor:
/// a short gateway ping with the same clients in the same run.
/// </summary>
public sealed class PipelineSearch(BenchOptions options, HttpClient http, Scenarios scenarios, CpuSampler cpu, TextWriter progress)
{
    public const double TargetP95Ms = 50;
    public const int DemoOpportunities = 10_000;
    public const string Path = "/api/reprise-watch/opportunities";

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>Words of the demo watch's company names (trades and family names, with and without accents), and a miss.</summary>
    private static readonly string[] NameTerms =
    [
        "menuiserie", "Imprimerie", "boulangerie", "transports", "electricite", "durand", "Moreau", "fils", "charpente",
        "bureau", "paysage", "mécanique", "zzq",
    ];

    private static readonly string[] Unions =
    [
        "urscop-idf", "urscop-bfc", "urscop-ouest", "urscop-hdf", "urscop-grand-est", "urscop-nouvelle-aquitaine",
        "urscop-occitanie", "urscop-aura", "urscop-paca",
    ];

    private static readonly string[] Stages = ["Reported", "Qualified", "Feasibility", "Financing", "Converted", "Lost"];
    private static readonly string[] Causes = ["OwnerRetiring", "NoSuccessor", "Receivership", "GroupSellingSite", "Other"];
    private static readonly string[] Divisions = ["43", "18", "10", "49", "56", "25"];

    private sealed record QueryKind(string Name, int Weight, Func<Random, Query> Make);

    private sealed record Query(string Kind, string Url, int PageSize, string? Stage = null, string? Union = null, string? Cause = null,
        bool Stale = false, string? Division = null, string? Siren = null);

    private static readonly QueryKind[] Mix =
    [
        new("list", 15, r => Make(new("list", "", 0), r, page: 1 + r.Next(20))),
        new("stage", 15, r => Make(new("stage", "", 0, Stage: Pick(r, Stages)), r, page: 1 + r.Next(3))),
        new("union+stage", 20, r => Make(new("union+stage", "", 0, Stage: Pick(r, Stages), Union: Pick(r, Unions)), r)),
        new("cause", 5, r => Make(new("cause", "", 0, Cause: Pick(r, Causes)), r)),
        new("stale", 5, r => Make(new("stale", "", 0, Stale: true), r)),
        new("division", 5, r => Make(new("division", "", 0, Division: Pick(r, Divisions)), r)),
        new("name", 25, r => Make(new("name", "", 0), r, q: Pick(r, NameTerms))),
        new("siren", 10, r => Make(new("siren", "", 0, Siren: DemoSiren(r.Next(DemoOpportunities))), r)),
    ];

    private int Clients => options.ClientsOr(32);

    public async Task<ScenarioResult> RunAsync(CancellationToken ct)
    {
        var started = DateTimeOffset.UtcNow;
        var machine = MachineInfo.Current();
        var duration = options.DurationOr(TimeSpan.FromSeconds(20));
        var watch = await CheckDemoDataAsync(ct);
        progress.WriteLine($"[bench] pipeline-search: {watch.Opportunities} opportunities in the watch, {watch.Demo} of them from seed-demo");

        var gatewayFloor = await scenarios.GatewayPingAsync("gateway-floor (short)", Clients, options.FloorDuration, options.Warmup, ct);
        progress.WriteLine($"[bench] pipeline-search: {Clients} clients x {duration.TotalSeconds:0.#} s of mixed reads on GET {Path}...");
        var (search, kinds) = await HttpLoad.ClosedLoopByKindAsync("pipeline-search", Clients, duration, options.Warmup, () =>
        {
            var query = Next();
            return (query.Kind, token => ReadAsync(query, token));
        }, cpu, ct);
        progress.WriteLine($"[bench] {search.Line()}");

        var targets = new List<TargetCheck>
        {
            new(string.Create(Invariant, $"pipeline-search p95 < {TargetP95Ms:0} ms with {Clients} clients on {DemoOpportunities:N0} opportunities, 0 errors, every item inside its filters"),
                string.Create(Invariant, $"p95 {search.LatencyMs.P95:0.#} ms at {search.OkThroughput:0.#} reads/s, {search.Errors.Total} errors{search.Errors.Detail}"),
                search.Ok > 0 && search.LatencyMs.P95 < TargetP95Ms && search.Errors.Total == 0),
        };
        var summary = string.Create(Invariant,
            $"pipeline-search: {Clients} clients x {search.Seconds:0.#} s on {watch.Opportunities} opportunities: {search.OkThroughput:0.#} reads/s, "
            + $"{search.LatencyMs}, {search.Errors.Total} errors{search.Errors.Detail}. Floor: the gateway ping with the same clients "
            + $"{gatewayFloor.OkThroughput:0.#} req/s ({gatewayFloor.LatencyMs}).");
        return new ScenarioResult
        {
            Scenario = "pipeline-search",
            Machine = machine,
            Started = started,
            Ended = DateTimeOffset.UtcNow,
            Parameters = new Dictionary<string, object?>
            {
                ["gateway"] = options.Gateway.ToString(), ["clients"] = Clients, ["durationSeconds"] = duration.TotalSeconds,
                ["warmupSeconds"] = options.Warmup.TotalSeconds, ["path"] = Path, ["mix"] = Mix.ToDictionary(k => k.Name, k => k.Weight),
                ["opportunitiesInWatch"] = watch.Opportunities, ["demoOpportunities"] = watch.Demo,
            },
            Requests = search.Requests,
            Errors = search.Errors,
            Throughput = search.OkThroughput,
            LatencyMs = search.LatencyMs,
            Counters = search.Counters.ToDictionary(c => c.Key, c => (object?)c.Value),
            Floors = new() { ["gatewayFloor"] = gatewayFloor },
            Details = new() { ["latencyByKindMs"] = kinds },
            Targets = targets,
            Cpu = search.Cpu,
            Summary = summary,
        };
    }

    /// <summary>The demo watch's SIRENs (its <c>SeedDemo.SirenOf</c>): 8 digits from 80000000 and their Luhn key.</summary>
    private static string DemoSiren(int index)
    {
        var digits = (80_000_000 + index).ToString("D8", Invariant);
        return digits + CooperativeFactory.LuhnKey(digits);
    }

    private static Query Next()
    {
        var random = Random.Shared;
        var roll = random.Next(Mix.Sum(k => k.Weight));
        foreach (var kind in Mix)
        {
            if ((roll -= kind.Weight) < 0)
            {
                return kind.Make(random);
            }
        }

        return Mix[0].Make(random);
    }

    private static Query Make(Query shape, Random random, int page = 1, string? q = null)
    {
        var pageSize = random.Next(4) == 0 ? 50 : 20;
        var query = new List<string> { $"page={page}", $"pageSize={pageSize}" };
        void Add(string key, string? value)
        {
            if (value is not null)
            {
                query.Add($"{key}={Uri.EscapeDataString(value)}");
            }
        }

        Add("stage", shape.Stage);
        Add("regionalUnion", shape.Union);
        Add("cause", shape.Cause);
        Add("stale", shape.Stale ? "true" : null);
        Add("nafDivision", shape.Division);
        Add("q", q ?? shape.Siren);
        return shape with { Url = $"{Path}?{string.Join('&', query)}", PageSize = pageSize };
    }

    private static string Pick(Random random, string[] values) => values[random.Next(values.Length)];

    /// <summary>One read; ok only if the page is no larger than asked and every item is inside the filters.</summary>
    private Task<Outcome> ReadAsync(Query query, CancellationToken ct) => CheckedRead.GetAsync(http, query.Url, root =>
    {
        if (!CheckedRead.TryPage(root, out var items, out var count))
        {
            return Outcome.BadBody("no items or totalCount");
        }

        if (items.GetArrayLength() > query.PageSize)
        {
            return Outcome.BadBody("page larger than asked");
        }

        if (query.Siren is not null && count != 1)
        {
            return Outcome.BadBody("a demo SIREN not found once");
        }

        return items.EnumerateArray().All(item => Inside(item, query)) ? Outcome.Ok(query.Kind) : Outcome.BadBody("item outside the filters");
    }, ct);

    private static bool Inside(JsonElement item, Query query) =>
        (query.Stage is null || item.GetProperty("stage").GetString() == query.Stage)
        && (query.Union is null || item.GetProperty("regionalUnion").GetString() == query.Union)
        && (query.Cause is null || item.GetProperty("cause").GetString() == query.Cause)
        && (!query.Stale || item.GetProperty("staleSince").ValueKind == JsonValueKind.String)
        && (query.Division is null || item.GetProperty("nafCode").GetString()!.StartsWith(query.Division + ".", StringComparison.Ordinal))
        && (query.Siren is null || item.GetProperty("siren").GetString() == query.Siren);

    /// <summary>The demo watch must be there (read-only check in the watch's database), at the size the target is set for.</summary>
    private async Task<(long Opportunities, long Demo)> CheckDemoDataAsync(CancellationToken ct)
    {
        var (opportunities, demo) = await DemoDataCount.ReadAsync(options, "reprisewatch", "opportunities", "800000000", "810000000", ct);
        if (demo < DemoOpportunities)
        {
            var target = DemoDataCount.ConnectionTo(options, "reprisewatch");
            var register = DemoDataCount.ConnectionTo(options, "membership");
            throw new BenchSetupException(
                $"The watch holds {demo} of the {DemoOpportunities} demo opportunities. Load the demo data into the system under test first:"
                + Environment.NewLine
                + $"  dotnet run --project services/Membership -- seed-demo \"--ConnectionStrings:membershipdb={register}\""
                + Environment.NewLine
                + $"  dotnet run --project services/RepriseWatch -- seed-demo --opportunities {DemoOpportunities} "
                + $"\"--ConnectionStrings:reprisewatchdb={target}\" \"--ConnectionStrings:membershipdb={register}\"");
        }

        return (opportunities, demo);
    }

}
