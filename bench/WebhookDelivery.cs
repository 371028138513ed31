using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Scop.Aspire.Bench;

/// <summary>
/// <c>webhook-delivery</c>: a partner's receiver runs inside the bench (Kestrel on 127.0.0.1), subscribed through the
/// partner-hooks API (as the development confederation admin) to <c>scop.membership.cooperative.joined</c>. Then
/// cooperatives are registered open-loop at R/s (100), first for an unmeasured warm-up (<see cref="WarmupDuration"/>),
/// then for T s (30): each registration commits a CooperativeJoined
/// event, which reaches partner-hooks through the outbox and RabbitMQ and becomes one signed webhook. The receiver
/// verifies every signature (Standard Webhooks), deduplicates on <c>webhook-id</c> and answers 204 at once. Latency:
/// the event's <c>time</c> (membership's handler timestamp, taken just before its commit) to the receiver's answer.
/// Afterwards the receiver answers 410 to a last ping, which disables the endpoint, so later runs send nothing to a
/// receiver that is gone.
/// </summary>
public sealed class WebhookDelivery(BenchOptions options, HttpClient http, Scenarios scenarios, CpuSampler cpu, TextWriter progress)
{
    public const string EventType = "scop.membership.cooperative.joined";
    public const double TargetP99Ms = 1_000;
    public const int PingFloorCount = 10;

    /// <summary>
    /// The same flow at the same rate, unmeasured, before the clock runs: a freshly started service runs unoptimised
    /// code until the runtime's tiered compilation has seen it work a while (right after a start, the same run was
    /// several times slower), and a platform serves its partners long after its start.
    /// </summary>
    public static readonly TimeSpan WarmupDuration = TimeSpan.FromSeconds(30);

