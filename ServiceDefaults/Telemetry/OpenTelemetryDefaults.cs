using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
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
        WarningsUnlessConfigured(builder, "Microsoft.EntityFrameworkCore");
        // ASP.NET Core writes several Information lines per request; the request's trace already tells its story.
        WarningsUnlessConfigured(builder, "Microsoft.AspNetCore");
        // So does HttpClient, four lines per call: the gateway's health probe of each service every few seconds, every
        // webhook sent, every call of the web front-end. The call's span tells the same.
        WarningsUnlessConfigured(builder, "System.Net.Http.HttpClient");

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
        if (TracesPerSecond(builder.Configuration) is { } budget)
        {
            // The real clock, not the service's TimeProvider: a budget per second of the machine, whatever a test's clock says.
            builder.Services.ConfigureOpenTelemetryTracerProvider(tracing =>
                tracing.SetSampler(TraceBudgetSampler.ForServices(budget, TimeProvider.System)));
        }

        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            builder.Services.AddOpenTelemetry().UseOtlpExporter();
        }

        return builder;
    }

    /// <summary>
    /// Logs of <paramref name="category"/> from <c>Warning</c> up, unless the service's configuration
    /// (<c>Logging:LogLevel:{category}</c>) asks for another level.
    /// </summary>
    private static void WarningsUnlessConfigured(IHostApplicationBuilder builder, string category)
    {
        if (builder.Configuration[$"Logging:LogLevel:{category}"] is null)
        {
            builder.Logging.AddFilter(category, LogLevel.Warning);
        }
    }

    /// <summary>The trace budget per second of <see cref="TraceBudgetSampler"/>, or null for "all": every trace recorded.</summary>
    private static int? TracesPerSecond(IConfiguration configuration)
    {
        var value = configuration[TraceBudgetSampler.TracesPerSecondKey];
        if (string.IsNullOrWhiteSpace(value))
        {
            return TraceBudgetSampler.DefaultTracesPerSecond;
        }

        if (value.Trim().Equals("all", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        return int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var budget) && budget > 0
            ? budget
            : throw new InvalidOperationException(
                $"{TraceBudgetSampler.TracesPerSecondKey} is '{value}': a number of traces a second above 0, or 'all'.");
    }
}
