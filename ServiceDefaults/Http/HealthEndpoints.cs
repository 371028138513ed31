using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Scop.Aspire.ServiceDefaults.Http;

public static class HealthEndpoints
{
    public const string HealthPath = "/health";
    public const string AlivePath = "/alive";
    private const string LiveTag = "live";

    public static bool IsProbe(PathString path) =>
        path.StartsWithSegments(HealthPath) || path.StartsWithSegments(AlivePath);

    public static IHealthChecksBuilder AddLivenessCheck(this IHealthChecksBuilder checks) =>
        checks.AddCheck("self", () => HealthCheckResult.Healthy(), [LiveTag]);

    /// <summary>
    /// <c>/health</c> and <c>/alive</c>. A caller for whom <paramref name="detailsFor"/> is false gets the overall status
    /// alone (<c>{"status":"Healthy"}</c>, same HTTP status); without it every caller gets every check's details, as a
    /// service reached only inside the platform may give them.
    /// </summary>
    public static void MapHealthEndpoints(this WebApplication app, Func<HttpContext, bool>? detailsFor = null)
    {
        Task Write(HttpContext context, HealthReport report) =>
            detailsFor is null || detailsFor(context) ? WriteDetailsAsync(context, report) : WriteStatusAsync(context, report);

        app.MapHealthChecks(HealthPath, new HealthCheckOptions { ResponseWriter = Write }).AllowAnonymous();
        app.MapHealthChecks(AlivePath, new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(LiveTag),
            ResponseWriter = Write,
        }).AllowAnonymous();
    }

    /// <summary>Each check's status and, when unhealthy, why — what an operator needs, and nothing personal.</summary>
    private static Task WriteDetailsAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        var body = new
        {
            status = report.Status.ToString(),
            durationMs = (int)report.TotalDuration.TotalMilliseconds,
            checks = report.Entries.ToDictionary(
                entry => entry.Key,
                entry => new
                {
                    status = entry.Value.Status.ToString(),
                    description = entry.Value.Description ?? entry.Value.Exception?.Message,
                }),
        };
        return context.Response.WriteAsync(JsonSerializer.Serialize(body, JsonSerializerOptions.Web));
    }

    /// <summary>The overall status only: no check names, no internal addresses, no error messages.</summary>
    private static Task WriteStatusAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(JsonSerializer.Serialize(new { status = report.Status.ToString() }, JsonSerializerOptions.Web));
    }
}
