using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;

namespace Scop.Aspire.Bench;

/// <summary>
/// Registrations sent open-loop at a fixed rate (each send is scheduled on the clock, whatever the answers) while
/// one poller reads the portal feed. Each created cooperative is matched to its feed entry by subjectId.
/// </summary>
public sealed class EventLatency(HttpClient http, double rate, TimeSpan duration, TimeSpan pollInterval, TimeSpan missingAfter)
{
    private const int FeedPageSize = 100;
    private const int MaxPagesPerPoll = 40;

    private readonly CooperativeFactory factory = new("event-latency");

    // Written by the senders.
    private readonly ConcurrentDictionary<Guid, (long CreatedAt, DateTimeOffset RegisteredAt)> created = new();
    private readonly ConcurrentQueue<double> postLatencies = new();
    private readonly ConcurrentDictionary<string, long> errors = new(StringComparer.Ordinal);
    private long conflicts;
    private long sent;
    private long answered;

    // Written by the poller only.
    private readonly Dictionary<Guid, SeenEntry> seen = [];
    private readonly HashSet<(Guid Subject, Guid Entry)> duplicatePairs = [];
    private readonly List<double> feedReadLatencies = [];
    private readonly Dictionary<string, long> pollErrors = new(StringComparer.Ordinal);
    private long polls;
    private long pages;
    private long maxPagesInOnePoll;

    private sealed record SeenEntry(Guid EntryId, long FirstSeenAt, double ServerMs, DateTimeOffset OccurredAt);

    public sealed record Outcome(
        long Sent,
        long Answered,
        long Created,
        long Conflicts,
        ErrorSummary Errors,
        double SendSeconds,
        double CompletionSeconds,
        double ScheduleLagMaxMs,
        LatencySummary PostLatencyMs,
        LatencySummary ServerLatencyMs,
        LatencySummary ClientObservedLatencyMs,
        long Missing,
        long Duplicates,
        long SeenBefore201,
        long OccurredAtMismatches,
        double DrainSeconds,
        Dictionary<string, object?> Poller,
        LatencySummary FeedReadMs,
        CpuUsage? Cpu);

    public async Task<Outcome> RunAsync(CpuSampler? cpu, CancellationToken ct)
    {
        using var stopPolling = CancellationTokenSource.CreateLinkedTokenSource(ct);
        await PollOnceAsync(ct); // what the feed already holds is not this run's
        var poller = Task.Run(() => PollLoopAsync(stopPolling.Token), ct);

        var before = cpu?.Take();
        var total = (long)Math.Round(rate * duration.TotalSeconds);
        var ticksPerEvent = Stopwatch.Frequency / rate;
        var sends = new List<Task>((int)Math.Min(total, 1_000_000));
        var start = Stopwatch.GetTimestamp();
        var maxLagTicks = 0L;
        for (long i = 0; i < total && !ct.IsCancellationRequested; i++)
        {
            var due = start + (long)(i * ticksPerEvent);
            var wait = due - Stopwatch.GetTimestamp();
            if (wait > 0)
            {
                await Task.Delay(TimeSpan.FromSeconds((double)wait / Stopwatch.Frequency), ct);
            }

            maxLagTicks = Math.Max(maxLagTicks, Stopwatch.GetTimestamp() - due);
            sends.Add(SendAsync(due, ct));
        }

        var sendSeconds = HttpLoad.Milliseconds(start, Stopwatch.GetTimestamp()) / 1000;
        await Task.WhenAll(sends);
        var completionSeconds = HttpLoad.Milliseconds(start, Stopwatch.GetTimestamp()) / 1000;
        var usage = before is null ? null : CpuSampler.Between(before, cpu!.Take());

        // Let late events arrive, up to the limit, then stop the poller.
        var drainStart = Stopwatch.GetTimestamp();
        while (HttpLoad.Milliseconds(drainStart, Stopwatch.GetTimestamp()) < missingAfter.TotalMilliseconds && !ct.IsCancellationRequested)
        {
            lock (seen)
            {
                if (created.Keys.All(seen.ContainsKey))
                {
                    break;
                }
            }

            await Task.Delay(pollInterval, ct);
        }

        var drainSeconds = HttpLoad.Milliseconds(drainStart, Stopwatch.GetTimestamp()) / 1000;
        await stopPolling.CancelAsync();
        await poller;

        return Summarize(sendSeconds, completionSeconds, HttpLoad.Milliseconds(0, maxLagTicks), drainSeconds, usage);
    }

