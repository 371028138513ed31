using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Scop.Aspire.Membership.Data;
using Scop.Aspire.Membership.ReferenceData;

namespace Scop.Aspire.Membership.Features.Cooperatives;

/// <summary><c>GET /api/membership/cooperatives/{id}</c>.</summary>
public static class GetCooperative
{
    public static RouteHandlerBuilder MapGetCooperative(this RouteGroupBuilder group) =>
        group.MapGet("/{id:guid}", HandleAsync).WithName("GetCooperative").WithSummary("One cooperative");

    public static async Task<Results<Ok<CooperativeResponse>, ProblemHttpResult>> HandleAsync(
        Guid id, MembershipDbContext db, FrenchReferenceData reference, CancellationToken ct)
    {
        var cooperative = await db.Cooperatives.AsNoTracking().SingleOrDefaultAsync(c => c.Id == id, ct);
        return cooperative is null
            ? TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Cooperative not found",
                detail: $"No cooperative has the id {id}.")
            : TypedResults.Ok(CooperativeResponse.From(cooperative, reference));
    }
}
