using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Scop.Aspire.PartnerHooks.Data;
using Scop.Aspire.PartnerHooks.Domain;
using Scop.Aspire.ServiceDefaults.Data;
using Scop.Aspire.ServiceDefaults.Http;

namespace Scop.Aspire.PartnerHooks.Features.Deliveries;

/// <summary>
/// <c>POST /api/partner-hooks/deliveries/{id}/replay</c>: sends a finished delivery again (failed, or succeeded but lost
/// on the partner's side), same body and same webhook-id, from the start of the retry schedule.
/// </summary>
public static class ReplayDelivery
{
    public static RouteHandlerBuilder MapReplayDelivery(this RouteGroupBuilder group) =>
        group.MapPost("/{id:guid}/replay", HandleAsync).WithName("ReplayDelivery")
            .WithSummary("Send one delivery again")
            .WithDescription("Accepts an Idempotency-Key header.")
            .WithIdempotency<PartnerHooksDbContext>();

    public static async Task<Results<Accepted<DeliveryResponse>, ProblemHttpResult>> HandleAsync(
        Guid id, PartnerHooksDbContext db, CommitWakeups wakeups, TimeProvider time, CancellationToken ct)
    {
        var delivery = await db.Deliveries.SingleOrDefaultAsync(d => d.Id == id, ct);
        if (delivery is null)
        {
            return DeliveryEndpoints.NotFound(id);
        }

        if (delivery.Status == DeliveryStatus.Pending)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Delivery still pending",
                detail: "This delivery is still being attempted; it needs no replay.");
        }

        if (!await db.Endpoints.AnyAsync(e => e.Id == delivery.EndpointId && e.Enabled, ct))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Endpoint disabled",
                detail: "The delivery's endpoint is disabled; enable it first.");
        }

        delivery.Replay(time.GetUtcNow());
        await db.SaveChangesAsync(ct);
        wakeups.AfterCommit(db, PartnerHooksDbContext.DeliveriesChannel);
        return TypedResults.Accepted($"/api/partner-hooks/deliveries/{id}",
            (await DeliveryEndpoints.WithAttemptsAsync(db, [delivery], ct))[0]);
    }
}

/// <summary>
/// <c>POST /api/partner-hooks/deliveries/replay</c>: sends again every delivery that failed at or after
/// <c>since</c> (optionally of one endpoint), e.g. after a partner's outage, on endpoints that are enabled.
/// </summary>
public static class ReplayFailedDeliveries
{
    public sealed record Request(string? Since, Guid? EndpointId);

    public sealed record Replayed(int Count);

    public static RouteHandlerBuilder MapReplayFailedDeliveries(this RouteGroupBuilder group) =>
        group.MapPost("/replay", HandleAsync).WithName("ReplayFailedDeliveries")
            .WithSummary("Send again every delivery failed since a time")
            .WithDescription("Body: { \"since\": ISO 8601, \"endpointId\": optional uuid }. Accepts an Idempotency-Key header.")
            .Accepts<Request>("application/json")
            .WithIdempotency<PartnerHooksDbContext>();

    public static async Task<Results<Accepted<Replayed>, ValidationProblem, ProblemHttpResult>> HandleAsync(
        HttpRequest http, PartnerHooksDbContext db, CommitWakeups wakeups, TimeProvider time, CancellationToken ct)
    {
        var (request, problem) = await JsonBody.ReadAsync<Request>(http, ct);
        if (problem is not null)
        {
            return problem;
        }

        if (string.IsNullOrWhiteSpace(request!.Since))
        {
            return JsonBody.Invalid("since", "This field is required.");
        }

        if (!ListDeliveries.TryParseInstant(request.Since, out var since))
        {
            return JsonBody.Invalid("since", "An ISO 8601 date and time with an offset, e.g. 2026-11-26T10:00:00Z.");
        }

        if (request.EndpointId is { } endpointId && !await db.Endpoints.AnyAsync(e => e.Id == endpointId, ct))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Endpoint not found",
                detail: $"No endpoint has the id {endpointId}.");
        }

        var now = time.GetUtcNow();
        var endpointFilter = request.EndpointId ?? Guid.Empty;
        var count = await db.Database.ExecuteSqlAsync(
            $"""
            UPDATE deliveries d SET status = 'Pending', attempt_count = 0, next_attempt_at = {now}, completed_at = NULL,
                claimed_until = NULL, replay_count = d.replay_count + 1
            FROM endpoints e
            WHERE e.id = d.endpoint_id AND e.enabled AND d.status = 'Failed' AND d.completed_at >= {since}
              AND ({endpointFilter} = '00000000-0000-0000-0000-000000000000'::uuid OR d.endpoint_id = {endpointFilter})
            """, ct);
        wakeups.AfterCommit(db, PartnerHooksDbContext.DeliveriesChannel);
        return TypedResults.Accepted("/api/partner-hooks/deliveries?status=Pending", new Replayed(count));
    }
}
