using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Scop.Aspire.PartnerHooks.Data;
using Scop.Aspire.PartnerHooks.Sending;
using Scop.Aspire.PartnerHooks.Domain;
using Scop.Aspire.PartnerHooks.Payloads;

namespace Scop.Aspire.PartnerHooks.Features.Endpoints;

/// <summary>
/// <c>POST /api/partner-hooks/endpoints/{id}/ping</c>: sends a signed <c>scop.ping</c> event now, through the same
/// path as every delivery, and answers with what came of the first attempt. A failed ping is retried on the schedule
/// like any delivery.
/// </summary>
public static class SendPing
{
    public static RouteHandlerBuilder MapSendPing(this RouteGroupBuilder group) =>
        group.MapPost("/{id:guid}/ping", HandleAsync).WithName("SendPing")
            .WithSummary("Send a signed scop.ping event to the endpoint now");

    public static async Task<Results<Ok<DeliveryResponse>, ProblemHttpResult>> HandleAsync(
        Guid id, PartnerHooksDbContext db, DeliveryProcessor processor, TimeProvider time,
        IOptions<PartnerHooksOptions> options, CancellationToken ct)
    {
        var endpoint = await db.Endpoints.AsNoTracking().SingleOrDefaultAsync(e => e.Id == id, ct);
        if (endpoint is null)
        {
            return EndpointEndpoints.NotFound(id);
        }

        if (!endpoint.Enabled)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Endpoint disabled",
                detail: $"The endpoint is disabled ({endpoint.DisabledReason}); enable it first.");
        }

        var now = time.GetUtcNow();
        var eventId = Guid.CreateVersion7(now);
        var delivery = Domain.Delivery.Create(id, eventId, EventTypes.Ping, PayloadMappers.Ping(eventId, id, now).Serialize(),
            now, System.Diagnostics.Activity.Current?.Id);
        delivery.ClaimUntil(now + options.Value.ClaimLease); // this request sends it, not the worker
        db.Deliveries.Add(delivery);
        await db.SaveChangesAsync(ct);

        await processor.AttemptAsync(delivery.Id, ct);

        var sent = await db.Deliveries.AsNoTracking().SingleAsync(d => d.Id == delivery.Id, ct);
        var attempts = await db.DeliveryAttempts.AsNoTracking().Where(a => a.DeliveryId == delivery.Id)
            .OrderBy(a => a.AttemptedAt).ToListAsync(ct);
        return TypedResults.Ok(DeliveryResponse.From(sent, attempts));
    }
}
