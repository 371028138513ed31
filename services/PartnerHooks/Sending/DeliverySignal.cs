using Microsoft.Extensions.Logging;
using Npgsql;
using Scop.Aspire.PartnerHooks.Data;

namespace Scop.Aspire.PartnerHooks.Sending;

/// <summary>
/// Wakes the delivery worker: on a PostgreSQL notification (new or replayed deliveries, from any replica), when a
/// sender frees a slot, or when its wait times out.
/// </summary>
public sealed partial class DeliverySignal(NpgsqlDataSource dataSource, ILogger<DeliverySignal> logger)
{
    private readonly SemaphoreSlim wake = new(0, 1);

    public void Wake()
    {
        try
        {
            if (wake.CurrentCount == 0)
            {
                wake.Release();
            }
        }
        catch (SemaphoreFullException)
        {
            // already awake
        }
    }

    /// <summary>Waits for a wake-up or for <paramref name="timeout"/> on <paramref name="time"/>'s clock.</summary>
    public async Task WaitAsync(TimeSpan timeout, TimeProvider time, CancellationToken ct)
    {
        if (timeout <= TimeSpan.Zero)
        {
            return;
        }

        using var timer = new CancellationTokenSource(timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timer.Token, ct);
        try
        {
            await wake.WaitAsync(linked.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            // timed out
        }
    }

    /// <summary>LISTENs on the deliveries channel until stopped, reconnecting after a lost connection.</summary>
    public async Task ListenAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync(ct);
                connection.Notification += (_, _) => Wake();
                await using (var listen = new NpgsqlCommand($"LISTEN {PartnerHooksDbContext.DeliveriesChannel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(ct);
                }

                Wake(); // anything written while not listening
                while (!ct.IsCancellationRequested)
                {
                    await connection.WaitAsync(ct);
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                LogListenFailed(logger, exception);
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(1), ct); // real time: a fake clock must not stall reconnection
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Listening for new deliveries failed; polling until reconnected")]
    private static partial void LogListenFailed(ILogger logger, Exception exception);
}
