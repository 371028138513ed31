using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.Playwright;
using Scop.Aspire.Bench.Platform;

namespace Scop.Aspire.Bench;

/// <summary>
/// <c>web-pages</c>: the front-end's public pages as a visitor gets them, through the gateway. In Debian's Chromium
/// (driven by Playwright, no browser can be downloaded here), each page N times cold (a new browser context: empty
/// cache, no service worker) and each time reloaded in the same context (warm): the first contentful paint and the bytes
/// transferred. Then the server alone: N clients GETting each page in a closed loop, pages per second. Floors in the
/// same run: the gateway ping with one client (the least a page's request can take) and with the same clients as the
/// page loop (the most requests per second one hop through the gateway does on this box).
/// </summary>
public sealed class WebPages(BenchOptions options, HttpClient http, Scenarios scenarios, CpuSampler cpu, TextWriter progress)
{
    /// <summary>The home page shows the feed 20 entries at a time: the bench measures it full, as on a living network.</summary>
    private const int FeedPageSize = 20;

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>The first contentful paint of every measured cold load, every page: the scenario's headline latency.</summary>
    private readonly List<double> coldPaints = [];

    /// <summary>
    /// One public page (anonymous in the front-end: no <c>[Authorize]</c>) and a piece of its HTML that only that page
    /// has, so an answer counts only when it is the page asked for. Razor encodes accents, hence ASCII markers.
    /// </summary>
    public sealed record PublicPage(string Name, string Path, string Marker);

    /// <summary>One page in the browser, cold or warm: paint, bytes, and what came from a cache.</summary>
    public sealed record BrowserSide(
        int Loads,
        int Errors,
        SortedDictionary<string, long> ErrorBreakdown,
        LatencySummary FirstContentfulPaintMs,
        LatencySummary LoadEventMs,
        LatencySummary TransferredBytes,
        LatencySummary EncodedBodyBytes,
        LatencySummary Resources,
        LatencySummary ResourcesFromCache,
        IReadOnlyList<Resource> LastLoadResources);

    /// <summary>One entry of a load's resource timing (the document first), to see where its bytes went.</summary>
    public sealed record Resource(string Path, long TransferSize, long EncodedBodySize, long DecodedBodySize, bool ThroughServiceWorker);

    public sealed record PageResult(string Page, string Path, BrowserSide Cold, BrowserSide Warm, PhaseResult Server, long HtmlBytes);

    private sealed record Load(double FirstContentfulPaintMs, double LoadEventMs, long Transferred, long Encoded, int Resources, int FromCache,
        IReadOnlyList<Resource> Entries);

    /// <summary>What the page reports of itself once its load event has fired (the paint may come a little later).</summary>
    private const string MeasureScript = """
        async () => {
          const fcp = await new Promise(resolve => {
            const seen = performance.getEntriesByName('first-contentful-paint')[0];
            if (seen) { resolve(seen.startTime); return; }
            const observer = new PerformanceObserver(list => {
              const entry = list.getEntriesByName('first-contentful-paint')[0];
              if (entry) { observer.disconnect(); resolve(entry.startTime); }
            });
            observer.observe({ type: 'paint', buffered: true });
            setTimeout(() => { observer.disconnect(); resolve(-1); }, 5000);
          });
          const navigation = performance.getEntriesByType('navigation')[0];
          const entries = [navigation, ...performance.getEntriesByType('resource')].filter(e => e);
          return {
            fcp,
            load: navigation ? navigation.loadEventStart : -1,
            transferred: entries.reduce((sum, e) => sum + (e.transferSize || 0), 0),
            encoded: entries.reduce((sum, e) => sum + (e.encodedBodySize || 0), 0),
            resources: entries.length,
            fromCache: entries.filter(e => e.transferSize === 0 && e.decodedBodySize > 0).length,
            entries: entries.map(e => ({ path: new URL(e.name).pathname, transferSize: e.transferSize || 0,
              encodedBodySize: e.encodedBodySize || 0, decodedBodySize: e.decodedBodySize || 0, serviceWorker: e.workerStart > 0 })),
          };
        }
        """;

