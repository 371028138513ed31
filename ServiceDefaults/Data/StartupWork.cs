using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Scop.Aspire.ServiceDefaults.Data;

/// <summary>
/// Work a service does on its database before it takes requests: migrations, seeding. A server away for a moment —
/// PostgreSQL restarting, or too busy to open a connection in time while every process of the platform starts at once
/// — is waited for instead of ending the process: the orchestrator does not start again a process that stopped by
/// itself, and the service would stay down while the database was back seconds later. Work that fails otherwise, or
/// still cannot reach its server after <see cref="GiveUpAfter"/>, fails the start as before.
/// </summary>
public abstract partial class StartupWork(ILogger logger) : IHostedService
{
    public static readonly TimeSpan GiveUpAfter = TimeSpan.FromMinutes(5);

    private static readonly TimeSpan FirstWait = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan LongestWait = TimeSpan.FromSeconds(10);

    /// <summary>The work itself; run again from the start after a transient failure, so it must find what a failed run left.</summary>
    protected abstract Task RunAsync(CancellationToken ct);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var wait = FirstWait;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await RunAsync(cancellationToken);
                return;
            }
            catch (Exception exception) when (TransientFailures.IsTransient(exception)
                                              && !cancellationToken.IsCancellationRequested
                                              && clock.Elapsed + wait < GiveUpAfter)
            {
                LogWaiting(logger, GetType().Name, attempt, wait.TotalSeconds, exception.Message);
                await Task.Delay(wait, cancellationToken);
                wait = TimeSpan.FromTicks(Math.Min(wait.Ticks * 2, LongestWait.Ticks));
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "{Work}: the database could not be reached (attempt {Attempt}: {Reason}); trying again in {Seconds} s")]
    private static partial void LogWaiting(ILogger logger, string work, int attempt, double seconds, string reason);
}
