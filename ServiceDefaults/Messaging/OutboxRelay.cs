using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text.Json;
using MassTransit;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Scop.Aspire.ServiceDefaults.Data;

namespace Scop.Aspire.ServiceDefaults.Messaging;

/// <summary>
/// Publishes the outbox: claims due rows with <c>FOR UPDATE SKIP LOCKED</c> (so several replicas can run), publishes
/// them with broker confirms under the trace of the request that wrote them, marks them sent in the same
/// transaction, and backs off while the broker is down. A crash between publish and commit leaves the rows pending:
/// they are published again, and the consumers' inboxes absorb the duplicate.
/// </summary>
public sealed partial class OutboxRelay : BackgroundService
{
    private readonly NpgsqlDataSource dataSource;
    private readonly IBus bus;
    private readonly OutboxOptions options;
    private readonly TimeProvider time;
    private readonly ILogger<OutboxRelay> logger;
    private readonly WakeChannel signal;
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, KnownType?> MessageTypes = new();
    private DateTimeOffset lastCleanup = DateTimeOffset.MinValue;
    private DateTimeOffset lastMeasured = DateTimeOffset.MinValue;
    private DateTimeOffset nextDueReadAt = DateTimeOffset.MinValue;
    private DateTimeOffset? nextDue;
    private long pendingCount;
    private double oldestPendingAgeSeconds;

    public OutboxRelay(NpgsqlDataSource dataSource, IBus bus, IOptions<OutboxOptions> options, TimeProvider time,
        ILogger<OutboxRelay> logger, IMeterFactory meters, CommitWakeups wakeups)
    {
        this.dataSource = dataSource;
        this.bus = bus;
        this.options = options.Value;
        this.time = time;
        this.logger = logger;
        signal = wakeups.Channel(MessagingModel.OutboxChannel);

        var meter = meters.Create(MessagingTelemetry.MeterName);
        meter.CreateObservableGauge("scop.outbox.pending", () => Volatile.Read(ref pendingCount), "{message}",
            "Outbox rows due and not yet published (timers waiting for their moment are not counted)");
        meter.CreateObservableGauge("scop.outbox.oldest_pending_age", () => Volatile.Read(ref oldestPendingAgeSeconds), "s",
            "Time since the oldest row due and not yet published became due");
        Published = meter.CreateCounter<long>("scop.outbox.published", "{message}", "Outbox rows published");
    }

    private Counter<long> Published { get; }

    /// <summary>
    /// Runs after a batch is published and before it is marked sent. Tests throw from it to act out a relay that
    /// dies at the worst moment.
    /// </summary>
    internal Func<CancellationToken, Task>? AfterPublishBeforeCommit { get; set; }

