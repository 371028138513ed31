using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Npgsql;

namespace Scop.Aspire.Bench;

/// <summary>
/// <c>ambassade-search</c>, on the demo Ambassades (ambassadors' <c>seed-demo --ambassades 1600</c>: every cooperative of
/// the demo register labelled). First N clients (32) ask for the nearest Ambassades through the gateway
/// (<c>GET /api/ambassadors/directory/nearest</c>, anonymous) from a commune, a postcode or a point, some with a sector:
/// every answer checked (200, as many as asked unless a sector narrows them, nearest first, the sector kept). Then
/// enquiries sent to "the nearest" by a few clients, each with its two deadline timers armed in the service's outbox,
/// counted in its database afterwards. Floor: a short gateway ping with the same clients in the same run.
/// </summary>
public sealed class AmbassadeSearch(BenchOptions options, HttpClient http, Scenarios scenarios, CpuSampler cpu, TextWriter progress)
{
    public const double TargetP95Ms = 30;
    public const int DemoLabelled = 1_600;
    public const string NearestPath = "/api/ambassadors/directory/nearest";
    public const string EnquiriesPath = "/api/ambassadors/enquiries";
    public const int EnquiryClients = 4;

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>Communes of every size, from the largest cities to prefectures of a few thousand, Corsica and overseas.</summary>
    private static readonly string[] Communes =
    [
        "75056", "13055", "69123", "31555", "06088", "44109", "67482", "34172", "33063", "59350", "35238", "51454", "42218",
        "76351", "83137", "38185", "21231", "49007", "30189", "63113", "29019", "87085", "37261", "80021", "57463", "25056",
        "66136", "45234", "14118", "2A004", "2B033", "97411", "97209", "97302", "97120", "15014", "23096", "48095", "09122", "04070",
    ];

    private static readonly string[] Postcodes = ["75011", "69003", "13001", "44000", "35000", "33000", "31000", "59000", "67000", "29200"];

    private static readonly string[] Sectors = ["43", "62", "71", "56", "10", "88"];

    private sealed record Query(string Kind, string Url, int Limit, string? Sector);

    private int Clients => options.ClientsOr(32);

    public async Task<ScenarioResult> RunAsync(CancellationToken ct)
    {
        var started = DateTimeOffset.UtcNow;
        var machine = MachineInfo.Current();
        var duration = options.DurationOr(TimeSpan.FromSeconds(20));
        var labelled = await LabelledAsync(ct);
        progress.WriteLine($"[bench] ambassade-search: {labelled} labelled Ambassades");
        if (labelled < DemoLabelled)
        {
            throw new BenchSetupException(
                $"The service holds {labelled} labelled Ambassades, not the {DemoLabelled} the target is set for. Load the demo data first:"
                + Environment.NewLine
                + $"  dotnet run --project services/Membership -- seed-demo \"--ConnectionStrings:membershipdb={DemoDataCount.ConnectionTo(options, "membership")}\""
                + Environment.NewLine
                + $"  dotnet run --project services/Ambassadors -- seed-demo --ambassades {DemoLabelled} "
                + $"\"--ConnectionStrings:ambassadorsdb={DemoDataCount.ConnectionTo(options, "ambassadors")}\" "
                + $"\"--ConnectionStrings:membershipdb={DemoDataCount.ConnectionTo(options, "membership")}\"");
        }

        var gatewayFloor = await scenarios.GatewayPingAsync("gateway-floor (short)", Clients, options.FloorDuration, options.Warmup, ct);
        progress.WriteLine($"[bench] ambassade-search: {Clients} clients x {duration.TotalSeconds:0.#} s of nearest searches on GET {NearestPath}...");
        var (search, kinds) = await HttpLoad.ClosedLoopByKindAsync("nearest", Clients, duration, options.Warmup, () =>
        {
            var query = Next(Random.Shared);
            return (query.Kind, token => SearchAsync(query, token));
        }, cpu, ct);
        progress.WriteLine($"[bench] {search.Line()}");

        var run = Guid.NewGuid().ToString("N")[..12];
        progress.WriteLine($"[bench] ambassade-search: {EnquiryClients} clients x {duration.TotalSeconds:0.#} s of enquiries to the nearest on POST {EnquiriesPath}...");
        long created = 0; // the warm-up's too: every enquiry answered 201 must be stored
        var enquiries = await HttpLoad.ClosedLoopAsync("enquiries", EnquiryClients, duration, options.Warmup, async token =>
        {
            var outcome = await SendEnquiryAsync(run, token);
            if (outcome.Kind == OutcomeKind.Ok)
            {
                Interlocked.Increment(ref created);
            }

            return outcome;
        }, cpu, ct);
        progress.WriteLine($"[bench] {enquiries.Line()}");
        var (stored, timers) = await EnquiriesOfRunAsync(run, ct);

        var targets = new List<TargetCheck>
        {
            new(string.Create(Invariant, $"nearest p95 < {TargetP95Ms:0} ms with {Clients} clients over {DemoLabelled:N0} labelled Ambassades, 0 errors, every answer nearest first"),
                string.Create(Invariant, $"p95 {search.LatencyMs.P95:0.#} ms at {search.OkThroughput:0.#} searches/s, {search.Errors.Total} errors{search.Errors.Detail}"),
                search.Ok > 0 && search.LatencyMs.P95 < TargetP95Ms && search.Errors.Total == 0),
            new("every enquiry answered 201 is stored with its two deadline timers armed",
                string.Create(Invariant, $"{created} answered 201 (warm-up included), {stored} stored, {timers} timers armed; {enquiries.Errors.Total} errors{enquiries.Errors.Detail}"),
                created > 0 && stored == created && timers == 2 * stored && enquiries.Errors.Total == 0),
        };
        var summary = string.Create(Invariant,
            $"ambassade-search: {Clients} clients x {search.Seconds:0.#} s over {labelled} labelled Ambassades: {search.OkThroughput:0.#} nearest searches/s, "
            + $"{search.LatencyMs}, {search.Errors.Total} errors{search.Errors.Detail}; enquiries: {EnquiryClients} clients {enquiries.OkThroughput:0.#}/s "
            + $"({enquiries.LatencyMs}), {stored} stored with {timers} timers. Floor: the gateway ping with the same clients "
            + $"{gatewayFloor.OkThroughput:0.#} req/s ({gatewayFloor.LatencyMs}).");
        return new ScenarioResult
        {
            Scenario = "ambassade-search",
            Machine = machine,
            Started = started,
            Ended = DateTimeOffset.UtcNow,
            Parameters = new Dictionary<string, object?>
            {
                ["gateway"] = options.Gateway.ToString(), ["clients"] = Clients, ["enquiryClients"] = EnquiryClients,
                ["durationSeconds"] = duration.TotalSeconds, ["warmupSeconds"] = options.Warmup.TotalSeconds,
                ["labelledAmbassades"] = labelled, ["run"] = run,
            },
            Requests = search.Requests,
            Errors = search.Errors,
            Throughput = search.OkThroughput,
            LatencyMs = search.LatencyMs,
            Counters = search.Counters.ToDictionary(c => c.Key, c => (object?)c.Value),
            Floors = new() { ["gatewayFloor"] = gatewayFloor },
            Details = new()
            {
                ["latencyByKindMs"] = kinds,
                ["enquiries"] = enquiries,
                ["enquiriesAnswered201"] = created,
                ["enquiriesStored"] = stored,
                ["enquiryTimersArmed"] = timers,
            },
            Targets = targets,
            Cpu = search.Cpu,
            Summary = summary,
        };
    }

