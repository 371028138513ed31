using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;

namespace Scop.Aspire.Bench;

/// <summary>
/// <c>portal</c>, on the demo portal (portal's <c>seed-demo --items 50000</c>): through the gateway, with N clients (32),
/// first a cached public page (a published item, <c>GET /api/portal/sites/{slug}/items/{item}</c>, anonymous, from the
/// page cache in Redis) against the gateway ping's throughput; then French searches (<c>GET /api/portal/search</c>: plain
/// words, plurals, words without their accents, a typo, some with a facet), every answer checked; then the front-ends'
/// visit beacons (<c>POST /api/portal/visits</c>) offered at a fixed rate (2,000/s) to a site of the run, from
/// simulated visitors told apart by their user agent, and the site's statistics read once the portal has flushed its
/// counters to PostgreSQL: page views exactly the beacons accepted, unique visitors within 2 % of the visitors sent.
/// Floor: a short gateway ping with the same clients in the same run.
/// </summary>
public sealed class PortalReads(BenchOptions options, HttpClient http, Scenarios scenarios, CpuSampler cpu, TextWriter progress)
{
    public const int DemoItems = 50_000;
    public const double SearchTargetP95Ms = 50;
    public const double CachedPageShareOfFloor = 0.5;
    public const double BeaconRate = 2_000;
    public const double UniqueVisitorsTolerance = 0.02;

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>What people type: words of the demo's sectors and themes, plurals, without accents, with a typo.</summary>
    private static readonly (string Kind, string Query)[] Searches =
    [
        ("word", "coopérative"), ("word", "reprise"), ("word", "menuiserie"), ("word", "imprimerie"), ("word", "restauration"),
        ("word", "agriculture"), ("word", "édition"), ("plural", "coopératives"), ("plural", "salariés"), ("plural", "machines"),
        ("unaccented", "cooperative"), ("unaccented", "batiments"), ("unaccented", "ingenierie"), ("typo", "menuserie"),
        ("typo", "cooperatve"), ("phrase", "reprise par les salariés"), ("phrase", "travail du bois"),
    ];

    /// <summary>Words of the demo's content, drawn two by two for searches the cache has not seen.</summary>
    private static readonly string[] Vocabulary =
    [
        "coopérative", "reprise", "salariés", "menuiserie", "imprimerie", "restauration", "agriculture", "édition", "machines",
        "bâtiments", "ingénierie", "construction", "travaux", "conseil", "gestion", "publicité", "fabrication", "réparation",
        "formation", "transports", "paysage", "design", "commerce", "bois", "artistiques", "alimentaires", "informatiques",
        "transmission", "financement", "emplois", "territoire", "associés", "dirigeant", "atelier", "Lyon", "Nantes", "Rennes",
    ];

    private static readonly string[] Regions = ["urscop-aura", "urscop-idf", "urscop-ouest", "urscop-occitanie", "urscop-paca"];

    private int Clients => options.ClientsOr(32);

