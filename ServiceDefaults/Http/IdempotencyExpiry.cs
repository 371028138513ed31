using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Scop.Aspire.ServiceDefaults.Messaging;

namespace Scop.Aspire.ServiceDefaults.Http;

/// <summary>
/// Deletes kept idempotent answers once they expire (<see cref="IdempotencyOptions.Retention"/> after their request),
/// every <see cref="IdempotencyOptions.PurgeInterval"/>, in batches so a large backlog never holds a long transaction.
/// Several replicas may run it at once: a row is deleted by whichever gets there first. Until it runs, an expired key
/// is already free (the filter claims it again), so the purge only keeps the table small and the answers short-lived.
/// </summary>
public sealed partial class IdempotencyExpiry(NpgsqlDataSource dataSource, IOptions<IdempotencyOptions> options,
    TimeProvider time, ILogger<IdempotencyExpiry> logger) : BackgroundService
{
    private const int BatchSize = 5_000;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await PurgeAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception exception)
            {
                LogPurgeFailed(logger, exception);
            }

            try
            {
                await WaitAsync(options.Value.PurgeInterval, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
        }
    }

    /// <summary>
    /// Waits <paramref name="interval"/> on the service's clock (kept answers expire in its time, and a test's fake
    /// clock moves the purge along), a day at most at a time: a timer cannot be set further than about 49 days ahead,
    /// and a long interval in the settings must slow the purge down, not stop the service.
    /// </summary>
    private async Task WaitAsync(TimeSpan interval, CancellationToken stoppingToken)
    {
        var due = time.GetUtcNow() + (interval > TimeSpan.Zero ? interval : TimeSpan.FromMinutes(1));
        for (var left = due - time.GetUtcNow(); left > TimeSpan.Zero; left = due - time.GetUtcNow())
        {
            await Task.Delay(left < MaxWait ? left : MaxWait, time, stoppingToken);
        }
    }

    private static readonly TimeSpan MaxWait = TimeSpan.FromDays(1);

    /// <summary>Deletes every expired record; returns how many.</summary>
    public async Task<long> PurgeAsync(CancellationToken ct)
    {
        var expiredBefore = time.GetUtcNow() - options.Value.Retention;
        long total = 0;
        while (true)
        {
            await using var command = dataSource.CreateCommand(
                $"""
                DELETE FROM {MessagingModel.IdempotencyTable} WHERE ctid = ANY(ARRAY(
                    SELECT ctid FROM {MessagingModel.IdempotencyTable} WHERE created_at <= @expired_before LIMIT {BatchSize}))
                """);
            command.Parameters.AddWithValue("expired_before", expiredBefore);
            var deleted = await command.ExecuteNonQueryAsync(ct);
            total += deleted;
            if (deleted < BatchSize)
            {
                return total;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Purging expired idempotency keys failed; the next round tries again")]
    private static partial void LogPurgeFailed(ILogger logger, Exception exception);
}
