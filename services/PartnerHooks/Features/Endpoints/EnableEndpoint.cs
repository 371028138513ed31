using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Scop.Aspire.PartnerHooks.Data;

namespace Scop.Aspire.PartnerHooks.Features.Endpoints;

/// <summary>
/// <c>POST /api/partner-hooks/endpoints/{id}/enable</c>: deliveries resume for new events. Those failed while it was
/// disabled are sent again with a replay (<c>POST /api/partner-hooks/deliveries/replay</c>).
/// </summary>
public static class EnableEndpoint
{
    public static RouteHandlerBuilder MapEnableEndpoint(this RouteGroupBuilder group) =>
        group.MapPost("/{id:guid}/enable", HandleAsync).WithName("EnableEndpoint").WithSummary("Enable a disabled endpoint again");

    public static async Task<Results<Ok<EndpointResponse>, ProblemHttpResult>> HandleAsync(
        Guid id, PartnerHooksDbContext db, CancellationToken ct)
    {
        var endpoint = await db.Endpoints.SingleOrDefaultAsync(e => e.Id == id, ct);
        if (endpoint is null)
        {
            return EndpointEndpoints.NotFound(id);
        }

        endpoint.Enable();
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(EndpointResponse.From(endpoint));
    }
}
