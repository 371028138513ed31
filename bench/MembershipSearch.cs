using System.Globalization;
using System.Text.Json;

namespace Scop.Aspire.Bench;

/// <summary>
/// <c>membership-search</c>: N clients (32) search and list the register through the gateway
/// (<c>GET /api/membership/cooperatives</c>) on the demo data, with a mix of the queries people make — a word of a name,
/// a regional union, a NAF division or sub-class, a legal form, combinations of them, and plain paging through the
/// register, deep pages included. Every answer is checked: 200, a page no larger than asked, and every item inside
/// the filters sent. Then registration throughput in the same run, beside <c>pgbench -N</c> (the register-cooperative
/// phase, as it is). Floors: a short gateway ping and pgbench of the same run.
/// </summary>
public sealed class MembershipSearch(BenchOptions options, HttpClient http, Scenarios scenarios, CpuSampler cpu, TextWriter progress)
{
    public const double TargetP95Ms = 50;
    public const int DemoCooperatives = 1_600;

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>Words people type: parts of the demo register's names (with and without capitals or accents), and a miss.</summary>
    private static readonly string[] NameTerms =
    [
        "atelier", "Fabrique", "bois", "numérique", "horizon", "menuiserie", "solidaire", "transports", "imprimerie",
        "avenir", "compagnons", "énergie", "coop", "Terre", "chantier", "paysage", "zzq",
    ];

    private static readonly string[] Unions =
    [
        "urscop-idf", "urscop-bfc", "urscop-ouest", "urscop-hdf", "urscop-grand-est", "urscop-nouvelle-aquitaine",
        "urscop-occitanie", "urscop-aura", "urscop-paca",
    ];

    private static readonly string[] Divisions = ["43", "62", "56", "71", "88", "85", "49"];
    private static readonly string[] SubClasses = ["43.21A", "62.01Z", "85.59A", "56.10A", "71.12B"];
    private static readonly string[] LegalForms = ["SCOP", "SCIC", "CAE"];

    /// <summary>One kind of query and its share of the mix (weights add up to 100).</summary>
    private sealed record QueryKind(string Name, int Weight, Func<Random, Query> Make);

    private sealed record Query(string Kind, string Url, int PageSize, string? Name, string? Union, string? Sector, string? LegalForm);

    private static readonly QueryKind[] Mix =
    [
        new("name", 25, r => Make("name", r, name: Pick(r, NameTerms))),
        new("list", 15, r => Make("list", r, page: 1 + r.Next(20))),
        new("union", 15, r => Make("union", r, union: Pick(r, Unions), page: 1 + r.Next(3))),
        new("sector-division", 10, r => Make("sector-division", r, sector: Pick(r, Divisions))),
        new("sector-subclass", 5, r => Make("sector-subclass", r, sector: Pick(r, SubClasses))),
        new("union+sector", 10, r => Make("union+sector", r, union: Pick(r, Unions), sector: Pick(r, Divisions))),
        new("union+legal-form", 10, r => Make("union+legal-form", r, union: Pick(r, Unions), legalForm: Pick(r, LegalForms))),
        new("name+legal-form", 10, r => Make("name+legal-form", r, name: Pick(r, NameTerms), legalForm: Pick(r, LegalForms))),
    ];

    private int Clients => options.ClientsOr(32);

    public async Task<ScenarioResult> RunAsync(CancellationToken ct)
    {
        var started = DateTimeOffset.UtcNow;
        var machine = MachineInfo.Current();
        var duration = options.DurationOr(TimeSpan.FromSeconds(20));
        var register = await CheckDemoDataAsync(ct);
        progress.WriteLine($"[bench] membership-search: {register.Cooperatives} cooperatives in the register, {register.Demo} of them from seed-demo");

        var pgbench = await scenarios.PgbenchAsync(ct);
        var gatewayFloor = await scenarios.GatewayPingAsync("gateway-floor (short)", Clients, options.FloorDuration, options.Warmup, ct);

        progress.WriteLine($"[bench] membership-search: {Clients} clients x {duration.TotalSeconds:0.#} s of mixed searches on GET {Requests.RegisterPath}...");
        var (search, kinds) = await HttpLoad.ClosedLoopByKindAsync("membership-search", Clients, duration, options.Warmup, () =>
        {
            var query = Next();
            return (query.Kind, token => SearchAsync(query, token));
        }, cpu, ct);
        progress.WriteLine($"[bench] {search.Line()}");

        // Registration beside pgbench -N, measured after the searches so its outbox traffic does not run under them.
        var registration = await scenarios.RegisterCooperativeAsync(pgbench, gatewayFloor, ct);

        var targets = new List<TargetCheck>
        {
            new(string.Create(Invariant, $"membership-search p95 < {TargetP95Ms:0} ms with {Clients} clients, 0 errors, every item inside its filters"),
                string.Create(Invariant, $"p95 {search.LatencyMs.P95:0.#} ms at {search.OkThroughput:0.#} searches/s, {search.Errors.Total} errors{search.Errors.Detail}"),
                search.Ok > 0 && search.LatencyMs.P95 < TargetP95Ms && search.Errors.Total == 0),
        };
        targets.AddRange(registration.Targets ?? []);

        var summary = string.Create(Invariant,
            $"membership-search: {Clients} clients x {search.Seconds:0.#} s on {register.Cooperatives} cooperatives: {search.OkThroughput:0.#} searches/s, "
            + $"{search.LatencyMs}, {search.Errors.Total} errors{search.Errors.Detail}. Floor: the gateway ping with the same clients "
            + $"{gatewayFloor.OkThroughput:0.#} req/s ({gatewayFloor.LatencyMs}). {registration.Summary}");
        return new ScenarioResult
        {
            Scenario = "membership-search",
            Machine = machine,
            Started = started,
            Ended = DateTimeOffset.UtcNow,
            Parameters = new Dictionary<string, object?>
            {
                ["gateway"] = options.Gateway.ToString(), ["clients"] = Clients, ["durationSeconds"] = duration.TotalSeconds,
                ["warmupSeconds"] = options.Warmup.TotalSeconds, ["path"] = Requests.RegisterPath,
                ["mix"] = Mix.ToDictionary(k => k.Name, k => k.Weight),
                ["cooperativesInRegister"] = register.Cooperatives, ["demoCooperatives"] = register.Demo,
            },
            Requests = search.Requests,
            Errors = search.Errors,
            Throughput = search.OkThroughput,
            LatencyMs = search.LatencyMs,
            Counters = search.Counters.ToDictionary(c => c.Key, c => (object?)c.Value),
            Floors = new() { ["gatewayFloor"] = gatewayFloor, ["pgbench"] = pgbench },
            Details = new() { ["latencyByKindMs"] = kinds, ["registration"] = registration },
            Targets = targets,
            Cpu = search.Cpu,
            Summary = summary,
        };
    }