    private async Task SendAsync(long due, CancellationToken ct)
    {
        await Task.Yield();
        Interlocked.Increment(ref sent);
        var registration = factory.Next();
        try
        {
            var (outcome, cooperative) = await Requests.RegisterAsync(http, registration, ct);
            var now = Stopwatch.GetTimestamp();
            if (outcome.Answered)
            {
                Interlocked.Increment(ref answered);
                postLatencies.Enqueue(HttpLoad.Milliseconds(due, now)); // from the scheduled time: no coordinated omission
            }

            switch (outcome.Kind)
            {
                case OutcomeKind.Ok:
                    created[cooperative!.Id] = (now, cooperative.RegisteredAt);
                    break;
                case OutcomeKind.Expected:
                    Interlocked.Increment(ref conflicts);
                    break;
                default:
                    errors.AddOrUpdate(outcome.Key, 1, (_, n) => n + 1);
                    break;
            }
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
        {
            errors.AddOrUpdate($"exception: {e.GetType().Name}", 1, (_, n) => n + 1);
        }
    }

    private async Task PollLoopAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                await PollOnceAsync(ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException or JsonException)
            {
                pollErrors[$"exception: {e.GetType().Name}"] = pollErrors.GetValueOrDefault($"exception: {e.GetType().Name}") + 1;
            }

            var left = pollInterval.TotalMilliseconds - HttpLoad.Milliseconds(started, Stopwatch.GetTimestamp());
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Max(left, 1)), ct);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>
    /// Reads the newest page, and older pages while a created cooperative not yet seen may be further back (its
    /// registeredAt, the event's occurredAt, is older than the oldest entry read so far).
    /// </summary>
    private async Task PollOnceAsync(CancellationToken ct)
    {
        polls++;
        var oldestPending = OldestPending();
        string? cursor = null;
        var pagesThisPoll = 0;
        do
        {
            var url = string.Create(CultureInfo.InvariantCulture, $"{Requests.FeedPath}?limit={FeedPageSize}")
                      + (cursor is null ? "" : "&before=" + Uri.EscapeDataString(cursor));
            var requested = Stopwatch.GetTimestamp();
            using var response = await http.GetAsync(url, ct);
            var body = await response.Content.ReadAsStringAsync(ct);
            var now = Stopwatch.GetTimestamp();
            feedReadLatencies.Add(HttpLoad.Milliseconds(requested, now));
            pages++;
            pagesThisPoll++;
            if (response.StatusCode != HttpStatusCode.OK)
            {
                var key = ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture);
                pollErrors[key] = pollErrors.GetValueOrDefault(key) + 1;
                return;
            }

            using var json = JsonDocument.Parse(body);
            DateTimeOffset? oldestOnPage = null;
            foreach (var item in json.RootElement.GetProperty("items").EnumerateArray())
            {
                var subject = item.GetProperty("subjectId").GetGuid();
                var entry = item.GetProperty("id").GetGuid();
                var occurredAt = item.GetProperty("occurredAt").GetDateTimeOffset();
                var publishedAt = item.GetProperty("publishedAt").GetDateTimeOffset();
                oldestOnPage = occurredAt;
                lock (seen)
                {
                    if (seen.TryGetValue(subject, out var known))
                    {
                        if (known.EntryId != entry)
                        {
                            duplicatePairs.Add((subject, entry));
                        }
                    }
                    else
                    {
                        seen[subject] = new SeenEntry(entry, now, (publishedAt - occurredAt).TotalMilliseconds, occurredAt);
                    }
                }
            }

            cursor = json.RootElement.TryGetProperty("nextCursor", out var next) && next.ValueKind == JsonValueKind.String
                ? next.GetString()
                : null;
            if (oldestPending is null || oldestOnPage is null || oldestOnPage <= oldestPending)
            {
                break;
            }
        }
        while (cursor is not null && pagesThisPoll < MaxPagesPerPoll && !ct.IsCancellationRequested);

        maxPagesInOnePoll = Math.Max(maxPagesInOnePoll, pagesThisPoll);
    }

    private DateTimeOffset? OldestPending()
    {
        DateTimeOffset? oldest = null;
        lock (seen)
        {
            foreach (var (id, (_, registeredAt)) in created)
            {
                if (!seen.ContainsKey(id) && (oldest is null || registeredAt < oldest))
                {
                    oldest = registeredAt;
                }
            }
        }

        // A small margin: the feed stores microseconds, the 201 body carries the same instant.
        return oldest?.AddMilliseconds(-1);
    }

    /// <summary>
    /// Where the commit-to-feed time goes, read (read-only) from membership's outbox: handler timestamp to outbox row,
    /// outbox row to "sent" (relay wake-up, publish, broker confirm) and "sent" to the portal's feed entry (broker
    /// delivery and consumer). Null when the membership database cannot be read.
    /// </summary>
    public async Task<Dictionary<string, object?>?> StagesAsync(string connectionString, CancellationToken ct)
    {
        Dictionary<Guid, SeenEntry> entries;
        lock (seen)
        {
            entries = created.Keys.Where(seen.ContainsKey).ToDictionary(id => id, id => seen[id]);
        }

        if (entries.Count == 0)
        {
            return null;
        }

        try
        {
            var builder = new Npgsql.NpgsqlConnectionStringBuilder(connectionString) { Database = "membership", Pooling = false, Timeout = 10 };
            await using var connection = new Npgsql.NpgsqlConnection(builder.ConnectionString);
            await connection.OpenAsync(ct);
            await using var command = new Npgsql.NpgsqlCommand(
                "SELECT aggregate_id, created_at, sent_at FROM outbox_messages WHERE aggregate_id = ANY(@ids)", connection);
            command.Parameters.AddWithValue("ids", entries.Keys.Select(k => k.ToString()).ToArray());
            var handlerToRow = new List<double>();
            var rowToSent = new List<double>();
            var sentToFeed = new List<double>();
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                if (!Guid.TryParse(reader.GetString(0), out var id) || !entries.TryGetValue(id, out var entry))
                {
                    continue;
                }

                var createdAt = reader.GetFieldValue<DateTimeOffset>(1);
                handlerToRow.Add((createdAt - entry.OccurredAt).TotalMilliseconds);
                if (!reader.IsDBNull(2))
                {
                    var sentAt = reader.GetFieldValue<DateTimeOffset>(2);
                    rowToSent.Add((sentAt - createdAt).TotalMilliseconds);
                    sentToFeed.Add((entry.OccurredAt.AddMilliseconds(entry.ServerMs) - sentAt).TotalMilliseconds);
                }
            }

            return new Dictionary<string, object?>
            {
                ["source"] = "membership.outbox_messages (created_at, sent_at) joined with the feed entries by cooperative id",
                ["occurredAtToOutboxCreatedAtMs"] = LatencySummary.From(handlerToRow),
                ["outboxCreatedAtToSentAtMs"] = LatencySummary.From(rowToSent),
                ["sentAtToFeedPublishedAtMs"] = LatencySummary.From(sentToFeed),
            };
        }
        catch (Exception e) when (e is Npgsql.NpgsqlException or TimeoutException or InvalidOperationException)
        {
            return new Dictionary<string, object?> { ["error"] = e.Message };
        }
    }

    private Outcome Summarize(double sendSeconds, double completionSeconds, double maxLagMs, double drainSeconds, CpuUsage? usage)
    {
        var server = new List<double>();
        var client = new List<double>();
        long missing = 0, seenBefore201 = 0, mismatches = 0;
        lock (seen)
        {
            foreach (var (id, (createdAt, registeredAt)) in created)
            {
                if (!seen.TryGetValue(id, out var entry))
                {
                    missing++;
                    continue;
                }

                server.Add(entry.ServerMs);
                var observed = HttpLoad.Milliseconds(createdAt, entry.FirstSeenAt);
                if (observed < 0)
                {
                    seenBefore201++;
                    observed = 0;
                }

                client.Add(observed);
                if (Math.Abs((entry.OccurredAt - registeredAt).TotalMilliseconds) > 1)
                {
                    mismatches++;
                }
            }
        }

        var errorBreakdown = new SortedDictionary<string, long>(errors, StringComparer.Ordinal);
        var duplicateSubjects = duplicatePairs.Select(p => p.Subject).Distinct().Count(created.ContainsKey);
        return new Outcome(
            Interlocked.Read(ref sent),
            Interlocked.Read(ref answered),
            created.Count,
            Interlocked.Read(ref conflicts),
            new ErrorSummary(errorBreakdown.Values.Sum(), errorBreakdown),
            Math.Round(sendSeconds, 3),
            Math.Round(completionSeconds, 3),
            Math.Round(maxLagMs, 2),
            LatencySummary.From(postLatencies),
            LatencySummary.From(server),
            LatencySummary.From(client),
            missing,
            duplicateSubjects,
            seenBefore201,
            mismatches,
            Math.Round(drainSeconds, 2),
            new Dictionary<string, object?>
            {
                ["polls"] = polls,
                ["pages"] = pages,
                ["maxPagesInOnePoll"] = maxPagesInOnePoll,
                ["errors"] = new SortedDictionary<string, long>(pollErrors, StringComparer.Ordinal),
                ["duplicateEntriesOutsideThisRun"] = duplicatePairs.Count(p => !created.ContainsKey(p.Subject)),
            },
            LatencySummary.From(feedReadLatencies),
            usage);
    }
}
