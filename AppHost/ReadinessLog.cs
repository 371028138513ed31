using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Scop.Aspire.AppHost;

internal static class ReadinessLog
{
    private const int LastLinesShown = 8;

    /// <summary>
    /// Writes a console line when each resource becomes ready (running and healthy), with the time since the
    /// AppHost started, and an error with the last lines of its output when one stops with a failure, so a terminal
    /// without the dashboard still shows how the start-up goes, and why it hangs when a server cannot start.
    /// </summary>
    public static IDistributedApplicationBuilder LogWhenResourcesAreReady(this IDistributedApplicationBuilder builder)
    {
        var sinceStart = Stopwatch.StartNew();
        builder.Eventing.Subscribe<ResourceReadyEvent>((ready, _) =>
        {
            Logger(ready.Services).LogInformation("{Resource} is ready, {Seconds:0.0} s after the AppHost started.",
                ready.Resource.Name, sinceStart.Elapsed.TotalSeconds);
            return Task.CompletedTask;
        });
        builder.Eventing.Subscribe<BeforeStartEvent>((starting, cancellationToken) =>
        {
            // Runs for the AppHost's life; it ends when the AppHost stops.
            _ = ReportFailuresAsync(starting.Services);
            return Task.CompletedTask;
        });
        return builder;
    }

    private static ILogger Logger(IServiceProvider services) =>
        services.GetRequiredService<ILoggerFactory>().CreateLogger("Scop.Aspire.AppHost");

    private static async Task ReportFailuresAsync(IServiceProvider services)
    {
        var notifications = services.GetRequiredService<ResourceNotificationService>();
        var stopping = services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        var reported = new HashSet<string>(StringComparer.Ordinal); // one loop reads and writes it
        try
        {
            await foreach (var change in notifications.WatchAsync(stopping))
            {
                var snapshot = change.Snapshot;
                var failed = snapshot.State?.Text == KnownResourceStates.FailedToStart
                    || (KnownResourceStates.TerminalStates.Contains(snapshot.State?.Text) && snapshot.ExitCode is not (null or 0));
                if (failed && !stopping.IsCancellationRequested && reported.Add(change.ResourceId))
                {
                    var lastLines = await LastLinesAsync(services, change.ResourceId, stopping);
                    Logger(services).LogError("{Resource} stopped ({State}, exit code {ExitCode}); what depends on it waits. Its last lines:{NewLine}{Lines}",
                        change.Resource.Name, snapshot.State?.Text, snapshot.ExitCode, Environment.NewLine, lastLines);
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }

    /// <summary>
    /// The end of the resource's console output: what the orchestrator has gathered within two seconds (its output
    /// files are read in batches, the process's own last words arriving after the AppHost's first lines).
    /// </summary>
    private static async Task<string> LastLinesAsync(IServiceProvider services, string resourceId, CancellationToken stopping)
    {
        using var window = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        window.CancelAfter(TimeSpan.FromSeconds(2));
        var lines = new List<string>();
        try
        {
            await foreach (var batch in services.GetRequiredService<ResourceLoggerService>().WatchAsync(resourceId).WithCancellation(window.Token))
            {
                lines.AddRange(batch.Select(line => line.Content));
            }
        }
        catch (OperationCanceledException)
        {
        }

        return lines.Count == 0
            ? "  (none; see the dashboard's console logs)"
            : string.Join(Environment.NewLine, lines.TakeLast(LastLinesShown).Select(line => "  " + line));
    }
}
