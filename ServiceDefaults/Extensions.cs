using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Scop.Aspire.ServiceDefaults.Http;
using Scop.Aspire.ServiceDefaults.Telemetry;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// The cross-cutting set-up every Scop.Aspire service shares: telemetry, health, service discovery, resilient
/// HTTP clients, ProblemDetails errors, JSON conventions and OpenAPI. Services call it once.
/// </summary>
public static class ServiceDefaultsExtensions
{
    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.AddOpenTelemetryDefaults();
        builder.Services.AddHealthChecks().AddLivenessCheck();

        builder.Services.AddServiceDiscovery();
        builder.Services.ConfigureHttpClientDefaults(http =>
        {
            http.AddStandardResilienceHandler();
            http.AddServiceDiscovery();
        });

        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.AddHttpDefaults();
        return builder;
    }

    /// <summary>
    /// Health endpoints, the OpenAPI document and <c>{apiPrefix}/ping</c>. <c>/health</c> (readiness, with
    /// dependencies) and <c>/alive</c> (liveness) are anonymous: the gateway and the orchestrator poll them; only callers
    /// for whom <paramref name="healthDetailsFor"/> holds see each check (everyone when it is null). The ping does no
    /// work at all: it measures the cost of the path through the gateway.
    /// </summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app, string apiPrefix,
        Func<HttpContext, bool>? healthDetailsFor = null)
    {
        app.MapHealthEndpoints(healthDetailsFor);
        app.MapOpenApi().AllowAnonymous();
        app.MapGet($"{apiPrefix}/ping", () => TypedResults.Text("pong")).WithTags("Operations").ExcludeFromDescription()
            .AllowAnonymous();
        return app;
    }
}
