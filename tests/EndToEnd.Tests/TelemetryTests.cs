using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;

namespace Scop.Aspire.EndToEnd.Tests;

/// <summary>What every process of the platform is told about its telemetry.</summary>
[Collection(PlatformCollection.Name)]
public sealed class TelemetryTests(PlatformFixture platform)
{
    [Fact]
    public async Task Every_service_and_the_gateway_send_their_metrics_every_five_seconds()
    {
        var projects = platform.App.Services.GetRequiredService<DistributedApplicationModel>().Resources
            .OfType<ProjectResource>().ToList();
        Assert.Equal(["ambassadors", "gateway", "identity", "membership", "notifications", "partner-hooks", "portal", "reprise-watch", "training", "web"],
            projects.Select(p => p.Name).Order(StringComparer.Ordinal));

        // The project's environment as the orchestrator built it at start: every callback, in order, the later winning.
        var executionContext = platform.App.Services.GetRequiredService<DistributedApplicationExecutionContext>();
        foreach (var project in projects)
        {
            var environment = new EnvironmentCallbackContext(executionContext, project, []);
            foreach (var callback in project.Annotations.OfType<EnvironmentCallbackAnnotation>())
            {
                await callback.Callback(environment);
            }

            Assert.True(environment.EnvironmentVariables.TryGetValue("OTEL_METRIC_EXPORT_INTERVAL", out var interval), project.Name);
            Assert.Equal("5000", interval);
        }
    }
}
