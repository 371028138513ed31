using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Scop.Aspire.AppHost;

internal static class ReadinessLog
{
    /// <summary>
    /// Writes a console line when each resource becomes ready (running and healthy), with the time since the
    /// AppHost started, so a terminal without the dashboard still shows how the start-up goes.
    /// </summary>
    public static IDistributedApplicationBuilder LogWhenResourcesAreReady(this IDistributedApplicationBuilder builder)
    {
        var sinceStart = Stopwatch.StartNew();
        builder.Eventing.Subscribe<ResourceReadyEvent>((ready, _) =>
        {
            ready.Services.GetRequiredService<ILoggerFactory>()
                .CreateLogger("Scop.Aspire.AppHost")
                .LogInformation("{Resource} is ready, {Seconds:0.0} s after the AppHost started.", ready.Resource.Name, sinceStart.Elapsed.TotalSeconds);
            return Task.CompletedTask;
        });
        return builder;
    }
}