    private const string HooksPrefix = "/api/partner-hooks";
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public async Task<ScenarioResult> RunAsync(CancellationToken ct)
    {
        var started = DateTimeOffset.UtcNow;
        var machine = MachineInfo.Current();
        var duration = options.DurationOr(TimeSpan.FromSeconds(30));
        var admin = options.Token is { } jwt
            ? AccessTokens.Fixed(options.Gateway, jwt)
            : AccessTokens.Development(options.Gateway, AccessTokens.CredentialsPath(options.DataRoot), options.User, "openid partner-hooks");

        await using var receiver = await WebhookReceiver.StartAsync(ct);
        var run = Guid.NewGuid().ToString("N")[..10];
        progress.WriteLine($"[bench] webhook-delivery: receiver on {receiver.Url}; subscribing it as partner bench-{run}...");
        var (endpointId, secret) = await SubscribeAsync(admin, receiver.Url, run, ct);
        receiver.Secret = secret;

        Measured measured;
        try
        {
            measured = await MeasureAsync(admin, receiver, endpointId, duration, ct);
        }
        catch
        {
            await RetireAsync(admin, receiver, endpointId, CancellationToken.None); // no endpoint left behind
            throw;
        }

        var (pingFloor, onDemand, warmup, sending, created, usage, drainSeconds, sendStart, sirenPrefix) = measured;
        var outcome = receiver.Summarize(created, sendStart);
        var stages = await StagesAsync(outcome.EventIds, endpointId, ct);
        var disabled = await RetireAsync(admin, receiver, endpointId, ct);
        progress.WriteLine($"[bench] webhook-delivery: {outcome.Delivered} delivered of {created.Count} created, latency {outcome.LatencyMs}; "
            + $"missing {outcome.Missing}, duplicates {outcome.Duplicates}, bad signatures {receiver.BadSignatures}; endpoint disabled after the run: {disabled}");

        var targets = new List<TargetCheck>
        {
            new(string.Create(Invariant, $"webhook p99 < {TargetP99Ms:0} ms at {options.Rate:0.#} events/s (event time to the receiver's 2xx)"),
                string.Create(Invariant, $"p99 {outcome.LatencyMs.P99:0.#} ms over {outcome.Delivered} webhooks; {outcome.DeliveriesPerSecond:0.#} deliveries/s (offered {options.Rate:0.#}/s, {sending.OkThroughput:0.#}/s created)"),
                outcome.Delivered > 0 && outcome.LatencyMs.P99 < TargetP99Ms && outcome.Missing == 0 && sending.Errors.Total == 0),
            new("missing = 0, duplicates = 0, every signature valid",
                string.Create(Invariant, $"missing {outcome.Missing}, duplicates {outcome.Duplicates}, bad signatures {receiver.BadSignatures}"),
                outcome.Missing == 0 && outcome.Duplicates == 0 && receiver.BadSignatures == 0),
        };

        var summary = string.Create(Invariant,
            $"webhook-delivery: {options.Rate:0.#} registrations/s open-loop for {sending.Seconds:0.#} s: {sending.Requests} sent, {created.Count} created, "
            + $"{sending.Errors.Total} errors; {outcome.Delivered} webhooks received, {outcome.DeliveriesPerSecond:0.#}/s; event time to the receiver's 2xx "
            + $"{outcome.LatencyMs}; missing {outcome.Missing} (after {drainSeconds:0.#} s of waiting), duplicates {outcome.Duplicates}, "
            + $"bad signatures {receiver.BadSignatures}. Floors in the same run: gateway ping with 1 client {pingFloor.LatencyMs}; "
            + $"a webhook sent on demand by partner-hooks to this receiver {onDemand}.");
        return new ScenarioResult
        {
            Scenario = "webhook-delivery",
            Machine = machine,
            Started = started,
            Ended = DateTimeOffset.UtcNow,
            Parameters = new Dictionary<string, object?>
            {
                ["gateway"] = options.Gateway.ToString(), ["ratePerSecond"] = options.Rate, ["durationSeconds"] = duration.TotalSeconds,
                ["missingAfterSeconds"] = options.MissingAfter.TotalSeconds, ["eventType"] = EventType, ["receiver"] = receiver.Url,
                ["endpointId"] = endpointId, ["sirenPrefix"] = sirenPrefix, ["warmupSeconds"] = WarmupDuration.TotalSeconds,
            },
            Requests = sending.Requests,
            Errors = sending.Errors,
            Throughput = sending.Throughput,
            LatencyMs = outcome.LatencyMs,
            Counters = new()
            {
                ["created"] = created.Count,
                ["delivered"] = outcome.Delivered,
                ["deliveriesPerSecond"] = outcome.DeliveriesPerSecond,
                ["missing"] = outcome.Missing,
                ["duplicates"] = outcome.Duplicates,
                ["badSignatures"] = receiver.BadSignatures,
                ["staleTimestamps"] = receiver.StaleTimestamps,
                ["notOfThisRun"] = outcome.NotOfThisRun,
                ["eventTimeNotMatching201"] = outcome.TimeMismatches,
                ["endpointDisabledAfterRun"] = disabled,
            },
            Floors = new() { ["gatewayPingOneClient"] = pingFloor, ["webhookOnDemandMs"] = onDemand },
            Details = new()
            {
                ["warmup"] = warmup,
                ["registrations"] = sending,
                ["drainSeconds"] = drainSeconds,
                ["stages"] = stages,
            },
            Targets = targets,
            Cpu = usage,
            Summary = summary,
        };
    }

    private sealed record Measured(PhaseResult PingFloor, LatencySummary OnDemand, Warmup Warmup, PhaseResult Sending,
        ConcurrentDictionary<Guid, DateTimeOffset> Created, CpuUsage Usage, double DrainSeconds, DateTimeOffset SendStart,
        string SirenPrefix);