    public async Task<ScenarioResult> RunAsync(CancellationToken ct)
    {
        var started = DateTimeOffset.UtcNow;
        var machine = MachineInfo.Current();
        var duration = options.DurationOr(TimeSpan.FromSeconds(20));
        var published = await ScalarAsync("SELECT count(*) FROM items WHERE status = 'Published'", ct);
        progress.WriteLine($"[bench] portal: {published} published items");
        if (published < DemoItems)
        {
            throw new BenchSetupException(
                $"The portal holds {published} published items, not the {DemoItems:N0} the search target is set for. Load the demo portal first:"
                + Environment.NewLine
                + $"  dotnet run --project services/Portal -- seed-demo --items {DemoItems} \"--ConnectionStrings:portaldb={DemoDataCount.ConnectionTo(options, "portal")}\"");
        }

        var pages = await PublishedPagesAsync(200, ct);
        var gatewayFloor = await scenarios.GatewayPingAsync("gateway-floor (short)", Clients, options.FloorDuration, options.Warmup, ct);

        progress.WriteLine($"[bench] portal: {Clients} clients x {duration.TotalSeconds:0.#} s of cached public pages over {pages.Count} items...");
        var cached = await HttpLoad.ClosedLoopAsync("cached-page", Clients, duration, options.Warmup, token =>
        {
            var (site, item) = pages[Random.Shared.Next(pages.Count)];
            return CheckedRead.GetAsync(http, $"/api/portal/sites/{site}/items/{item}", root =>
                root.GetProperty("slug").GetString() == item && root.GetProperty("html").GetString() is { Length: > 0 }
                    ? Outcome.Ok("page")
                    : Outcome.BadBody("not the item asked"), token);
        }, cpu, ct);
        progress.WriteLine($"[bench] {cached.Line()}");

        progress.WriteLine($"[bench] portal: {Clients} clients x {duration.TotalSeconds:0.#} s of searches on GET /api/portal/search...");
        var (search, kinds) = await HttpLoad.ClosedLoopByKindAsync("search", Clients, duration, options.Warmup, () =>
        {
            // Half the searches are two words drawn from the vocabulary with a page size of 10 to 40: about 42,000
            // combinations, so the result cache has seldom seen them and the database answers (they may find nothing).
            if (Random.Shared.Next(2) == 0)
            {
                var words = $"{Vocabulary[Random.Shared.Next(Vocabulary.Length)]} {Vocabulary[Random.Shared.Next(Vocabulary.Length)]}";
                var cold = $"/api/portal/search?q={Uri.EscapeDataString(words)}&pageSize={Random.Shared.Next(10, 41)}";
                return ("uncached", token => CheckedRead.GetAsync(http, cold, root =>
                    CheckedRead.TryPage(root, out _, out _) ? Outcome.Ok("uncached") : Outcome.BadBody("not a page of results"), token));
            }

            var (kind, query) = Searches[Random.Shared.Next(Searches.Length)];
            var region = Random.Shared.Next(4) == 0 ? Regions[Random.Shared.Next(Regions.Length)] : null;
            var url = $"/api/portal/search?q={Uri.EscapeDataString(query)}&pageSize=20{(region is null ? "" : $"&region={region}")}";
            return (region is null ? kind : kind + "+region", token => CheckedRead.GetAsync(http, url, root =>
            {
                if (!CheckedRead.TryPage(root, out var items, out var total) || total == 0 || items.GetArrayLength() == 0)
                {
                    return Outcome.BadBody("nothing found");
                }

                if (region is not null && items.EnumerateArray().Any(i => !i.TryGetProperty("region", out var r) || r.GetString() != region))
                {
                    return Outcome.BadBody("outside the region");
                }

                return Outcome.Ok(kind);
            }, token));
        }, cpu, ct);
        progress.WriteLine($"[bench] {search.Line()}");

        var beacons = await BeaconsAsync(duration, ct);

        var targets = new List<TargetCheck>
        {
            new(string.Create(Invariant, $"a cached public page >= {CachedPageShareOfFloor:P0} of the gateway ping's throughput with {Clients} clients, 0 errors"),
                string.Create(Invariant, $"{cached.OkThroughput:0.#}/s = {cached.OkThroughput / gatewayFloor.OkThroughput:P1} of {gatewayFloor.OkThroughput:0.#}/s, {cached.Errors.Total} errors{cached.Errors.Detail}"),
                cached.Ok > 0 && cached.OkThroughput >= CachedPageShareOfFloor * gatewayFloor.OkThroughput && cached.Errors.Total == 0),
            new(string.Create(Invariant, $"search p95 < {SearchTargetP95Ms:0} ms with {Clients} clients over {DemoItems:N0} items, 0 errors"),
                string.Create(Invariant, $"p95 {search.LatencyMs.P95:0.#} ms at {search.OkThroughput:0.#} searches/s over {published} items, {search.Errors.Total} errors{search.Errors.Detail}"),
                search.Ok > 0 && search.LatencyMs.P95 < SearchTargetP95Ms && search.Errors.Total == 0),
            new(string.Create(Invariant, $"{BeaconRate:N0} beacons/s accepted; after the flush, page views = beacons accepted and unique visitors within {UniqueVisitorsTolerance:P0} of those sent"),
                beacons.Measured, beacons.Met),
        };
        var summary = string.Create(Invariant,
            $"portal: {Clients} clients x {cached.Seconds:0.#} s: a cached page {cached.OkThroughput:0.#}/s ({cached.LatencyMs}); "
            + $"search over {published} items {search.OkThroughput:0.#}/s ({search.LatencyMs}); beacons: {beacons.Measured}. "
            + $"Floor: the gateway ping with the same clients {gatewayFloor.OkThroughput:0.#} req/s ({gatewayFloor.LatencyMs}).");
        return new ScenarioResult
        {
            Scenario = "portal",
            Machine = machine,
            Started = started,
            Ended = DateTimeOffset.UtcNow,
            Parameters = new Dictionary<string, object?>
            {
                ["gateway"] = options.Gateway.ToString(), ["clients"] = Clients, ["durationSeconds"] = duration.TotalSeconds,
                ["warmupSeconds"] = options.Warmup.TotalSeconds, ["publishedItems"] = published, ["pagesRead"] = pages.Count,
                ["beaconRate"] = BeaconRate,
            },
            Requests = search.Requests,
            Errors = search.Errors,
            Throughput = search.OkThroughput,
            LatencyMs = search.LatencyMs,
            Counters = search.Counters.ToDictionary(c => c.Key, c => (object?)c.Value),
            Floors = new() { ["gatewayFloor"] = gatewayFloor },
            Details = new()
            {
                ["cachedPage"] = cached,
                ["searchLatencyByKindMs"] = kinds,
                ["beacons"] = beacons.Phase,
                ["beaconsAccepted"] = beacons.Accepted,
                ["visitorsSent"] = beacons.Visitors,
                ["statistics"] = beacons.Statistics,
                ["flushWaitSeconds"] = beacons.FlushWaitSeconds,
            },
            Targets = targets,
            Cpu = search.Cpu,
            Summary = summary,
        };
    }

    private sealed record BeaconRun(PhaseResult Phase, long Accepted, long Visitors, JsonElement? Statistics, double FlushWaitSeconds,
        string Measured, bool Met);