    public async Task<ScenarioResult> RunAsync(CancellationToken ct)
    {
        var started = DateTimeOffset.UtcNow;
        var machine = MachineInfo.Current();
        var clients = options.ClientsOr(8);
        var duration = options.DurationOr(TimeSpan.FromSeconds(10));
        var loads = options.Loads;
        if (!File.Exists(DebianChromium.ExecutablePath))
        {
            throw new BenchSetupException($"{DebianChromium.ExecutablePath} is missing: install Debian's chromium (scripts/prerequisites.sh).");
        }

        var pingOne = await scenarios.GatewayPingAsync("gateway ping, 1 client", 1, options.FloorDuration, TimeSpan.FromSeconds(1), ct);
        var pingClients = await scenarios.GatewayPingAsync($"gateway ping, {clients} clients", clients, options.FloorDuration, options.Warmup, ct);

        var pages = await PublicPagesAsync(ct);

        // Pages are GET without a token, as a visitor's browser sends them: the bench's client would add one to any
        // path that is not an anonymous API route, and the gateway would then check it.
        using var anonymous = HttpLoad.CreateClient(options.Gateway, null, Math.Max(HttpLoad.DefaultConnections, clients));

        progress.WriteLine($"[bench] web-pages: {pages.Count} public pages in {DebianChromium.ExecutablePath}, {loads} cold and {loads} warm loads each...");
        var browserBefore = cpu.Take();
        var (browserSides, browserAfter) = await BrowserAsync(pages, loads, ct);
        var browserCpu = CpuSampler.Between(browserBefore, browserAfter);

        // The server alone: first every page in turn, unmeasured (its errors still count), then each page on its own.
        progress.WriteLine($"[bench] web-pages: server pages/s, {clients} clients, every page in turn for {options.Warmup.TotalSeconds:0.#} s (not measured)...");
        var next = -1L;
        var warmup = await HttpLoad.ClosedLoopAsync("warm-up, every page in turn", clients, options.Warmup, TimeSpan.Zero,
            token => GetPageAsync(anonymous, pages[(int)(Interlocked.Increment(ref next) % pages.Count)], null, token), null, ct);
        var serverBefore = cpu.Take();
        var results = new List<PageResult>();
        foreach (var page in pages)
        {
            var htmlBytes = new long[1];
            progress.WriteLine($"[bench] web-pages: GET {page.Path}, {clients} clients x {duration.TotalSeconds:0.#} s...");
            var phase = await HttpLoad.ClosedLoopAsync(page.Name, clients, duration, TimeSpan.Zero,
                token => GetPageAsync(anonymous, page, htmlBytes, token), cpu, ct);
            progress.WriteLine($"[bench] {phase.Line()}");
            var (cold, warm) = browserSides[page.Name];
            results.Add(new PageResult(page.Name, page.Path, cold, warm, phase, Interlocked.Read(ref htmlBytes[0])));
        }

        var serverCpu = CpuSampler.Between(serverBefore, cpu.Take());

        var errors = ErrorSummary.Merge(results.Select(r => r.Server.Errors).Append(warmup.Errors).Append(BrowserErrors(results)));
        var requests = results.Sum(r => r.Server.Requests);
        var seconds = results.Sum(r => r.Server.Seconds);
        var lines = results.Select(r => string.Create(Invariant,
            $"{r.Page} ({r.Path}): first contentful paint cold p50 {r.Cold.FirstContentfulPaintMs.P50:0} ms p95 {r.Cold.FirstContentfulPaintMs.P95:0} ms, "
            + $"warm p50 {r.Warm.FirstContentfulPaintMs.P50:0} ms p95 {r.Warm.FirstContentfulPaintMs.P95:0} ms; transferred cold {Kb(r.Cold.TransferredBytes.P50)}, "
            + $"warm {Kb(r.Warm.TransferredBytes.P50)}; server {r.Server.OkThroughput:0.#} pages/s ({r.Server.LatencyMs})"));
        var summary = string.Create(Invariant,
            $"web-pages: {pages.Count} public pages through the gateway, {loads} cold and {loads} warm loads each in Chromium, "
            + $"then {clients} clients x {duration.TotalSeconds:0.#} s per page. {string.Join("; ", lines)}. "
            + $"{errors.Total} errors. Floors in the same run: gateway ping with 1 client {pingOne.LatencyMs}; "
            + $"with {clients} clients {pingClients.OkThroughput:0.#} req/s ({pingClients.LatencyMs}).");

        return new ScenarioResult
        {
            Scenario = "web-pages",
            Machine = machine,
            Started = started,
            Ended = DateTimeOffset.UtcNow,
            Parameters = new Dictionary<string, object?>
            {
                ["gateway"] = options.Gateway.ToString(), ["clients"] = clients, ["durationSeconds"] = duration.TotalSeconds,
                ["warmupSeconds"] = options.Warmup.TotalSeconds, ["loads"] = loads, ["browser"] = DebianChromium.ExecutablePath,
                ["browserArgs"] = DebianChromium.Arguments, ["viewport"] = "1280x900", ["pages"] = pages,
            },
            Requests = requests,
            Errors = errors,
            Throughput = seconds > 0 ? Math.Round(results.Sum(r => r.Server.Answered) / seconds, 1) : 0,
            // The headline latency is the visitor's: the first contentful paint of every cold load, all pages together.
            LatencyMs = LatencySummary.From(coldPaints),
            Counters = results.ToDictionary(r => r.Page, r => (object?)new Dictionary<string, object?>
            {
                ["pagesPerSecond"] = r.Server.OkThroughput,
                ["firstContentfulPaintColdP95Ms"] = r.Cold.FirstContentfulPaintMs.P95,
                ["firstContentfulPaintWarmP95Ms"] = r.Warm.FirstContentfulPaintMs.P95,
                ["transferredColdP50Bytes"] = r.Cold.TransferredBytes.P50,
                ["transferredWarmP50Bytes"] = r.Warm.TransferredBytes.P50,
                ["htmlBytes"] = r.HtmlBytes,
            }),
            Floors = new() { ["gatewayPingOneClient"] = pingOne, ["gatewayPingSameClients"] = pingClients },
            Details = new() { ["pages"] = results, ["serverWarmup"] = warmup, ["browserCpu"] = browserCpu },
            Cpu = serverCpu,
            Summary = summary,
        };
    }

