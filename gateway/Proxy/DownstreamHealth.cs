using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Scop.Aspire.Gateway.Proxy;

/// <summary>The gateway is ready when every service it routes to answers its own <c>/health</c>.</summary>
public sealed class DownstreamHealthCheck(IHttpClientFactory clients, string service) : IHealthCheck
{
    public const string ClientName = "downstream-health";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        try
        {
            using var response = await clients.CreateClient(ClientName).GetAsync($"http://{service}/health", ct);
            return response.IsSuccessStatusCode
                ? HealthCheckResult.Healthy()
                : HealthCheckResult.Unhealthy($"{service} answered {(int)response.StatusCode}");
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
        {
            return HealthCheckResult.Unhealthy($"{service} is not reachable: {exception.Message}");
        }
    }
}

public static class DownstreamHealth
{
    public static IHostApplicationBuilder AddDownstreamHealthChecks(this IHostApplicationBuilder builder)
    {
        // A health probe must report what it sees now, not retry its way to a late answer.
#pragma warning disable EXTEXP0001
        builder.Services.AddHttpClient(DownstreamHealthCheck.ClientName, client => client.Timeout = TimeSpan.FromSeconds(3))
            .RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
        var checks = builder.Services.AddHealthChecks();
        foreach (var service in builder.Configuration.GetSection("ReverseProxy:Clusters").GetChildren().Select(c => c.Key))
        {
            checks.Add(new HealthCheckRegistration(service,
                services => new DownstreamHealthCheck(services.GetRequiredService<IHttpClientFactory>(), service),
                HealthStatus.Unhealthy, ["ready"]));
        }

        return builder;
    }
}