    /// <summary>The floors, the registrations sent on the clock, and the wait for late webhooks.</summary>
    private async Task<Measured> MeasureAsync(AccessTokens admin, WebhookReceiver receiver, Guid endpointId, TimeSpan duration,
        CancellationToken ct)
    {
        // Floors: the gateway with one client, and webhooks sent on demand by partner-hooks to this receiver (the last
        // stage alone: signing, the HTTP call, the attempt recorded).
        var pingFloor = await scenarios.GatewayPingAsync("gateway ping, 1 client", 1, options.FloorDuration, TimeSpan.FromSeconds(1), ct);
        var onDemand = await OnDemandPingsAsync(admin, endpointId, ct);
        progress.WriteLine($"[bench] {PingFloorCount} webhooks on demand (POST …/endpoints/{{id}}/ping): {onDemand}");

        var factory = new CooperativeFactory("webhook");
        var warmup = await WarmUpAsync(factory, receiver, ct);

        progress.WriteLine(string.Create(Invariant,
            $"[bench] webhook-delivery: {options.Rate:0.#} registrations/s for {duration.TotalSeconds:0.#} s, each a CooperativeJoined webhook..."));
        var before = cpu.Take();
        var sendStart = DateTimeOffset.UtcNow;
        var (sending, created) = await RegisterAtRateAsync("register, open loop", factory, duration, ct);
        progress.WriteLine($"[bench] {sending.Line()}");

        // Late webhooks: wait until every created cooperative has arrived, or for --missing-after at most.
        var drainSeconds = await WaitForWebhooksAsync(receiver, created.Keys, options.MissingAfter, ct);
        var usage = CpuSampler.Between(before, cpu.Take());
        return new Measured(pingFloor, onDemand, warmup, sending, created, usage, drainSeconds, sendStart, factory.Prefix);
    }

    /// <summary>Registrations at the rate for <see cref="WarmupDuration"/>, then the wait for their webhooks (30 s at most).</summary>
    private async Task<Warmup> WarmUpAsync(CooperativeFactory factory, WebhookReceiver receiver, CancellationToken ct)
    {
        progress.WriteLine(string.Create(Invariant,
            $"[bench] webhook-delivery: warm-up, {options.Rate:0.#} registrations/s for {WarmupDuration.TotalSeconds:0} s (not measured)..."));
        var (sending, created) = await RegisterAtRateAsync("warm-up, open loop", factory, WarmupDuration, ct);
        var drainSeconds = await WaitForWebhooksAsync(receiver, created.Keys, TimeSpan.FromSeconds(30), ct);
        var warmup = new Warmup(WarmupDuration.TotalSeconds, sending.Requests, created.Keys.Count(receiver.HasCooperative), drainSeconds);
        progress.WriteLine($"[bench] warm-up: {warmup.Delivered} of {warmup.Registrations} webhooks arrived, the last {warmup.DrainSeconds} s after the sending ended");
        return warmup;
    }

    /// <summary>Registrations open-loop at <c>--rate</c>: the phase, and each cooperative created with its registration time.</summary>
    private async Task<(PhaseResult Sending, ConcurrentDictionary<Guid, DateTimeOffset> Created)> RegisterAtRateAsync(string name,
        CooperativeFactory factory, TimeSpan duration, CancellationToken ct)
    {
        var created = new ConcurrentDictionary<Guid, DateTimeOffset>();
        var sending = await HttpLoad.OpenLoopAsync(name, options.Rate, TimeSpan.Zero, duration, async token =>
        {
            var (outcome, cooperative) = await Requests.RegisterAsync(http, factory.Next(), token);
            if (cooperative is not null)
            {
                created[cooperative.Id] = cooperative.RegisteredAt;
            }

            return outcome;
        }, ct);
        return (sending, created);
    }

    /// <summary>Waits until the webhook of every cooperative in <paramref name="ids"/> has arrived, or <paramref name="limit"/>; the seconds waited.</summary>
    private static async Task<double> WaitForWebhooksAsync(WebhookReceiver receiver, ICollection<Guid> ids, TimeSpan limit, CancellationToken ct)
    {
        var drain = Stopwatch.StartNew();
        while (drain.Elapsed < limit && !ct.IsCancellationRequested && !ids.All(receiver.HasCooperative))
        {
            await Task.Delay(50, ct);
        }

        return Math.Round(drain.Elapsed.TotalSeconds, 2);
    }

    /// <summary>What the warm-up sent and how long its last webhooks took to arrive after it.</summary>
    public sealed record Warmup(double Seconds, long Registrations, long Delivered, double DrainSeconds);