    private static string Kb(double bytes) => string.Create(Invariant, $"{bytes / 1024:0.#} KiB");

    private static ErrorSummary BrowserErrors(List<PageResult> results)
    {
        var breakdown = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var r in results)
        {
            foreach (var (side, errors) in new[] { ("cold", r.Cold.ErrorBreakdown), ("warm", r.Warm.ErrorBreakdown) })
            {
                foreach (var (key, count) in errors)
                {
                    var name = $"browser, {side}: {key}";
                    breakdown[name] = breakdown.GetValueOrDefault(name) + count;
                }
            }
        }

        return new ErrorSummary(breakdown.Values.Sum(), breakdown);
    }

    /// <summary>One GET of a page: a 200 whose HTML is that page (its marker), else an error.</summary>
    private static async Task<Outcome> GetPageAsync(HttpClient client, PublicPage page, long[]? htmlBytes, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, page.Path);
        request.Headers.Accept.ParseAdd("text/html");
        using var response = await client.SendAsync(request, ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            return Outcome.Status(response.StatusCode);
        }

        if (htmlBytes is not null)
        {
            Interlocked.Exchange(ref htmlBytes[0], response.Content.Headers.ContentLength ?? System.Text.Encoding.UTF8.GetByteCount(body));
        }

        return body.Contains(page.Marker, StringComparison.Ordinal) ? Outcome.Ok("pages") : Outcome.BadBody($"not the page {page.Name}");
    }

    /// <summary>
    /// Every page cold then warm, <paramref name="loads"/> times, after one unmeasured round (the first render of each
    /// page on a fresh system runs code the runtime has not compiled yet). Cold: a new context, so an empty HTTP cache
    /// and no service worker. Warm: the same context reloaded, as a visitor coming back: the site's service worker,
    /// registered by the cold load, and the browser's cache now serve the shell.
    /// </summary>
    /// <remarks>The CPU snapshot is taken before the browser closes: a process gone by then would count in no part.</remarks>
    private async Task<(Dictionary<string, (BrowserSide Cold, BrowserSide Warm)> Sides, CpuSampler.Snapshot After)> BrowserAsync(IReadOnlyList<PublicPage> pages, int loads, CancellationToken ct)
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await DebianChromium.LaunchAsync(playwright);

        var sides = new Dictionary<string, (BrowserSide, BrowserSide)>();
        foreach (var page in pages)
        {
            var unmeasuredErrors = new SortedDictionary<string, long>(StringComparer.Ordinal);
            await VisitAsync(browser, page, [], [], unmeasuredErrors, unmeasuredErrors, ct);
            var cold = new List<Load>();
            var warm = new List<Load>();
            // Errors of the unmeasured round count too, as in every warm-up of the bench.
            var coldErrors = new SortedDictionary<string, long>(unmeasuredErrors, StringComparer.Ordinal);
            var warmErrors = new SortedDictionary<string, long>(StringComparer.Ordinal);
            for (var i = 0; i < loads && !ct.IsCancellationRequested; i++)
            {
                await VisitAsync(browser, page, cold, warm, coldErrors, warmErrors, ct);
            }

            coldPaints.AddRange(cold.Select(l => l.FirstContentfulPaintMs));
            var (c, w) = (Side(cold, coldErrors), Side(warm, warmErrors));
            sides[page.Name] = (c, w);
            progress.WriteLine(string.Create(Invariant,
                $"[bench] {page.Name}: first contentful paint cold {c.FirstContentfulPaintMs}, warm {w.FirstContentfulPaintMs}; "
                + $"transferred cold p50 {Kb(c.TransferredBytes.P50)}, warm p50 {Kb(w.TransferredBytes.P50)}; {c.Errors} errors"));
        }

        return (sides, cpu.Take());
    }

    /// <summary>One visitor: a new context, the page (cold), the page reloaded (warm). A failed load is an error, not a sample.</summary>
    private async Task VisitAsync(IBrowser browser, PublicPage page, List<Load> cold, List<Load> warm,
        SortedDictionary<string, long> coldErrors, SortedDictionary<string, long> warmErrors, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        await using var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = options.Gateway.ToString(),
            ViewportSize = new ViewportSize { Width = 1280, Height = 900 },
            Locale = "fr-FR",
            TimezoneId = "Europe/Paris",
        });
        var tab = await context.NewPageAsync();
        var errors = coldErrors;
        try
        {
            var first = await tab.GotoAsync(page.Path, new PageGotoOptions { WaitUntil = WaitUntilState.Load, Timeout = 30_000 });
            if (await MeasureAsync(tab, first, page) is not { } coldLoad)
            {
                Count(errors, await WhyAsync(tab, first));
                return;
            }

            cold.Add(coldLoad);
            errors = warmErrors;
            var again = await tab.ReloadAsync(new PageReloadOptions { WaitUntil = WaitUntilState.Load, Timeout = 30_000 });
            if (await MeasureAsync(tab, again, page) is not { } warmLoad)
            {
                Count(errors, await WhyAsync(tab, again));
                return;
            }

            warm.Add(warmLoad);
        }
        catch (Exception e) when (e is PlaywrightException or TimeoutException)
        {
            Count(errors, $"exception: {e.GetType().Name}");
        }
    }

    private static void Count(SortedDictionary<string, long> errors, string key) => errors[key] = errors.GetValueOrDefault(key) + 1;

    /// <summary>The page's own figures, when it is the page asked for (a 200 whose title is the site's) and it painted.</summary>
    private static async Task<Load?> MeasureAsync(IPage tab, IResponse? response, PublicPage page)
    {
        if (response is not { Status: 200 } || !(await tab.TitleAsync()).Contains("Réseau SCOP", StringComparison.Ordinal)
            || !(await tab.ContentAsync()).Contains(page.Marker, StringComparison.Ordinal))
        {
            return null;
        }

        var figures = await tab.EvaluateAsync<JsonElement>(MeasureScript);
        var fcp = figures.GetProperty("fcp").GetDouble();
        return fcp < 0
            ? null
            : new Load(fcp, figures.GetProperty("load").GetDouble(), figures.GetProperty("transferred").GetInt64(),
                figures.GetProperty("encoded").GetInt64(), figures.GetProperty("resources").GetInt32(), figures.GetProperty("fromCache").GetInt32(),
                figures.GetProperty("entries").EnumerateArray().Select(e => new Resource(e.GetProperty("path").GetString() ?? "",
                    e.GetProperty("transferSize").GetInt64(), e.GetProperty("encodedBodySize").GetInt64(), e.GetProperty("decodedBodySize").GetInt64(),
                    e.GetProperty("serviceWorker").GetBoolean())).ToList());
    }

    private static async Task<string> WhyAsync(IPage tab, IResponse? response) =>
        response is null ? "no response" : response.Status != 200 ? response.Status.ToString(Invariant) : $"not the page or no paint ({await tab.TitleAsync()})";

    private static BrowserSide Side(List<Load> loads, SortedDictionary<string, long> errors) => new(
        loads.Count,
        (int)errors.Values.Sum(),
        errors,
        LatencySummary.From(loads.Select(l => l.FirstContentfulPaintMs)),
        LatencySummary.From(loads.Select(l => l.LoadEventMs)),
        LatencySummary.From(loads.Select(l => (double)l.Transferred)),
        LatencySummary.From(loads.Select(l => (double)l.Encoded)),
        LatencySummary.From(loads.Select(l => (double)l.Resources)),
        LatencySummary.From(loads.Select(l => (double)l.FromCache)),
        loads.LastOrDefault()?.Entries ?? []);

    /// <summary>
    /// The front-end's anonymous pages: home (the feed, filled to a full page first), the Congress figures, a
    /// cooperative's public card (one the feed links to), and the pages a visitor is sent to when something is wrong:
    /// the status page (as a 404 shows it), not found, access denied, and the error page.
    /// </summary>
    private async Task<List<PublicPage>> PublicPagesAsync(CancellationToken ct)
    {
        var cooperative = await FullFeedAsync(ct);
        return
        [
            new("home", "/", "id=\"fil\""),
            new("figures", "/chiffres", "id=\"registre\""),
            new("search", "/recherche?q=cooperative", "id=\"affiner\""),
            new("cooperative card", $"/cooperatives/{cooperative}", "class=\"facts\""),
            new("status page (404)", "/statut/404", "href=\"/\">Retour"),
            new("not found", "/introuvable", "href=\"/\">Retour"),
            new("access denied", "/acces-refuse", "href=\"/espace\""),
            new("error page", "/erreur", "<code>"),
        ];
    }

    /// <summary>
    /// Fills the feed to one full page (a fresh system has none) with registrations by the development admin, then
    /// returns the cooperative the newest "joined" entry links to, whose public card the bench loads.
    /// </summary>
    private async Task<Guid> FullFeedAsync(CancellationToken ct)
    {
        var entries = await FeedAsync(ct);
        if (entries.Count < FeedPageSize)
        {
            var missing = FeedPageSize - entries.Count;
            progress.WriteLine($"[bench] the feed holds {entries.Count} entries: registering {missing} cooperatives to fill the home page...");
            var factory = new CooperativeFactory("web");
            for (var i = 0; i < missing; i++)
            {
                var (outcome, created) = await Requests.RegisterAsync(http, factory.Next(), ct);
                if (created is null)
                {
                    throw new BenchSetupException($"registering a cooperative for the feed: {outcome.Key}");
                }
            }

            var clock = Stopwatch.StartNew();
            while ((entries = await FeedAsync(ct)).Count < FeedPageSize)
            {
                if (clock.Elapsed > TimeSpan.FromSeconds(60))
                {
                    throw new BenchSetupException($"the feed holds {entries.Count} entries 60 s after the registrations");
                }

                await Task.Delay(200, ct);
            }
        }

        return entries.FirstOrDefault(e => e.Kind == "cooperative-joined") is { } joined
            ? joined.SubjectId
            : throw new BenchSetupException("no cooperative-joined entry in the feed's first page: no public card to load");
    }

    private sealed record FeedEntry(string Kind, Guid SubjectId);

    private async Task<List<FeedEntry>> FeedAsync(CancellationToken ct)
    {
        using var response = await http.GetAsync(string.Create(Invariant, $"{Requests.FeedPath}?limit={FeedPageSize}"), ct);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new BenchSetupException($"GET {Requests.FeedPath} answered {(int)response.StatusCode}");
        }

        using var feed = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
        return feed.RootElement.GetProperty("items").EnumerateArray()
            .Select(e => new FeedEntry(e.GetProperty("kind").GetString() ?? "", e.TryGetProperty("subjectId", out var s) && s.TryGetGuid(out var id) ? id : Guid.Empty))
            .ToList();
    }
}
