using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Scop.Aspire.Membership.Data;
using Scop.Aspire.ReferenceData;
using Scop.Aspire.ServiceDefaults.Security;

namespace Scop.Aspire.Membership.Features.Cooperatives;

/// <summary><c>GET /api/membership/cooperatives/{id}</c>.</summary>
public static class GetCooperative
{
    public static RouteHandlerBuilder MapGetCooperative(this RouteGroupBuilder group) =>
        group.MapGet("/{id:guid}", HandleAsync).WithName("GetCooperative").WithSummary("One cooperative")
            .RequireAuthorization(PlatformPolicies.ReadCooperatives);

    public static async Task<Results<Ok<CooperativeResponse>, ProblemHttpResult>> HandleAsync(
        Guid id, HttpContext http, ClaimsPrincipal user, MembershipDbContext db, FrenchReferenceData reference, CancellationToken ct)
    {
        var cooperative = await db.Cooperatives.AsNoTracking().SingleOrDefaultAsync(c => c.Id == id, ct);
        // Outside the caller's scope it does not exist for them: the same 404, and no data.
        if (cooperative is null || !CallerScope.Of(user).CanRead(cooperative.RegionalUnion, cooperative.Id))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Cooperative not found",
                detail: $"No cooperative has the id {id}.");
        }

        http.Response.Headers.ETag = CooperativeResponse.ETagOf(cooperative);
        return TypedResults.Ok(CooperativeResponse.From(cooperative, reference));
    }
}