    /// <summary>Asks the relay to look now, e.g. after a test wrote rows without a notification.</summary>
    public void Wake() => signal.Wake();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var backoff = options.MinBackoff;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var claimed = await PublishPendingAsync(stoppingToken);
                backoff = options.MinBackoff;
                await MeasureAndCleanUpAsync(stoppingToken);
                if (claimed < options.BatchSize)
                {
                    // The real clock: it paces the polling of a database that lives in real time, while due times
                    // follow the relay's TimeProvider.
                    await signal.WaitAsync(await TimeUntilNextDueAsync(idle: claimed == 0, stoppingToken), TimeProvider.System,
                        stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception exception)
            {
                LogPassFailed(logger, backoff.TotalSeconds, exception);
                await DelayUnlessStoppingAsync(backoff, stoppingToken); // new rows do not cut a back-off short
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, options.MaxBackoff.Ticks));
            }
        }
    }

    /// <summary>Back-off waits run on the real clock, like the broker they wait for.</summary>
    private static async Task DelayUnlessStoppingAsync(TimeSpan delay, CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(delay, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>One pass: claim, publish, mark sent. Returns how many rows were claimed.</summary>
    internal async Task<int> PublishPendingAsync(CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);

        var rows = await ClaimAsync(connection, transaction, ct);
        if (rows.Count == 0)
        {
            return 0;
        }

        var outcomes = await PublishInOrderPerAggregateAsync(rows, ct);
        if (AfterPublishBeforeCommit is { } hook)
        {
            await hook(ct);
        }

        var sentIds = outcomes.Where(o => o.Error is null).Select(o => o.Row.Id).ToArray();
        await MarkSentAsync(connection, transaction, sentIds, time.GetUtcNow(), ct);
        foreach (var failed in outcomes.Where(o => o.Error is not null))
        {
            await RecordFailureAsync(connection, transaction, failed.Row.Id, failed.Error!, ct);
        }

        await transaction.CommitAsync(ct);
        Published.Add(sentIds.Length);

        var firstError = outcomes.FirstOrDefault(o => o.Error is not null).Error;
        if (firstError is not null)
        {
            throw new OutboxPublishException($"{outcomes.Count(o => o.Error is not null)} outbox row(s) could not be published", firstError);
        }

        return rows.Count;
    }

    /// <summary>
    /// Claims due rows, oldest first, skipping rows another relay holds: events to publish now through their index in
    /// order, timers that fell due through theirs (never scanning the timers still waiting). A row is kept only if no earlier unsent due
    /// row of its aggregate is left outside the claim: that keeps the order per aggregate across replicas. A timer not
    /// yet due holds nothing back: it belongs at its moment, after whatever its aggregate publishes meanwhile.
    /// </summary>
    private async Task<List<PendingRow>> ClaimAsync(NpgsqlConnection connection, NpgsqlTransaction transaction,
        CancellationToken ct)
    {
        const string sql = $"""
            WITH immediate AS (
                SELECT id, sequence, aggregate_id, message_type, body, trace_parent, trace_state
                FROM {MessagingModel.OutboxTable}
                WHERE sent_at IS NULL AND not_before IS NULL
                ORDER BY sequence
                LIMIT @limit
                FOR UPDATE SKIP LOCKED),
            due_timers AS (
                SELECT id, sequence, aggregate_id, message_type, body, trace_parent, trace_state
                FROM {MessagingModel.OutboxTable}
                WHERE sent_at IS NULL AND not_before IS NOT NULL AND not_before <= @now
                ORDER BY not_before
                LIMIT @limit
                FOR UPDATE SKIP LOCKED),
            claimed AS (
                SELECT * FROM immediate
                UNION ALL
                SELECT * FROM due_timers)
            SELECT c.id, c.aggregate_id, c.message_type, c.body, c.trace_parent, c.trace_state
            FROM claimed c
            WHERE c.aggregate_id IS NULL OR NOT EXISTS (
                SELECT 1 FROM {MessagingModel.OutboxTable} earlier
                WHERE earlier.aggregate_id = c.aggregate_id
                  AND earlier.sent_at IS NULL
                  AND (earlier.not_before IS NULL OR earlier.not_before <= @now)
                  AND earlier.sequence < c.sequence
                  AND earlier.id NOT IN (SELECT id FROM claimed))
            ORDER BY c.sequence
            """;
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        command.Parameters.AddWithValue("now", time.GetUtcNow());
        command.Parameters.AddWithValue("limit", options.BatchSize);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var rows = new List<PendingRow>();
        while (await reader.ReadAsync(ct))
        {
            rows.Add(new PendingRow(
                reader.GetGuid(0),
                reader.IsDBNull(1) ? null : reader.GetString(1),
                reader.GetString(2),
                reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetString(4),
                reader.IsDBNull(5) ? null : reader.GetString(5)));
        }

        return rows;
    }

    /// <summary>
    /// Every aggregate of the claim is published at once; within one aggregate, one event after the other, stopping at
    /// the first failure so nothing overtakes an event that did not leave. Each publish waits for the broker's confirm:
    /// sixteen at a time, the relay waited on confirms most of a pass, and under 20 s of registrations it fell 4,000
    /// events behind them. The claim (<see cref="OutboxOptions.BatchSize"/>) bounds how many are in flight.
    /// </summary>
    private async Task<List<Outcome>> PublishInOrderPerAggregateAsync(List<PendingRow> rows, CancellationToken ct)
    {
        var perAggregate = rows.GroupBy(row => row.AggregateId ?? row.Id.ToString()).Select(group => group.ToList()).ToList();
        // An event published in packs goes in one when it is its aggregate's only row of the claim: nothing of that
        // aggregate has to wait for it, and no pack holds two events of one aggregate, so packs keep the order too.
        var packable = perAggregate
            .Where(group => group.Count == 1 && KnownTypeNamed(group[0].MessageType) is { InPacks: true })
            .Select(group => group[0])
            .GroupBy(row => row.MessageType)
            .Where(sameType => sameType.Count() > 1)
            .SelectMany(sameType => sameType.Chunk(InboxBatchLimits.MaxBatchSize))
            .ToList();
        var packed = packable.SelectMany(pack => pack).Select(row => row.Id).ToHashSet();
        var published = await Task.WhenAll(perAggregate
            .Where(group => !packed.Contains(group[0].Id))
            .Select(group => PublishInOrderAsync(group, ct))
            .Concat(packable.Select(pack => PublishPackAsync(pack, ct))));
        return [.. published.SelectMany(outcomes => outcomes)];
    }

    /// <summary>Publishes <paramref name="rows"/>, events of one type, as one <see cref="Pack{TMessage}"/>: all sent or none.</summary>
    private async Task<List<Outcome>> PublishPackAsync(PendingRow[] rows, CancellationToken ct)
    {
        try
        {
            var messageType = MessageTypeOf(rows[0]);
            var (packType, pack) = PackOf(messageType, rows);
            using var activity = MessagingTelemetry.ActivitySource.StartActivity(
                $"outbox publish {messageType.Name} pack", ActivityKind.Producer, parentContext: default,
                links: rows.Select(row => ActivityContext.TryParse(row.TraceParent, row.TraceState, isRemote: true, out var sent)
                    ? new ActivityLink(sent) : default).Where(link => link.Context != default));
            activity?.SetTag("messaging.batch.message_count", rows.Length);

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(options.PublishTimeout);
            await bus.Publish(pack, packType, timeout.Token);
            return [.. rows.Select(row => new Outcome(row, null))];
        }
        catch (Exception exception) when (!ct.IsCancellationRequested)
        {
            return [.. rows.Select(row => new Outcome(row, exception))];
        }
    }

    /// <summary>The type an outbox row names, looked up once per name, with whether it goes in packs.</summary>
    private static KnownType? KnownTypeNamed(string name) =>
        MessageTypes.GetOrAdd(name, n => Type.GetType(n, throwOnError: false) is { } type
            ? new KnownType(type, type.IsDefined(typeof(Contracts.PublishedInPacksAttribute), inherit: false))
            : null);

    private static Type MessageTypeOf(PendingRow row) =>
        KnownTypeNamed(row.MessageType)?.Type ?? throw new InvalidOperationException($"Unknown message type '{row.MessageType}'");

    private static object Deserialize(PendingRow row, Type messageType) =>
        JsonSerializer.Deserialize(row.Body, messageType, Outbox.SerializerOptions)
            ?? throw new InvalidOperationException($"Outbox row {row.Id} has an empty body");

    /// <summary>The <see cref="Pack{TMessage}"/> of <paramref name="rows"/>, built for a type known only at run time.</summary>
    private static (Type PackType, object Pack) PackOf(Type messageType, PendingRow[] rows)
    {
        var eventType = typeof(PackedEvent<>).MakeGenericType(messageType);
        var events = Array.CreateInstance(eventType, rows.Length);
        for (var i = 0; i < rows.Length; i++)
        {
            events.SetValue(Activator.CreateInstance(eventType, rows[i].Id, rows[i].TraceParent, Deserialize(rows[i], messageType)), i);
        }

        var packType = typeof(Pack<>).MakeGenericType(messageType);
        return (packType, Activator.CreateInstance(packType, events)!);
    }

    /// <summary>Publishes one aggregate's rows in order; after a failure, the rest are left pending, untried.</summary>
    private async Task<List<Outcome>> PublishInOrderAsync(List<PendingRow> rows, CancellationToken ct)
    {
        var outcomes = new List<Outcome>(rows.Count);
        foreach (var row in rows)
        {
            try
            {
                await PublishAsync(row, ct);
                outcomes.Add(new Outcome(row, null));
            }
            catch (Exception exception) when (!ct.IsCancellationRequested)
            {
                outcomes.Add(new Outcome(row, exception));
                break;
            }
        }

        return outcomes;
    }

    private async Task PublishAsync(PendingRow row, CancellationToken ct)
    {
        var messageType = MessageTypeOf(row);
        var message = Deserialize(row, messageType);

        ActivityContext.TryParse(row.TraceParent, row.TraceState, isRemote: true, out var parent);
        using var activity = MessagingTelemetry.ActivitySource.StartActivity(
            $"outbox publish {messageType.Name}", ActivityKind.Producer, parent);
        activity?.SetTag("messaging.message.id", row.Id);

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(options.PublishTimeout);
        await bus.Publish(message, messageType, context => context.MessageId = row.Id, timeout.Token);
    }

    /// <summary>
    /// Marks rows sent at the relay's clock, the clock the clean-up compares with; rows that must not outlive their
    /// publication (<see cref="OutboxMessage.DeleteWhenSent"/>) are deleted instead, in the same statement.
    /// </summary>
    private static async Task MarkSentAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid[] ids,
        DateTimeOffset now, CancellationToken ct)
    {
        if (ids.Length == 0)
        {
            return;
        }

        await using var command = new NpgsqlCommand(
            $"""
            WITH forgotten AS (DELETE FROM {MessagingModel.OutboxTable} WHERE id = ANY(@ids) AND delete_when_sent)
            UPDATE {MessagingModel.OutboxTable} SET sent_at = @now, attempts = attempts + 1
            WHERE id = ANY(@ids) AND NOT delete_when_sent
            """,
            connection, transaction);
        command.Parameters.AddWithValue("ids", ids);
        command.Parameters.AddWithValue("now", now);
        await command.ExecuteNonQueryAsync(ct);
    }

    private static async Task RecordFailureAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid id,
        Exception error, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(
            $"UPDATE {MessagingModel.OutboxTable} SET attempts = attempts + 1, last_error = @error WHERE id = @id",
            connection, transaction);
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("error", Truncate($"{error.GetType().Name}: {error.Message}", 2000));
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// The wait until the next durable timer falls due, at most the poll interval. The next due time is read again
    /// when the pass found nothing to publish (a new timer woke us, or we are idle) and at least once a second, so a
    /// busy relay does not pay a query per event for it.
    /// </summary>
    private async Task<TimeSpan> TimeUntilNextDueAsync(bool idle, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (idle || now - nextDueReadAt >= TimeSpan.FromSeconds(1))
        {
            await using var command = dataSource.CreateCommand(
                $"SELECT min(not_before) FROM {MessagingModel.OutboxTable} WHERE sent_at IS NULL AND not_before IS NOT NULL AND not_before > @now");
            command.Parameters.AddWithValue("now", now);
            nextDue = await command.ExecuteScalarAsync(ct) is DateTime due
                ? new DateTimeOffset(DateTime.SpecifyKind(due, DateTimeKind.Utc))
                : null;
            nextDueReadAt = now;
        }

        var wait = nextDue is { } next ? next - now : options.PollInterval;
        return wait < options.PollInterval ? wait : options.PollInterval;
    }

    /// <summary>
    /// Refreshes the pending gauges and deletes old sent rows, at most once a second / once an hour. Pending means due
    /// and not yet published: events, and timers whose moment has come, each aged from when it became due. Timers still
    /// waiting are not a backlog, and counting them read every one of them each second: with 200,000 holds waiting
    /// to expire, a parallel scan of 0.3 s a second, which took the booking path's spare CPU.
    /// </summary>
    private async Task MeasureAndCleanUpAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (now - lastMeasured >= TimeSpan.FromSeconds(1))
        {
            lastMeasured = now;
            // Each half walks its own partial index, so the cost follows the backlog, not the table.
            await using var command = dataSource.CreateCommand($"""
                SELECT count(*), min(due_since) FROM (
                    SELECT created_at AS due_since FROM {MessagingModel.OutboxTable}
                    WHERE sent_at IS NULL AND not_before IS NULL
                    UNION ALL
                    SELECT not_before FROM {MessagingModel.OutboxTable}
                    WHERE sent_at IS NULL AND not_before IS NOT NULL AND not_before <= @now) pending
                """);
            command.Parameters.AddWithValue("now", now);
            await using var reader = await command.ExecuteReaderAsync(ct);
            await reader.ReadAsync(ct);
            Volatile.Write(ref pendingCount, reader.GetInt64(0));
            var oldest = reader.IsDBNull(1) ? (DateTime?)null : reader.GetDateTime(1);
            Volatile.Write(ref oldestPendingAgeSeconds,
                oldest is { } o ? Math.Max(0, (now - new DateTimeOffset(DateTime.SpecifyKind(o, DateTimeKind.Utc))).TotalSeconds) : 0);
        }

        if (now - lastCleanup >= TimeSpan.FromHours(1))
        {
            lastCleanup = now;
            await using var delete = dataSource.CreateCommand(
                $"DELETE FROM {MessagingModel.OutboxTable} WHERE sent_at < @before");
            delete.Parameters.AddWithValue("before", now - options.SentRetention);
            await delete.ExecuteNonQueryAsync(ct);
        }
    }

    private static string Truncate(string text, int length) => text.Length <= length ? text : text[..length];

    private sealed record PendingRow(Guid Id, string? AggregateId, string MessageType, string Body, string? TraceParent,
        string? TraceState);

    private readonly record struct Outcome(PendingRow Row, Exception? Error);

    private sealed record KnownType(Type Type, bool InPacks);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox relay pass failed; retrying in {BackoffSeconds} s")]
    private static partial void LogPassFailed(ILogger logger, double backoffSeconds, Exception exception);
}

public sealed class OutboxPublishException(string message, Exception inner) : Exception(message, inner);