    /// <summary>A partner of this run and its endpoint (the receiver), through the API; the signing secret is shown once.</summary>
    private async Task<(Guid EndpointId, string Secret)> SubscribeAsync(AccessTokens admin, string url, string run, CancellationToken ct)
    {
        using var partner = await AdminJsonAsync(admin, HttpMethod.Post, $"{HooksPrefix}/partners",
            new { code = $"bench-{run}", name = $"Bench receiver {run}" }, HttpStatusCode.Created, ct);
        var partnerId = partner.RootElement.GetProperty("id").GetGuid();
        using var endpoint = await AdminJsonAsync(admin, HttpMethod.Post, $"{HooksPrefix}/partners/{partnerId}/endpoints",
            new { url, eventTypes = new[] { EventType }, description = $"bench webhook-delivery {run}" }, HttpStatusCode.Created, ct);
        return (endpoint.RootElement.GetProperty("endpoint").GetProperty("id").GetGuid(),
            endpoint.RootElement.GetProperty("secret").GetString()!);
    }

    /// <summary>Webhooks sent on demand, one after the other: the time of each API call (the attempt is made inside it).</summary>
    private async Task<LatencySummary> OnDemandPingsAsync(AccessTokens admin, Guid endpointId, CancellationToken ct)
    {
        var latencies = new List<double>();
        for (var i = 0; i < PingFloorCount; i++)
        {
            var start = Stopwatch.GetTimestamp();
            using var answer = await AdminJsonAsync(admin, HttpMethod.Post, $"{HooksPrefix}/endpoints/{endpointId}/ping", null, HttpStatusCode.OK, ct);
            latencies.Add(HttpLoad.Milliseconds(start, Stopwatch.GetTimestamp()));
            if (answer.RootElement.GetProperty("status").GetString() != "Succeeded")
            {
                throw new BenchSetupException($"partner-hooks could not deliver a ping to the bench's receiver: {answer.RootElement}");
            }
        }

        return LatencySummary.From(latencies);
    }

