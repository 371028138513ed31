using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Scop.Aspire.PartnerHooks.Data;

namespace Scop.Aspire.PartnerHooks.Features.Endpoints;

/// <summary><c>GET /api/partner-hooks/endpoints/{id}</c>: the endpoint, never its secret.</summary>
public static class GetEndpoint
{
    public static RouteHandlerBuilder MapGetEndpoint(this RouteGroupBuilder group) =>
        group.MapGet("/{id:guid}", HandleAsync).WithName("GetEndpoint").WithSummary("A webhook endpoint");

    public static async Task<Results<Ok<EndpointResponse>, ProblemHttpResult>> HandleAsync(
        Guid id, PartnerHooksDbContext db, CancellationToken ct)
    {
        var endpoint = await db.Endpoints.AsNoTracking().SingleOrDefaultAsync(e => e.Id == id, ct);
        return endpoint is null ? EndpointEndpoints.NotFound(id) : TypedResults.Ok(EndpointResponse.From(endpoint));
    }
}
