using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using Scop.Aspire.PartnerHooks.Data;
using Scop.Aspire.ServiceDefaults.Data;

namespace Scop.Aspire.PartnerHooks.Sending;

/// <summary>
/// Sends due deliveries. Claims them with <c>FOR UPDATE SKIP LOCKED</c> (so several replicas share the work) and a
/// lease, then sends each on its own task: at most <see cref="PartnerHooksOptions.MaxConcurrencyPerEndpoint"/> at once
/// per endpoint, endpoints side by side, so a slow receiver holds only its own slots. Everything it needs is in the
/// rows: a restart picks up where the last process stopped.
/// </summary>
public sealed partial class DeliveryWorker(
    NpgsqlDataSource dataSource,
    DeliveryProcessor processor,
    CommitWakeups wakeups,
    TimeProvider time,
    IOptions<PartnerHooksOptions> options,
    ILogger<DeliveryWorker> logger) : BackgroundService
{
    private readonly ConcurrentDictionary<Guid, int> inFlightPerEndpoint = new();
    private readonly ConcurrentDictionary<Task, byte> running = new();
    private readonly WakeChannel signal = wakeups.Channel(PartnerHooksDbContext.DeliveriesChannel);
    private int inFlight;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var claimedAt = time.GetUtcNow();
                var claimed = await ClaimAsync(settings, claimedAt, stoppingToken);
                foreach (var (deliveryId, endpointId) in claimed)
                {
                    Dispatch(deliveryId, endpointId, stoppingToken);
                }

                if (claimed.Count > 0)
                {
                    continue;
                }

                var nextDue = await NextRetryDueAfterAsync(claimedAt, stoppingToken);
                var now = time.GetUtcNow();
                if (nextDue <= now)
                {
                    continue; // a retry fell due while we looked: claim it now rather than after a poll interval
                }

                // Due rows that could not be claimed wait for a free slot (a wake-up) or a lapsed lease (the poll).
                var wait = nextDue is { } due && due - now < settings.PollInterval ? due - now : settings.PollInterval;
                await signal.WaitAsync(wait, time, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception exception)
            {
                LogPassFailed(logger, exception);
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken); // real time: the database may be down
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }

        await Task.WhenAll(running.Keys);
    }

    private void Dispatch(Guid deliveryId, Guid endpointId, CancellationToken stoppingToken)
    {
        inFlightPerEndpoint.AddOrUpdate(endpointId, 1, (_, n) => n + 1);
        Interlocked.Increment(ref inFlight);
        var slotHeld = 1;
        void ReleaseEndpointSlot()
        {
            // Once the receiver has answered, the endpoint's slot goes to its next delivery while this one is recorded.
            if (Interlocked.Exchange(ref slotHeld, 0) == 1)
            {
                inFlightPerEndpoint.AddOrUpdate(endpointId, 0, (_, n) => n - 1);
                signal.Wake();
            }
        }

        var task = Task.Run(async () =>
        {
            try
            {
                await processor.AttemptAsync(deliveryId, stoppingToken, ReleaseEndpointSlot);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
            }
            catch (Exception exception)
            {
                // The claim lapses and the delivery is tried again; nothing is lost.
                LogAttemptCrashed(logger, deliveryId, exception);
            }
            finally
            {
                ReleaseEndpointSlot();
                Interlocked.Decrement(ref inFlight);
                signal.Wake(); // a slot is free
            }
        }, CancellationToken.None);
        running.TryAdd(task, 0);
        task.ContinueWith(t => running.TryRemove(t, out _), TaskScheduler.Default);
    }

    /// <summary>
    /// Claims due deliveries of enabled endpoints, oldest first, no more per endpoint than it has free slots, skipping
    /// rows another worker holds. The lease makes the claim outlive this short transaction. Each enabled endpoint is
    /// looked at through the index of its pending deliveries (at most one slot's worth each), so a pass costs the same
    /// whether ten deliveries wait or a hundred thousand.
    /// </summary>
    private async Task<List<(Guid DeliveryId, Guid EndpointId)>> ClaimAsync(PartnerHooksOptions settings, DateTimeOffset now,
        CancellationToken ct)
    {
        var free = settings.MaxConcurrency - Volatile.Read(ref inFlight);
        if (free <= 0)
        {
            return [];
        }

        var busy = inFlightPerEndpoint.Where(pair => pair.Value > 0).ToArray();
        const string sql = """
            WITH slots AS (
                SELECT * FROM unnest(@busy_ids, @busy_free) AS s(endpoint_id, free)),
            due AS (
                SELECT d.id, d.next_attempt_at, COALESCE(slots.free, @per_endpoint) AS free,
                       row_number() OVER (PARTITION BY e.id ORDER BY d.next_attempt_at, d.id) AS rank
                FROM endpoints e
                LEFT JOIN slots ON slots.endpoint_id = e.id
                CROSS JOIN LATERAL (
                    SELECT p.id, p.next_attempt_at FROM deliveries p
                    WHERE p.endpoint_id = e.id AND p.status = 'Pending' AND p.next_attempt_at <= @now
                      AND (p.claimed_until IS NULL OR p.claimed_until <= @now)
                    ORDER BY p.next_attempt_at, p.id
                    LIMIT @per_endpoint) d
                WHERE e.enabled),
            chosen AS (
                SELECT id FROM due WHERE rank <= free
                ORDER BY next_attempt_at, id
                LIMIT @free)
            UPDATE deliveries SET claimed_until = @lease
            WHERE id IN (
                SELECT d.id FROM deliveries d JOIN chosen ON chosen.id = d.id
                WHERE d.status = 'Pending' AND (d.claimed_until IS NULL OR d.claimed_until <= @now)
                FOR UPDATE OF d SKIP LOCKED)
            RETURNING id, endpoint_id
            """;
        await using var command = dataSource.CreateCommand(sql);
        command.Parameters.Add(new NpgsqlParameter("busy_ids", NpgsqlDbType.Array | NpgsqlDbType.Uuid) { Value = busy.Select(p => p.Key).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("busy_free", NpgsqlDbType.Array | NpgsqlDbType.Integer)
        {
            Value = busy.Select(p => Math.Max(0, settings.MaxConcurrencyPerEndpoint - p.Value)).ToArray(),
        });
        command.Parameters.AddWithValue("now", now);
        command.Parameters.AddWithValue("lease", now + settings.ClaimLease);
        command.Parameters.AddWithValue("per_endpoint", (long)settings.MaxConcurrencyPerEndpoint);
        command.Parameters.AddWithValue("free", (long)free);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var claimed = new List<(Guid, Guid)>();
        while (await reader.ReadAsync(ct))
        {
            claimed.Add((reader.GetGuid(0), reader.GetGuid(1)));
        }

        return claimed;
    }

    /// <summary>
    /// The first pending retry that falls due after <paramref name="after"/>: one step down the index of pending
    /// deliveries by due time. A first attempt is left out (its due time is its creation): its commit wakes the worker,
    /// and counting it here, when every slot is busy and new deliveries keep coming, made the worker spin from claim to
    /// claim. Rows already due but not claimable wait for a wake-up (a slot freed) instead.
    /// </summary>
    private async Task<DateTimeOffset?> NextRetryDueAfterAsync(DateTimeOffset after, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT min(next_attempt_at) FROM deliveries WHERE status = 'Pending' AND next_attempt_at > @after AND next_attempt_at > created_at");
        command.Parameters.AddWithValue("after", after);
        var value = await command.ExecuteScalarAsync(ct);
        return value is DateTime utc ? new DateTimeOffset(DateTime.SpecifyKind(utc, DateTimeKind.Utc)) : null;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Delivery worker pass failed; trying again in 1 s")]
    private static partial void LogPassFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Attempt of delivery {DeliveryId} crashed; its claim will lapse and it will be tried again")]
    private static partial void LogAttemptCrashed(ILogger logger, Guid deliveryId, Exception exception);
}