    /// <summary>The receiver answers 410 Gone to a last ping, which disables the endpoint. True when it is disabled.</summary>
    private async Task<bool> RetireAsync(AccessTokens admin, WebhookReceiver receiver, Guid endpointId, CancellationToken ct)
    {
        receiver.Gone = true;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"{HooksPrefix}/endpoints/{endpointId}/ping");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await admin.GetAsync(ct));
            using (await http.SendAsync(request, ct))
            {
            }

            using var endpoint = await AdminJsonAsync(admin, HttpMethod.Get, $"{HooksPrefix}/endpoints/{endpointId}", null, HttpStatusCode.OK, ct);
            return !endpoint.RootElement.GetProperty("enabled").GetBoolean();
        }
        catch (Exception e) when (e is HttpRequestException or BenchSetupException or JsonException or TaskCanceledException)
        {
            progress.WriteLine($"[bench] could not disable endpoint {endpointId}: {e.Message}");
            return false;
        }
    }

    private async Task<JsonDocument> AdminJsonAsync(AccessTokens admin, HttpMethod method, string path, object? body,
        HttpStatusCode expected, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, path);
        // Set here, not by the bench's handler: the ping path is anonymous for that handler, not for partner-hooks.
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await admin.GetAsync(ct));
        if (body is not null)
        {
            request.Content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
        }

        using var response = await http.SendAsync(request, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        if (response.StatusCode != expected)
        {
            throw new BenchSetupException($"{method} {path} answered {(int)response.StatusCode}, expected {(int)expected}: {text}");
        }

        return JsonDocument.Parse(text);
    }

    /// <summary>
    /// Where the time goes, read (read-only) from the two databases: the event's time to membership's outbox row marked
    /// sent (the relay), "sent" to the delivery row in partner-hooks (RabbitMQ and the consumer, up to the moment it plans
    /// the delivery), the delivery row to the first attempt (the consumer's commit, then partner-hooks' worker), and the
    /// attempts each delivery took.
    /// </summary>
    private async Task<Dictionary<string, object?>> StagesAsync(IReadOnlyDictionary<Guid, (DateTimeOffset Time, DateTimeOffset ReceivedAt)> events,
        Guid endpointId, CancellationToken ct)
    {
        if (events.Count == 0)
        {
            return new() { ["error"] = "no webhook received" };
        }

        try
        {
            var ids = events.Keys.ToArray();
            var sent = new Dictionary<Guid, DateTimeOffset>();
            await using (var membership = await OpenAsync("membership", ct))
            await using (var command = new NpgsqlCommand("SELECT id, sent_at FROM outbox_messages WHERE id = ANY(@ids) AND sent_at IS NOT NULL", membership))
            {
                command.Parameters.AddWithValue("ids", ids);
                await using var reader = await command.ExecuteReaderAsync(ct);
                while (await reader.ReadAsync(ct))
                {
                    sent[reader.GetGuid(0)] = reader.GetFieldValue<DateTimeOffset>(1);
                }
            }

            var relay = new List<double>();
            var toDelivery = new List<double>();
            var toFirstAttempt = new List<double>();
            var attempts = new SortedDictionary<int, long>();
            await using (var hooks = await OpenAsync("partnerhooks", ct))
            await using (var command = new NpgsqlCommand(
                """
                SELECT d.event_id, d.created_at, d.attempt_count,
                       (SELECT min(a.attempted_at) FROM delivery_attempts a WHERE a.delivery_id = d.id)
                FROM deliveries d WHERE d.endpoint_id = @endpoint AND d.event_id = ANY(@ids)
                """, hooks))
            {
                command.Parameters.AddWithValue("endpoint", endpointId);
                command.Parameters.AddWithValue("ids", ids);
                await using var reader = await command.ExecuteReaderAsync(ct);
                while (await reader.ReadAsync(ct))
                {
                    var id = reader.GetGuid(0);
                    var createdAt = reader.GetFieldValue<DateTimeOffset>(1);
                    attempts[reader.GetInt32(2)] = attempts.GetValueOrDefault(reader.GetInt32(2)) + 1;
                    if (!reader.IsDBNull(3))
                    {
                        toFirstAttempt.Add((reader.GetFieldValue<DateTimeOffset>(3) - createdAt).TotalMilliseconds);
                    }

                    if (sent.TryGetValue(id, out var sentAt))
                    {
                        relay.Add((sentAt - events[id].Time).TotalMilliseconds);
                        toDelivery.Add((createdAt - sentAt).TotalMilliseconds);
                    }
                }
            }

            return new()
            {
                ["source"] = "membership.outbox_messages (sent_at) and partnerhooks.deliveries / delivery_attempts, joined by event id",
                ["eventTimeToOutboxSentAtMs"] = LatencySummary.From(relay),
                ["outboxSentAtToDeliveryCreatedAtMs"] = LatencySummary.From(toDelivery),
                ["deliveryCreatedAtToFirstAttemptMs"] = LatencySummary.From(toFirstAttempt),
                ["attemptsPerDelivery"] = attempts.ToDictionary(a => a.Key.ToString(Invariant), a => a.Value),
            };
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            return new() { ["error"] = e.Message };
        }
    }

    private async Task<NpgsqlConnection> OpenAsync(string database, CancellationToken ct)
    {
        var builder = new NpgsqlConnectionStringBuilder(options.Pg) { Database = database, Pooling = false, Timeout = 10 };
        var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync(ct);
        return connection;
    }
}