    private static Query Next(Random random)
    {
        var limit = random.Next(3) switch { 0 => 5, 1 => 10, _ => 20 };
        var sector = random.Next(4) == 0 ? Sectors[random.Next(Sectors.Length)] : null;
        var (kind, origin) = random.Next(10) switch
        {
            < 6 => ("commune", $"communeCode={Communes[random.Next(Communes.Length)]}"),
            < 8 => ("postcode", $"postcode={Postcodes[random.Next(Postcodes.Length)]}"),
            // A phone's position somewhere in mainland France.
            _ => ("point", string.Create(Invariant, $"latitude={42.5 + random.NextDouble() * 8:0.#####}&longitude={-1.5 + random.NextDouble() * 8:0.#####}")),
        };
        return new Query(sector is null ? kind : kind + "+sector",
            $"{NearestPath}?{origin}&limit={limit}{(sector is null ? "" : $"&sector={sector}")}", limit, sector);
    }

    /// <summary>One search; ok only if it answers as many as asked (unless a sector narrows them), nearest first, the sector kept.</summary>
    private Task<Outcome> SearchAsync(Query query, CancellationToken ct) => CheckedRead.GetAsync(http, query.Url, root =>
    {
        var items = root.GetProperty("items");
        var count = items.GetArrayLength();
        if (count > query.Limit || (query.Sector is null && count != query.Limit) || count == 0)
        {
            return Outcome.BadBody("not as many as asked");
        }

        var previous = 0.0;
        foreach (var item in items.EnumerateArray())
        {
            var distance = item.GetProperty("distanceKm").GetDouble();
            if (distance < previous - 1e-6)
            {
                return Outcome.BadBody("not nearest first");
            }

            if (query.Sector is not null && !item.GetProperty("nafCode").GetString()!.StartsWith(query.Sector, StringComparison.Ordinal))
            {
                return Outcome.BadBody("outside the sector");
            }

            previous = distance;
        }

        return Outcome.Ok(query.Kind);
    }, ct);

    private async Task<Outcome> SendEnquiryAsync(string run, CancellationToken ct)
    {
        var random = Random.Shared;
        using var response = await http.PostAsJsonAsync(EnquiriesPath, new
        {
            ambassade = "nearest",
            project = $"bench {run}: reprise d'un atelier de menuiserie par ses six salariés, en SCOP.",
            sector = Sectors[random.Next(Sectors.Length)],
            communeCode = Communes[random.Next(Communes.Length)],
            email = $"porteur.{random.Next(100_000)}@example.org",
            consentToContact = true,
        }, ct);
        return response.StatusCode == HttpStatusCode.Created ? Outcome.Ok("created") : Outcome.Status(response.StatusCode);
    }

    private Task<long> LabelledAsync(CancellationToken ct) =>
        ScalarAsync("SELECT count(*) FROM ambassades WHERE status = 'Labelled'", null, ct);

    /// <summary>The run's enquiries in the service's database, and their deadline timers waiting in its outbox.</summary>
    private async Task<(long Stored, long Timers)> EnquiriesOfRunAsync(string run, CancellationToken ct) => (
        await ScalarAsync("SELECT count(*) FROM enquiries WHERE project LIKE @run", $"bench {run}:%", ct),
        await ScalarAsync(
            """
            SELECT count(*) FROM outbox_messages o JOIN enquiries e ON o.body->>'enquiryId' = e.id::text
            WHERE o.message_type LIKE '%EnquiryDeadlineDue%' AND o.sent_at IS NULL AND e.project LIKE @run
            """, $"bench {run}:%", ct));

    private Task<long> ScalarAsync(string sql, string? run, CancellationToken ct) =>
        DemoDataCount.ScalarAsync(options, "ambassadors", sql, run, ct);
}
