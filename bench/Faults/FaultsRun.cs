using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Npgsql;
using Scop.Aspire.Bench.Platform;
using Scop.Aspire.ServiceDefaults;

namespace Scop.Aspire.Bench.Faults;

/// <summary>How a faults run goes.</summary>
public sealed record FaultsSettings
{
    public int Replicas { get; init; } = 1;

    /// <summary>Kill every process of every service in turn (else one per service).</summary>
    public bool EveryReplica { get; init; } = true;

    /// <summary>One process of every service and of the gateway killed at the same moment, instead of one after another.</summary>
    public bool KillAtOnce { get; init; }

    public LoadSettings Load { get; init; } = new();

    /// <summary>Load before the first fault: what clients see when nothing fails, the run's floor.</summary>
    public TimeSpan Steady { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Load after each recovery before the next fault.</summary>
    public TimeSpan Settle { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Load after the last fault.</summary>
    public TimeSpan Tail { get; init; } = TimeSpan.FromSeconds(15);

    public TimeSpan BrokerDown { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Training's holds expire this long after they are taken: their durable timers fire during the run.</summary>
    public TimeSpan HoldDuration { get; init; } = TimeSpan.FromSeconds(30);

    public int Sessions { get; init; } = 30;

    public int SeatsPerSession { get; init; } = 10;

    public int SeedCooperatives { get; init; } = 4;

    public int SeedPeople { get; init; } = 60;

    /// <summary>Requests of about 1 MB sent together in the steady phase, while the gateway's health is watched.</summary>
    public int LargeRequests { get; init; } = 6;

    public TimeSpan DrainLimit { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Where the platform keeps its files; a temporary folder when null.</summary>
    public string? DataRoot { get; init; }

    /// <summary>More AppHost settings (the bench turns the gateway's rate limits off).</summary>
    public IReadOnlyList<string> Arguments { get; init; } = [];

    /// <summary>The platform as this run starts it: replicas, hold duration.</summary>
    public PlatformOptions Platform => new()
    {
        Replicas = Replicas,
        DataRoot = DataRoot,
        Arguments = Arguments,
        Configure = builder => builder.CreateResourceBuilder<ProjectResource>(ResourceNames.Training)
            .WithEnvironment("Scop__Training__HoldDuration", HoldDuration.ToString("c")),
    };
}

/// <summary>One fault and what clients saw from its start until the next.</summary>
public sealed record FaultReport(FaultTiming Timing, ClientView Clients);

/// <summary>
/// The large requests of the steady phase: their answers, the gateway's health meanwhile beside its health over the load
/// before them (the floor: what a busy machine alone does to it), and afterwards — the services they went to served at
/// once (<see cref="ServedAfterwards"/>, by path), the gateway Healthy again after <see cref="HealthyAgainAfterSeconds"/>.
/// </summary>
public sealed record LargeRequestsReport(int Sent, long Bytes, SortedDictionary<string, long> Answers, double Seconds,
    long GatewayHealthProbes, long GatewayHealthNotHealthy, long GatewayHealthProbesBefore, long GatewayHealthNotHealthyBefore,
    SortedDictionary<string, int> ServedAfterwards, double? HealthyAgainAfterSeconds)
{
    /// <summary>Every large request refused with a 4xx (too large, or a name too long), none failed.</summary>
    public bool AllRefused => Answers.Keys.All(k => k.StartsWith('4'));

    /// <summary>Nothing declared down: the services answered right after, and the gateway's health came back.</summary>
    public bool NothingDeclaredDown => ServedAfterwards.Values.All(status => status is >= 200 and < 300) && HealthyAgainAfterSeconds is not null;
}

public sealed record FaultsReport
{
    public required int Replicas { get; init; }
    public required string Tag { get; init; }
    public required DateTimeOffset Started { get; init; }
    public required DateTimeOffset Ended { get; init; }
    public required double SetupSeconds { get; init; }
    public required ClientView Steady { get; init; }
    public required LargeRequestsReport LargeRequests { get; init; }
    public required List<FaultReport> Faults { get; init; }
    public required ClientView Tail { get; init; }
    public required ClientView Whole { get; init; }
    public required long WritesSkipped { get; init; }
    public required double DrainSeconds { get; init; }
    public required Reconciliation Reconciliation { get; init; }
}

/// <summary>
/// The <c>faults</c> run: a steady mixed load through the gateway (<see cref="MixedLoad"/>) while, one after another, each
/// process of each service and of the gateway is killed and started again, RabbitMQ is stopped and started, PostgreSQL
/// restarted and Redis restarted (<see cref="Fault"/>); then everything drains and the run is reconciled with the
/// databases and the bank's receiver (<see cref="Reconciliation"/>).
/// </summary>
public sealed class FaultsRun(FaultsSettings settings, TextWriter progress)
{
    public const string Scopes = "openid membership portal training partner-hooks";
    private const string JoinedType = "scop.membership.cooperative.joined";
    private const string EnrolmentType = "scop.membership.benefit-enrolment.requested";

    /// <summary>Starts its own platform, runs, and stops it.</summary>
    public async Task<FaultsReport> RunAsync(CancellationToken ct)
    {
        progress.WriteLine($"[faults] starting the platform with {settings.Replicas} replica(s) of every service and the gateway...");
        await using var platform = await HostedPlatform.StartAsync(settings.Platform, ct);
        return await RunAsync(platform, ct);
    }

    /// <summary>Runs on a platform already started (its hold duration is its own).</summary>
    public async Task<FaultsReport> RunAsync(HostedPlatform platform, CancellationToken ct)
    {
        var started = DateTimeOffset.UtcNow;
        var setupClock = Stopwatch.StartNew();
        var tag = Guid.NewGuid().ToString("N")[..8];
        var tokens = AccessTokens.Development(platform.GatewayAddress,
            Path.Combine(platform.DataRoot, "identity", "dev-credentials.json"), AccessTokens.DefaultUser, Scopes);
        using var http = HttpLoad.CreateClient(platform.GatewayAddress, tokens, connections: 256);
        await using var bank = await WebhookReceiver.StartAsync(ct);
        var endpointId = await SubscribeBankAsync(http, bank, ct);
        var data = await SetUpAsync(platform, http, tag, ct);
        progress.WriteLine($"[faults] run {tag}: set up in {setupClock.Elapsed.TotalSeconds:0.0} s; the bank's receiver at {bank.Url}");

        var load = new MixedLoad(http, data, settings.Load);
        using var stopLoad = new CancellationTokenSource();
        using var stopWatching = new CancellationTokenSource();
        var health = new ConcurrentQueue<(DateTimeOffset At, int Status)>();
        var watching = WatchGatewayHealthAsync(platform, health, stopWatching.Token);
        var loadStarted = DateTimeOffset.UtcNow;
        var running = load.RunAsync(stopLoad.Token, ct);

        await Task.Delay(settings.Steady / 2, ct);
        var large = await LargeRequestsAsync(platform, http, health, loadStarted, ct);
        await Task.Delay(settings.Steady / 2, ct);
        var steadyEnded = DateTimeOffset.UtcNow;
        progress.WriteLine($"[faults] steady: {ClientView.Of(load.Writes.ToList(), [.. health], loadStarted, steadyEnded).Line()}");

        var timings = new List<FaultTiming>();
        foreach (var fault in Fault.Sequence(platform.Projects, platform.Options.Replicas, settings.EveryReplica, settings.KillAtOnce, settings.BrokerDown))
        {
            timings.Add(await fault.RunAsync(platform, progress, ct));
            await Task.Delay(settings.Settle, ct);
        }

        var tailStarted = DateTimeOffset.UtcNow;
        await Task.Delay(settings.Tail, ct);
        var loadEnded = DateTimeOffset.UtcNow;
        await stopLoad.CancelAsync();
        await running;
        progress.WriteLine($"[faults] load stopped: {load.Writes.Count} writes, the last answered {(DateTimeOffset.UtcNow - loadEnded).TotalSeconds:0.0} s after");
        await stopWatching.CancelAsync();
        await watching;

        var drain = Stopwatch.StartNew();
        await DrainAsync(platform, endpointId, ct);
        progress.WriteLine($"[faults] drained in {drain.Elapsed.TotalSeconds:0.0} s; reconciling...");
        var writes = load.Writes.ToList();
        var reconciliation = await Reconciliation.CountAsync(platform, data, writes, bank, endpointId, ct);
        progress.WriteLine($"[faults] reconciliation: {reconciliation.Line()}");
        foreach (var line in reconciliation.ErrorQueueMessages)
        {
            progress.WriteLine($"[faults]   {line}");
        }

        var probes = health.ToList();
        var reports = timings.Select((t, i) => new FaultReport(t, ClientView.Of(writes, probes, t.InjectedAt,
            i + 1 < timings.Count ? timings[i + 1].InjectedAt : tailStarted))).ToList();
        return new FaultsReport
        {
            Replicas = platform.Options.Replicas,
            Tag = tag,
            Started = started,
            Ended = DateTimeOffset.UtcNow,
            SetupSeconds = Math.Round(setupClock.Elapsed.TotalSeconds, 1),
            Steady = ClientView.Of(writes, probes, loadStarted, steadyEnded),
            LargeRequests = large,
            Faults = reports,
            Tail = ClientView.Of(writes, probes, tailStarted, loadEnded),
            Whole = ClientView.Of(writes, probes, loadStarted, loadEnded),
            WritesSkipped = load.Skipped,
            DrainSeconds = Math.Round(drain.Elapsed.TotalSeconds, 1),
            Reconciliation = reconciliation,
        };
    }

    /// <summary>
    /// The bank as partner-hooks knows it (the SCOP AGIR card's partner), with one endpoint at the receiver for both
    /// kinds of event: cooperatives joining and card enrolments.
    /// </summary>
    private static async Task<Guid> SubscribeBankAsync(HttpClient http, WebhookReceiver bank, CancellationToken ct)
    {
        Guid partner;
        using (var created = await PostAsync(http, "/api/partner-hooks/partners", new { code = "credit-cooperatif", name = "Crédit Coopératif" }, ct))
        {
            if (created.StatusCode == HttpStatusCode.Created)
            {
                partner = (await JsonAsync(created, ct)).GetProperty("id").GetGuid();
            }
            else
            {
                using var list = await http.GetAsync("/api/partner-hooks/partners?pageSize=100", ct);
                partner = (await JsonAsync(list, ct)).GetProperty("items").EnumerateArray()
                    .Single(p => p.GetProperty("code").GetString() == "credit-cooperatif").GetProperty("id").GetGuid();
            }
        }

        using var endpoint = await PostAsync(http, $"/api/partner-hooks/partners/{partner}/endpoints",
            new { url = bank.Url, eventTypes = new[] { JoinedType, EnrolmentType }, description = "faults run" }, ct);
        var json = await JsonAsync(endpoint, ct, HttpStatusCode.Created);
        bank.Secret = json.GetProperty("secret").GetString()!;
        return json.GetProperty("endpoint").GetProperty("id").GetGuid();
    }

    /// <summary>The run's cooperatives and people (known to training before any booking), a course and its sessions.</summary>
    private async Task<RunData> SetUpAsync(HostedPlatform platform, HttpClient http, string tag, CancellationToken ct)
    {
        var factory = new CooperativeFactory($"faults-{tag}");
        var cooperatives = new List<Guid>();
        for (var i = 0; i < settings.SeedCooperatives; i++)
        {
            using var created = await PostAsync(http, "/api/membership/cooperatives", new
            {
                name = $"Faults {tag} seed {i}", siren = factory.Next().Siren, legalForm = "SCOP", communeCode = "69123", nafCode = "62.01Z",
            }, ct);
            cooperatives.Add((await JsonAsync(created, ct, HttpStatusCode.Created)).GetProperty("id").GetGuid());
        }

        var people = new Guid[settings.SeedPeople];
        await Parallel.ForEachAsync(Enumerable.Range(0, people.Length), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct },
            async (i, token) =>
            {
                using var hired = await PostAsync(http, $"/api/membership/cooperatives/{cooperatives[i % cooperatives.Count]}/people", new
                {
                    givenName = "Dominique", familyName = $"Faults {tag} seed {i}", role = "worker-member", hiredOn = "2025-09-01",
                }, token);
                people[i] = (await JsonAsync(hired, token, HttpStatusCode.Created)).GetProperty("id").GetGuid();
            });

        using var course = await PostAsync(http, "/api/training/courses",
            new { title = $"Faults {tag}", path = "Cooperative", durationHours = 7 }, ct);
        var courseId = (await JsonAsync(course, ct, HttpStatusCode.Created)).GetProperty("id").GetGuid();
        var startsOn = FrenchHolidays.WorkingDayFrom(ParisCalendar.Today(TimeProvider.System).AddDays(120));
        var sessions = new List<Guid>();
        for (var i = 0; i < settings.Sessions; i++)
        {
            using var session = await PostAsync(http, "/api/training/sessions", new
            {
                courseId, startsOn = startsOn.ToString("yyyy-MM-dd"), regionalUnion = "urscop-aura", communeCode = "69123",
                capacity = settings.SeatsPerSession, priceCents = 0, status = "Open",
            }, ct);
            sessions.Add((await JsonAsync(session, ct, HttpStatusCode.Created)).GetProperty("id").GetGuid());
        }

        await using var training = await Reconciliation.OpenAsync(platform, ResourceNames.TrainingDatabase, ct);
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (await Reconciliation.ScalarAsync(training, "SELECT count(*) FROM people WHERE id = ANY(@ids)", ct, ("ids", people)) < people.Length)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException("Training did not learn the run's people within 2 minutes.");
            }

            await Task.Delay(200, ct);
        }

        return new RunData(tag, cooperatives, sessions, people);
    }

    /// <summary>
    /// A few requests of about 1 MB together (the gateway takes up to 1 MiB; the service reads each and refuses it)
    /// while the gateway's own <c>/health</c> is asked every 100 ms; then a request to each service they went to, and
    /// the gateway's health until it is Healthy. A large request must not make the gateway take a healthy service for
    /// a dead one: the services serve right after, and the gateway's health is what it was before (the same machine
    /// under the same load: on a saturated machine its checks time out now and then, large requests or not).
    /// </summary>
    private async Task<LargeRequestsReport> LargeRequestsAsync(HostedPlatform platform, HttpClient http,
        ConcurrentQueue<(DateTimeOffset At, int Status)> health, DateTimeOffset loadStarted, CancellationToken ct)
    {
        var body = JsonSerializer.Serialize(new
        {
            name = new string('a', 1_000_000), siren = "732829320", legalForm = "SCOP", communeCode = "69123", nafCode = "62.01Z",
        });
        var answers = new ConcurrentDictionary<string, long>();
        var from = DateTimeOffset.UtcNow;
        var before = health.Where(h => h.At >= loadStarted && h.At < from).ToList();
        var clock = Stopwatch.StartNew();
        using var probing = new CancellationTokenSource();
        var probes = Task.Run(async () =>
        {
            using var probe = platform.CreateGatewayClient();
            while (!probing.IsCancellationRequested)
            {
                var at = DateTimeOffset.UtcNow;
                try
                {
                    using var response = await probe.GetAsync("/health", probing.Token);
                    health.Enqueue((at, (int)response.StatusCode));
                    await Task.Delay(100, probing.Token);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
                catch (HttpRequestException)
                {
                    health.Enqueue((at, 0));
                }
            }
        }, CancellationToken.None);

        string[] paths = ["/api/membership/cooperatives", "/api/training/courses"];
        await Task.WhenAll(Enumerable.Range(0, settings.LargeRequests).Select(async i =>
        {
            try
            {
                using var content = new StringContent(body, Encoding.UTF8, "application/json");
                using var response = await http.PostAsync(paths[i % paths.Length], content, ct);
                await response.Content.ReadAsStringAsync(ct);
                answers.AddOrUpdate(((int)response.StatusCode).ToString(), 1, (_, n) => n + 1);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                answers.AddOrUpdate($"exception: {e.GetType().Name}", 1, (_, n) => n + 1);
            }
        }));

        var served = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var path in paths)
        {
            served[path] = await StatusOfAsync(http, $"{path}?pageSize=1", ct);
        }

        await Task.Delay(TimeSpan.FromSeconds(5), ct); // and a while after: a check that timed out shows late
        await probing.CancelAsync();
        await probes;
        var to = DateTimeOffset.UtcNow;
        var during = health.Where(h => h.At >= from && h.At < to).ToList();
        double? healthyAgain = null;
        using (var probe = platform.CreateGatewayClient())
        {
            probe.Timeout = TimeSpan.FromSeconds(10);
            var patience = Stopwatch.StartNew();
            while (patience.Elapsed < TimeSpan.FromMinutes(2))
            {
                if (await AnswersHealthyAsync(probe, ct))
                {
                    healthyAgain = Math.Round(patience.Elapsed.TotalSeconds, 1);
                    break;
                }

                await Task.Delay(250, ct);
            }
        }

        var report = new LargeRequestsReport(settings.LargeRequests, Encoding.UTF8.GetByteCount(body),
            new SortedDictionary<string, long>(answers), Math.Round(clock.Elapsed.TotalSeconds, 1), during.Count,
            during.Count(h => h.Status != 200), before.Count, before.Count(h => h.Status != 200), served, healthyAgain);
        progress.WriteLine($"[faults] {report.Sent} requests of {report.Bytes:N0} bytes: {string.Join(", ", report.Answers.Select(a => $"{a.Key}: {a.Value}"))}; "
            + $"gateway /health not Healthy {report.GatewayHealthNotHealthy} of {report.GatewayHealthProbes} (before them {report.GatewayHealthNotHealthyBefore} of "
            + $"{report.GatewayHealthProbesBefore}); right after: {string.Join(", ", served.Select(p => $"{p.Key} {p.Value}"))}; "
            + $"gateway Healthy again after {(healthyAgain is { } seconds ? $"{seconds:0.0} s" : "more than 2 min")}");
        return report;
    }

    private static async Task<bool> AnswersHealthyAsync(HttpClient probe, CancellationToken ct)
    {
        try
        {
            using var response = await probe.GetAsync("/health", ct);
            return response.IsSuccessStatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>The gateway's <c>/health</c> every 500 ms for the whole load, as a monitor would ask it.</summary>
    private static async Task WatchGatewayHealthAsync(HostedPlatform platform, ConcurrentQueue<(DateTimeOffset At, int Status)> health,
        CancellationToken stop)
    {
        using var probe = platform.CreateGatewayClient();
        probe.Timeout = TimeSpan.FromSeconds(5);
        while (!stop.IsCancellationRequested)
        {
            var at = DateTimeOffset.UtcNow;
            try
            {
                using var response = await probe.GetAsync("/health", stop);
                health.Enqueue((at, (int)response.StatusCode));
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                health.Enqueue((at, 0));
            }

            try
            {
                await Task.Delay(500, stop);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    /// <summary>
    /// Waits until nothing is left to do: every outbox published, every delivery of the bank's endpoint made, every hold
    /// past its expiry released, and no consumer busy (no inbox row added for 3 s).
    /// </summary>
    private async Task DrainAsync(HostedPlatform platform, Guid endpointId, CancellationToken ct)
    {
        var deadline = Stopwatch.StartNew();
        long lastInbox = -1;
        var quietSince = Stopwatch.StartNew();
        string[] databases = [ResourceNames.MembershipDatabase, ResourceNames.PortalDatabase, ResourceNames.TrainingDatabase, ResourceNames.PartnerHooksDatabase];
        while (deadline.Elapsed < settings.DrainLimit)
        {
            long pending = 0, inbox = 0;
            try
            {
                foreach (var database in databases)
                {
                    await using var db = await Reconciliation.OpenAsync(platform, database, ct);
                    pending += await Reconciliation.ScalarAsync(db,
                        "SELECT count(*) FROM outbox_messages WHERE sent_at IS NULL AND (not_before IS NULL OR not_before <= now() + interval '1 minute')", ct);
                    inbox += await Reconciliation.ScalarAsync(db, "SELECT count(*) FROM inbox_messages", ct);
                    if (database == ResourceNames.PartnerHooksDatabase)
                    {
                        pending += await Reconciliation.ScalarAsync(db,
                            "SELECT count(*) FROM deliveries WHERE endpoint_id = @e AND status = 'Pending'", ct, ("e", endpointId));
                    }

                    if (database == ResourceNames.TrainingDatabase)
                    {
                        pending += await Reconciliation.ScalarAsync(db, "SELECT count(*) FROM bookings WHERE status = 'Held'", ct);
                    }
                }
            }
            catch (NpgsqlException)
            {
                pending = -1;
            }

            if (inbox != lastInbox || pending != 0)
            {
                lastInbox = inbox;
                quietSince.Restart();
            }
            else if (quietSince.Elapsed > TimeSpan.FromSeconds(3))
            {
                return;
            }

            await Task.Delay(500, ct);
        }

        progress.WriteLine($"[faults] still not drained after {settings.DrainLimit.TotalMinutes:0} min; reconciling what there is");
    }

    /// <summary>
    /// A set-up write, sent again under the same <c>Idempotency-Key</c> when it gets no answer or a 5xx (a busy machine
    /// may hold an answer past the client's timeout), as any careful client would.
    /// </summary>
    private static async Task<HttpResponseMessage> PostAsync(HttpClient http, string path, object body, CancellationToken ct)
    {
        var key = Guid.NewGuid().ToString("N");
        var json = JsonSerializer.Serialize(body);
        for (var attempt = 1; ; attempt++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
            request.Headers.Add("Idempotency-Key", key);
            try
            {
                var response = await http.SendAsync(request, ct);
                if ((int)response.StatusCode < 500 || attempt == 5)
                {
                    return response;
                }

                response.Dispose();
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested && attempt < 5)
            {
            }

            await Task.Delay(TimeSpan.FromSeconds(attempt), ct);
        }
    }

    /// <summary>The status of a GET, asked up to 3 times while it gets no answer at all (a busy machine, not a refusal); 0 if never.</summary>
    private static async Task<int> StatusOfAsync(HttpClient http, string path, CancellationToken ct)
    {
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            try
            {
                using var response = await http.GetAsync(path, ct);
                return (int)response.StatusCode;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
            {
            }
        }

        return 0;
    }

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response, CancellationToken ct, HttpStatusCode? expected = null)
    {
        var text = await response.Content.ReadAsStringAsync(ct);
        if (expected is { } status ? response.StatusCode != status : !response.IsSuccessStatusCode)
        {
            throw new BenchSetupException($"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri?.AbsolutePath} answered {(int)response.StatusCode}: {text}");
        }

        return JsonDocument.Parse(text).RootElement.Clone();
    }
}