    /// <summary>
    /// Beacons at <see cref="BeaconRate"/> to a partner site opened for the run, each from one of as many simulated visitors
    /// as half the beacons (each visits about twice); then the site's statistics, read until the flush has brought them.
    /// </summary>
    private async Task<BeaconRun> BeaconsAsync(TimeSpan duration, CancellationToken ct)
    {
        var run = Guid.NewGuid().ToString("N")[..10];
        var slug = $"bench-visites-{run}";
        using (var opened = await http.PostAsJsonAsync("/api/portal/sites", new { kind = "partner", name = $"Banc d'essai {run}", slug }, ct))
        {
            if (opened.StatusCode != HttpStatusCode.Created)
            {
                throw new BenchSetupException($"Opening the beacons' site answered {(int)opened.StatusCode}: the bench's token must be confederation staff's.");
            }
        }

        // Anonymous, as a reader's browser sends them: no token, no cookie.
        using var anonymous = HttpLoad.CreateClient(options.Gateway);
        var total = (long)Math.Round(BeaconRate * (options.Warmup.TotalSeconds + duration.TotalSeconds));
        var visitors = Math.Max(1, total / 2);
        long sent = 0;
        long accepted = 0;
        var body = JsonSerializer.SerializeToUtf8Bytes(new { site = slug });
        progress.WriteLine($"[bench] portal: {BeaconRate:N0} beacons/s for {duration.TotalSeconds:0.#} s (+ warm-up) to {slug} from {visitors} visitors...");
        var phase = await HttpLoad.OpenLoopAsync("beacons", BeaconRate, options.Warmup, duration, async token =>
        {
            var visitor = Interlocked.Increment(ref sent) % visitors;
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/portal/visits") { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new("application/json");
            request.Headers.TryAddWithoutValidation("User-Agent", $"Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0 visitor/{visitor}");
            using var response = await anonymous.SendAsync(request, token);
            if (response.StatusCode != HttpStatusCode.Accepted)
            {
                return Outcome.Status(response.StatusCode);
            }

            Interlocked.Increment(ref accepted);
            return Outcome.Ok("accepted");
        }, ct);
        progress.WriteLine($"[bench] {phase.Line()}");

        // The flush runs each minute: the statistics are read until they hold every beacon accepted, for up to three.
        var year = DateTimeOffset.UtcNow.Year;
        var waiting = System.Diagnostics.Stopwatch.StartNew();
        JsonElement? statistics = null;
        long pageViews = 0;
        long unique = 0;
        while (waiting.Elapsed < TimeSpan.FromMinutes(3))
        {
            using var answer = await anonymous.GetAsync($"/api/portal/statistics/{year}?site={slug}", ct);
            if (answer.StatusCode == HttpStatusCode.OK)
            {
                using var json = JsonDocument.Parse(await answer.Content.ReadAsByteArrayAsync(ct));
                statistics = json.RootElement.Clone();
                pageViews = statistics.Value.GetProperty("pageViews").GetInt64();
                unique = statistics.Value.GetProperty("uniqueVisitors").GetInt64();
                if (pageViews >= Interlocked.Read(ref accepted))
                {
                    break;
                }
            }

            await Task.Delay(TimeSpan.FromSeconds(5), ct);
        }

        var expectedVisitors = Math.Min(visitors, Interlocked.Read(ref accepted));
        var error = expectedVisitors == 0 ? 1 : Math.Abs(unique - expectedVisitors) / (double)expectedVisitors;
        var measured = string.Create(Invariant,
            $"{phase.OkThroughput:0.#} accepted/s of {BeaconRate:N0} offered (p99 {phase.LatencyMs.P99:0.#} ms, {phase.Errors.Total} errors{phase.Errors.Detail}); "
            + $"after {waiting.Elapsed.TotalSeconds:0} s the statistics say {pageViews} page views for {accepted} beacons accepted, "
            + $"{unique} unique visitors for {expectedVisitors} sent ({error:P2} off)");
        var met = phase.Errors.Total == 0 && phase.OkThroughput >= 0.98 * BeaconRate && pageViews == accepted && error <= UniqueVisitorsTolerance;
        return new BeaconRun(phase, accepted, expectedVisitors, statistics, waiting.Elapsed.TotalSeconds, measured, met);
    }

    /// <summary>Published items to read, spread over the sites: (site slug, item slug).</summary>
    private async Task<List<(string Site, string Item)>> PublishedPagesAsync(int count, CancellationToken ct)
    {
        await using var db = await DemoDataCount.OpenAsync(options, "portal", ct);
        await using var command = new NpgsqlCommand(
            "SELECT s.slug, i.slug FROM items i JOIN sites s ON s.id = i.site_id WHERE i.status = 'Published' AND NOT s.closed ORDER BY random() LIMIT @count", db);
        command.Parameters.AddWithValue("count", count);
        var pages = new List<(string, string)>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            pages.Add((reader.GetString(0), reader.GetString(1)));
        }

        return pages;
    }

    private Task<long> ScalarAsync(string sql, CancellationToken ct) => DemoDataCount.ScalarAsync(options, "portal", sql, null, ct);
}
