using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Scop.Aspire.PartnerHooks.Data;
using Scop.Aspire.PartnerHooks.Domain;

namespace Scop.Aspire.PartnerHooks.Features.Endpoints;

/// <summary><c>GET /api/partner-hooks/endpoints/{id}/health</c>: how the endpoint has been answering.</summary>
public static class GetEndpointHealth
{
    public static readonly TimeSpan Window = TimeSpan.FromHours(24);

    public sealed record EndpointHealth(
        Guid EndpointId,
        bool Enabled,
        DateTimeOffset? DisabledAt,
        string? DisabledReason,
        int ConsecutiveFailures,
        DateTimeOffset? FailingSince,
        DateTimeOffset? LastSuccessAt,
        DateTimeOffset? LastFailureAt,
        int AttemptsLast24Hours,
        int SuccessesLast24Hours,
        double? SuccessRateLast24Hours,
        double? AverageLatencyMsLast24Hours,
        int PendingDeliveries,
        int FailedDeliveries);

    public static RouteHandlerBuilder MapGetEndpointHealth(this RouteGroupBuilder group) =>
        group.MapGet("/{id:guid}/health", HandleAsync).WithName("GetEndpointHealth")
            .WithSummary("Success rate over 24 h, last success and failure, consecutive failures, disabled reason");

    public static async Task<Results<Ok<EndpointHealth>, ProblemHttpResult>> HandleAsync(
        Guid id, PartnerHooksDbContext db, TimeProvider time, CancellationToken ct)
    {
        var endpoint = await db.Endpoints.AsNoTracking().SingleOrDefaultAsync(e => e.Id == id, ct);
        if (endpoint is null)
        {
            return EndpointEndpoints.NotFound(id);
        }

        var since = time.GetUtcNow() - Window;
        var attempts = await db.DeliveryAttempts.AsNoTracking()
            .Where(a => a.EndpointId == id && a.AttemptedAt >= since)
            .GroupBy(_ => 1)
            .Select(g => new { Count = g.Count(), Successes = g.Count(a => a.Succeeded), Latency = g.Average(a => (double)a.LatencyMs) })
            .SingleOrDefaultAsync(ct);
        var counts = await db.Deliveries.AsNoTracking().Where(d => d.EndpointId == id && d.Status != DeliveryStatus.Succeeded)
            .GroupBy(d => d.Status).Select(g => new { Status = g.Key, Count = g.Count() }).ToListAsync(ct);

        return TypedResults.Ok(new EndpointHealth(endpoint.Id, endpoint.Enabled, endpoint.DisabledAt, endpoint.DisabledReason,
            endpoint.ConsecutiveFailures, endpoint.FailingSince, endpoint.LastSuccessAt, endpoint.LastFailureAt,
            attempts?.Count ?? 0, attempts?.Successes ?? 0,
            attempts is { Count: > 0 } ? Math.Round((double)attempts.Successes / attempts.Count, 4) : null,
            attempts is { Count: > 0 } ? Math.Round(attempts.Latency, 1) : null,
            counts.SingleOrDefault(c => c.Status == DeliveryStatus.Pending)?.Count ?? 0,
            counts.SingleOrDefault(c => c.Status == DeliveryStatus.Failed)?.Count ?? 0));
    }
}
