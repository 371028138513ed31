using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Npgsql;
using Scop.Aspire.Notifications.Data;
using Scop.Aspire.ServiceDefaults.Data;

namespace Scop.Aspire.Notifications.Sending;

/// <summary>
/// Sends due e-mails: claims them oldest first with <c>FOR UPDATE SKIP LOCKED</c> and a lease (so replicas share the
/// work and a crashed worker's claims lapse), at most one per SMTP connection at a time. New e-mails wake it when their
/// unit of work commits; retries wake it when they fall due. Everything is in the rows: a restart picks up where the
/// last process stopped.
/// </summary>
public sealed partial class EmailWorker(
    NpgsqlDataSource dataSource,
    EmailSender sender,
    CommitWakeups wakeups,
    TimeProvider time,
    IOptions<NotificationsOptions> options,
    ILogger<EmailWorker> logger) : BackgroundService
{
    private readonly ConcurrentDictionary<Task, byte> running = new();
    private readonly WakeChannel signal = wakeups.Channel(NotificationsDbContext.EmailsChannel);
    private int inFlight;

    /// <summary>Looks for due e-mails now (tests that move the clock, and operators' retries).</summary>
    public void Wake() => signal.Wake();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var now = time.GetUtcNow();
                var free = settings.MaxConnections - Volatile.Read(ref inFlight);
                var claimed = free > 0 ? await ClaimAsync(free, now, settings.ClaimLease, stoppingToken) : [];
                foreach (var id in claimed)
                {
                    Dispatch(id, stoppingToken);
                }

                if (claimed.Count > 0 && claimed.Count == free)
                {
                    continue; // there may be more: the next pass waits only if every connection is busy
                }

                if (Volatile.Read(ref inFlight) >= settings.MaxConnections)
                {
                    await signal.WaitAsync(settings.PollInterval, time, stoppingToken); // a connection frees up
                    continue;
                }

                var nextDue = await NextDueAfterAsync(now, stoppingToken);
                var wait = nextDue is { } due && due - time.GetUtcNow() < settings.PollInterval
                    ? due - time.GetUtcNow()
                    : settings.PollInterval;
                if (wait > TimeSpan.Zero)
                {
                    await signal.WaitAsync(wait, time, stoppingToken);
                }
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

    private void Dispatch(Guid id, CancellationToken stoppingToken)
    {
        Interlocked.Increment(ref inFlight);
        var task = Task.Run(async () =>
        {
            try
            {
                await sender.AttemptAsync(id, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
            }
            catch (Exception exception)
            {
                // The claim lapses and the e-mail is tried again; nothing is lost.
                LogAttemptCrashed(logger, id, exception);
            }
            finally
            {
                Interlocked.Decrement(ref inFlight);
                signal.Wake();
            }
        }, CancellationToken.None);
        running.TryAdd(task, 0);
        task.ContinueWith(t => running.TryRemove(t, out _), TaskScheduler.Default);
    }

    private async Task<List<Guid>> ClaimAsync(int free, DateTimeOffset now, TimeSpan lease, CancellationToken ct)
    {
        const string sql = """
            UPDATE notifications SET claimed_until = @lease
            WHERE id IN (
                SELECT id FROM notifications
                WHERE email_status IN ('Pending', 'Retrying') AND next_attempt_at <= @now
                  AND (claimed_until IS NULL OR claimed_until <= @now)
                ORDER BY next_attempt_at, id
                LIMIT @free
                FOR UPDATE SKIP LOCKED)
            RETURNING id
            """;
        await using var command = dataSource.CreateCommand(sql);
        command.Parameters.AddWithValue("now", now);
        command.Parameters.AddWithValue("lease", now + lease);
        command.Parameters.AddWithValue("free", (long)free);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var claimed = new List<Guid>();
        while (await reader.ReadAsync(ct))
        {
            claimed.Add(reader.GetGuid(0));
        }

        return claimed;
    }

    /// <summary>When the next e-mail falls due after <paramref name="after"/> (a retry); a lapsed lease is found by the poll.</summary>
    private async Task<DateTimeOffset?> NextDueAfterAsync(DateTimeOffset after, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT min(next_attempt_at) FROM notifications
            WHERE email_status IN ('Pending', 'Retrying') AND next_attempt_at > @after
            """);
        command.Parameters.AddWithValue("after", after);
        var value = await command.ExecuteScalarAsync(ct);
        return value is DateTime utc ? new DateTimeOffset(DateTime.SpecifyKind(utc, DateTimeKind.Utc)) : null;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "E-mail worker pass failed; trying again in 1 s")]
    private static partial void LogPassFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Attempt of e-mail {NotificationId} crashed; its claim will lapse and it will be tried again")]
    private static partial void LogAttemptCrashed(ILogger logger, Guid notificationId, Exception exception);
}
