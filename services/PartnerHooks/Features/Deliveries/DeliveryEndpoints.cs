using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Scop.Aspire.PartnerHooks.Data;
using Scop.Aspire.PartnerHooks.Domain;
using Scop.Aspire.ServiceDefaults.Security;

namespace Scop.Aspire.PartnerHooks.Features.Deliveries;

public static class DeliveryEndpoints
{
    /// <summary>Attempts shown per delivery in the log: the latest ones.</summary>
    public const int MaxAttemptsShown = 20;

    public static IEndpointRouteBuilder MapDeliveries(this IEndpointRouteBuilder app)
    {
        // The delivery log and replays are run by the confederation.
        var group = app.MapGroup("/api/partner-hooks/deliveries").WithTags("Deliveries")
            .RequireAuthorization(PlatformPolicies.PartnerAdmin);
        group.MapListDeliveries();
        group.MapGetDelivery();
        group.MapReplayDelivery();
        group.MapReplayFailedDeliveries();
        return app;
    }

    internal static ProblemHttpResult NotFound(Guid id) => TypedResults.Problem(
        statusCode: StatusCodes.Status404NotFound, title: "Delivery not found", detail: $"No delivery has the id {id}.");

    internal static async Task<List<DeliveryResponse>> WithAttemptsAsync(PartnerHooksDbContext db,
        IReadOnlyList<Domain.Delivery> deliveries, CancellationToken ct)
    {
        var ids = deliveries.Select(d => d.Id).ToList();
        var attempts = (await db.DeliveryAttempts.AsNoTracking().Where(a => ids.Contains(a.DeliveryId))
                .OrderBy(a => a.AttemptedAt).ThenBy(a => a.Id).ToListAsync(ct))
            .ToLookup(a => a.DeliveryId);
        return deliveries.Select(d => DeliveryResponse.From(d, attempts[d.Id].TakeLast(MaxAttemptsShown))).ToList();
    }
}

/// <summary><c>GET /api/partner-hooks/deliveries/{id}</c>: a delivery and its attempts.</summary>
public static class GetDelivery
{
    public static RouteHandlerBuilder MapGetDelivery(this RouteGroupBuilder group) =>
        group.MapGet("/{id:guid}", HandleAsync).WithName("GetDelivery").WithSummary("A delivery and its attempts");

    public static async Task<Results<Ok<DeliveryResponse>, ProblemHttpResult>> HandleAsync(
        Guid id, PartnerHooksDbContext db, CancellationToken ct)
    {
        var delivery = await db.Deliveries.AsNoTracking().SingleOrDefaultAsync(d => d.Id == id, ct);
        return delivery is null
            ? DeliveryEndpoints.NotFound(id)
            : TypedResults.Ok((await DeliveryEndpoints.WithAttemptsAsync(db, [delivery], ct))[0]);
    }
}
