using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Scop.Aspire.ServiceDefaults.Messaging;

/// <summary>
/// LISTENs on the outbox channel and wakes the relay when rows are committed. If the listening connection
/// drops, it reconnects; the relay's poll covers the gap.
/// </summary>
internal sealed partial class OutboxSignal(NpgsqlDataSource dataSource, ILogger logger)
{
    private readonly Channel<bool> wakeups = Channel.CreateBounded<bool>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public void Wake() => wakeups.Writer.TryWrite(true);

    /// <summary>
    /// Waits for a notification or the timeout, whichever comes first. The timeout runs on the real clock: it paces
    /// the polling of a database that lives in real time, while due times follow the relay's TimeProvider.
    /// </summary>
    public async Task WaitAsync(TimeSpan timeout, CancellationToken ct)
    {
        if (timeout <= TimeSpan.Zero)
        {
            return;
        }

        using var timer = new CancellationTokenSource(timeout);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timer.Token);
        try
        {
            await wakeups.Reader.ReadAsync(linked.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            // Timed out: time to poll.
        }
    }

    public async Task ListenAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync(ct);
                connection.Notification += (_, _) => Wake();
                await using (var listen = new NpgsqlCommand($"LISTEN {MessagingModel.OutboxChannel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(ct);
                }

                Wake(); // rows committed while nobody listened
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
                await Task.Delay(TimeSpan.FromSeconds(1), ct).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox listener lost its connection; reconnecting")]
    private static partial void LogListenFailed(ILogger logger, Exception exception);
}