/// <summary>
/// A partner's webhook receiver inside the bench process: verifies each Standard Webhooks signature (HMAC-SHA256 of
/// <c>{webhook-id}.{webhook-timestamp}.{body}</c> with the endpoint's secret), refuses timestamps more than 5 minutes
/// off, deduplicates on <c>webhook-id</c>, and answers 204 at once (401 to a bad signature, 410 once retired).
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    public static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(5);

    private WebApplication? app;
    private readonly ConcurrentDictionary<string, Received> byWebhookId = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Guid, byte> cooperatives = new();
    private long duplicates;
    private long receipts;
    private long repeats;
    private long badSignatures;
    private long staleTimestamps;
    private volatile byte[]? key;

    /// <summary>One webhook as received the first time.</summary>
    public sealed record Received(Guid EventId, string Type, DateTimeOffset Time, Guid? CooperativeId, DateTimeOffset ReceivedAt,
        Guid? EnrolmentId = null, Guid? PremiumId = null);

    /// <summary>What arrived, by the record each event is about: the cooperative joined, the enrolment requested, the job premium granted.</summary>
    public sealed record ReceivedEvents(IReadOnlySet<Guid> Cooperatives, IReadOnlySet<Guid> Enrolments, IReadOnlySet<Guid> Premiums,
        long SubjectsUnderSeveralWebhookIds)
    {
        public bool ContainsCooperative(Guid id) => Cooperatives.Contains(id);

        public bool ContainsEnrolment(Guid id) => Enrolments.Contains(id);
    }

    public string Url { get; private set; } = "";

    public bool Gone { get; set; }

    /// <summary>The endpoint's signing secret (<c>whsec_…</c>); until it is known every request is refused.</summary>
    public string Secret
    {
        set => key = Convert.FromBase64String(value.StartsWith("whsec_", StringComparison.Ordinal) ? value[6..] : value);
    }

    public long BadSignatures => Interlocked.Read(ref badSignatures);

    /// <summary>Requests accepted, repeats of a webhook-id included.</summary>
    public long Receipts => Interlocked.Read(ref receipts);

    /// <summary>Repeats of a webhook-id already received: a retry or a replay, which the partner drops.</summary>
    public long Repeats => Interlocked.Read(ref repeats);

    /// <summary>Repeats of a webhook-id already received, and events of one record under a second webhook-id.</summary>
    public long Duplicates => Interlocked.Read(ref duplicates);

    /// <summary>The events received, after deduplication on webhook-id.</summary>
    public ReceivedEvents ReceivedByEvent()
    {
        var first = byWebhookId.Values.ToList();
        var cooperativesSeen = first.Where(r => r.CooperativeId is not null).GroupBy(r => r.CooperativeId!.Value).ToList();
        var enrolmentsSeen = first.Where(r => r.EnrolmentId is not null).GroupBy(r => r.EnrolmentId!.Value).ToList();
        var premiumsSeen = first.Where(r => r.PremiumId is not null).GroupBy(r => r.PremiumId!.Value).ToList();
        return new ReceivedEvents(cooperativesSeen.Select(g => g.Key).ToHashSet(), enrolmentsSeen.Select(g => g.Key).ToHashSet(),
            premiumsSeen.Select(g => g.Key).ToHashSet(),
            cooperativesSeen.Count(g => g.Count() > 1) + enrolmentsSeen.Count(g => g.Count() > 1) + premiumsSeen.Count(g => g.Count() > 1));
    }

    public long StaleTimestamps => Interlocked.Read(ref staleTimestamps);

    public bool HasCooperative(Guid id) => cooperatives.ContainsKey(id);

    public static async Task<WebhookReceiver> StartAsync(CancellationToken ct)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var receiver = new WebhookReceiver();
        var app = receiver.app = builder.Build();
        app.MapPost("/hooks", receiver.HandleAsync);
        await app.StartAsync(ct);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver.Url = new Uri(new Uri(address), "/hooks").ToString();
        return receiver;
    }

    private async Task<IResult> HandleAsync(HttpRequest request)
    {
        var receivedAt = DateTimeOffset.UtcNow;
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer);
        var body = buffer.ToArray();
        if (Gone)
        {
            return Results.StatusCode(StatusCodes.Status410Gone);
        }

        var id = request.Headers["webhook-id"].ToString();
        var timestampText = request.Headers["webhook-timestamp"].ToString();
        var signatures = request.Headers["webhook-signature"].ToString();
        if (key is not { } secret || id.Length == 0
            || !long.TryParse(timestampText, NumberStyles.None, CultureInfo.InvariantCulture, out var timestamp)
            || !Verify(secret, id, timestampText, body, signatures))
        {
            Interlocked.Increment(ref badSignatures);
            return Results.StatusCode(StatusCodes.Status401Unauthorized);
        }

        if ((receivedAt - DateTimeOffset.FromUnixTimeSeconds(timestamp)).Duration() > Tolerance)
        {
            Interlocked.Increment(ref staleTimestamps);
            return Results.StatusCode(StatusCodes.Status400BadRequest);
        }

        Received received;
        try
        {
            using var json = JsonDocument.Parse(body);
            var root = json.RootElement;
            var data = root.GetProperty("data");
            received = new Received(Guid.Parse(root.GetProperty("id").GetString()!), root.GetProperty("type").GetString()!,
                root.GetProperty("time").GetDateTimeOffset(),
                data.TryGetProperty("cooperativeId", out var cooperative) ? cooperative.GetGuid() : null, receivedAt,
                data.TryGetProperty("enrolmentId", out var enrolment) ? enrolment.GetGuid() : null,
                data.TryGetProperty("premiumId", out var premium) ? premium.GetGuid() : null);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or FormatException or InvalidOperationException)
        {
            return Results.StatusCode(StatusCodes.Status400BadRequest);
        }

        Interlocked.Increment(ref receipts);
        if (!byWebhookId.TryAdd(id, received))
        {
            Interlocked.Increment(ref repeats);
            Interlocked.Increment(ref duplicates); // a retry of something already accepted: acknowledged, not counted again
        }
        else if (received.CooperativeId is { } cooperativeId && !cooperatives.TryAdd(cooperativeId, 0))
        {
            Interlocked.Increment(ref duplicates); // the same cooperative under another webhook-id
        }

        return Results.NoContent();
    }

    private static bool Verify(byte[] key, string id, string timestamp, byte[] body, string header)
    {
        var prefix = Encoding.UTF8.GetBytes($"{id}.{timestamp}.");
        var content = new byte[prefix.Length + body.Length];
        prefix.CopyTo(content, 0);
        body.CopyTo(content, prefix.Length);
        var expected = Encoding.ASCII.GetBytes("v1," + Convert.ToBase64String(HMACSHA256.HashData(key, content)));
        return header.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Any(candidate => CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(candidate), expected));
    }

    public sealed record Outcome(long Delivered, long Missing, long Duplicates, long NotOfThisRun, long TimeMismatches,
        double DeliveriesPerSecond, LatencySummary LatencyMs, IReadOnlyDictionary<Guid, (DateTimeOffset Time, DateTimeOffset ReceivedAt)> EventIds);

    /// <summary>This run's cooperative events as received: latency from the event's time, missing and duplicates.</summary>
    public Outcome Summarize(IReadOnlyDictionary<Guid, DateTimeOffset> created, DateTimeOffset sendStart)
    {
        var ofThisRun = byWebhookId.Values
            .Where(r => r.CooperativeId is { } id && created.ContainsKey(id))
            .ToList();
        var notOfThisRun = byWebhookId.Values.LongCount(r => r.Type == WebhookDelivery.EventType && !(r.CooperativeId is { } id && created.ContainsKey(id)));
        var mismatches = ofThisRun.LongCount(r => Math.Abs((r.Time - created[r.CooperativeId!.Value]).TotalMilliseconds) > 1);
        var last = ofThisRun.Count > 0 ? ofThisRun.Max(r => r.ReceivedAt) : sendStart;
        var seconds = Math.Max((last - sendStart).TotalSeconds, 0.001);
        var delivered = ofThisRun.Select(r => r.CooperativeId).Distinct().LongCount();
        return new Outcome(
            delivered,
            created.Keys.LongCount(id => !cooperatives.ContainsKey(id)),
            Interlocked.Read(ref duplicates),
            notOfThisRun,
            mismatches,
            Math.Round(delivered / seconds, 1),
            LatencySummary.From(ofThisRun.Select(r => (r.ReceivedAt - r.Time).TotalMilliseconds)),
            ofThisRun.ToDictionary(r => r.EventId, r => (r.Time, r.ReceivedAt)));
    }

    public async ValueTask DisposeAsync()
    {
        if (app is not null)
        {
            await app.StopAsync(CancellationToken.None);
            await app.DisposeAsync();
        }
    }
}
