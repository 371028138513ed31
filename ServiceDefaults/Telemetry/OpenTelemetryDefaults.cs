using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Scop.Aspire.ServiceDefaults.Http;
using Scop.Aspire.ServiceDefaults.Messaging;

namespace Scop.Aspire.ServiceDefaults.Telemetry;

public static class OpenTelemetryDefaults
{
    /// <summary>The activity source and meter names of MassTransit's own instrumentation.</summary>
    private const string MassTransitSource = "MassTransit";

    public static IHostApplicationBuilder AddOpenTelemetryDefaults(this IHostApplicationBuilder builder)
    {
        // EF Core logs every SQL command at Information: on a busy service that is most of the log volume and a
        // good share of the CPU (written, shipped to the dashboard, stored). Warnings and errors still show.
        builder.Logging.AddFilter("Microsoft.EntityFrameworkCore", LogLevel.Warning);
        // ASP.NET Core writes several Information lines per request; the request's trace already tells its story.
        // A service's configuration (Logging:LogLevel:Microsoft.AspNetCore) can still ask for them.
        if (builder.Configuration["Logging:LogLevel:Microsoft.AspNetCore"] is null)
        {
            builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        }
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddNpgsqlInstrumentation()
                .AddMeter(MassTransitSource)
                .AddMeter(MessagingTelemetry.MeterName))
            .WithTracing(tracing => tracing
                .AddSource(builder.Environment.ApplicationName)
                .AddSource(MassTransitSource)
                .AddSource(MessagingTelemetry.ActivitySourceName)
                .AddAspNetCoreInstrumentation(options =>
                    // Health probes every few seconds would drown the real traces.
                    options.Filter = context => !HealthEndpoints.IsProbe(context.Request.Path))
                .AddHttpClientInstrumentation()
                .AddNpgsql()
                .AddRedisInstrumentation());

        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            builder.Services.AddOpenTelemetry().UseOtlpExporter();
        }

        return builder;
    }
}