    private Query Next()
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

    private static Query Make(string kind, Random random, string? name = null, string? union = null, string? sector = null,
        string? legalForm = null, int page = 1)
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

        Add("name", name);
        Add("union", union);
        Add("sector", sector);
        Add("legalForm", legalForm);
        return new Query(kind, $"{Requests.RegisterPath}?{string.Join('&', query)}", pageSize, name, union, sector, legalForm);
    }

    private static string Pick(Random random, string[] values) => values[random.Next(values.Length)];

    /// <summary>One search; ok only if the page is no larger than asked and every item is inside the filters.</summary>
    private Task<Outcome> SearchAsync(Query query, CancellationToken ct) => CheckedRead.GetAsync(http, query.Url, root =>
    {
        if (!CheckedRead.TryPage(root, out var items, out _))
        {
            return Outcome.BadBody("no items or totalCount");
        }

        if (items.GetArrayLength() > query.PageSize)
        {
            return Outcome.BadBody("page larger than asked");
        }

        return items.EnumerateArray().All(item => Inside(item, query)) ? Outcome.Ok(query.Kind) : Outcome.BadBody("item outside the filters");
    }, ct);

    private static bool Inside(JsonElement item, Query query) =>
        (query.Name is null || ContainsIgnoringCaseAndAccents(item.GetProperty("name").GetString()!, query.Name))
        && (query.Union is null || item.GetProperty("regionalUnion").GetString() == query.Union)
        && (query.LegalForm is null || string.Equals(item.GetProperty("legalForm").GetString(), query.LegalForm, StringComparison.OrdinalIgnoreCase))
        && (query.Sector is null || (query.Sector.Length == 2
            ? item.GetProperty("nafCode").GetString()!.StartsWith(query.Sector + ".", StringComparison.Ordinal)
            : item.GetProperty("nafCode").GetString() == query.Sector));

    /// <summary>The search's own promise: capitals and accents do not matter ("energie" finds "Énergie").</summary>
    private static bool ContainsIgnoringCaseAndAccents(string name, string words) =>
        CultureInfo.InvariantCulture.CompareInfo.IndexOf(name, words, CompareOptions.IgnoreCase | CompareOptions.IgnoreNonSpace) >= 0;

    /// <summary>
    /// The demo register must be there (read-only check in the membership database): the figures mean little on an
    /// almost empty table.
    /// </summary>
    private async Task<(long Cooperatives, long Demo)> CheckDemoDataAsync(CancellationToken ct)
    {
        // seed-demo gives its cooperatives the SIRENs 90000000x to 90001599x.
        var (cooperatives, demo) = await DemoDataCount.ReadAsync(options, "membership", "cooperatives", "900000000", "900016000", ct);
        if (demo < DemoCooperatives)
        {
            var target = DemoDataCount.ConnectionTo(options, "membership");
            throw new BenchSetupException(
                $"The membership register holds {demo} of the {DemoCooperatives} demo cooperatives. Load the demo data into the system under test first:"
                + Environment.NewLine
                + $"  dotnet run --project services/Membership -- seed-demo \"--ConnectionStrings:membershipdb={target}\"");
        }

        return (cooperatives, demo);
    }

}

/// <summary>The system is up but not ready for a scenario (e.g. its data is missing); the message says what to do.</summary>
public sealed class BenchSetupException(string message) : Exception(message);
