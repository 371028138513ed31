using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Scop.Aspire.ServiceDefaults.Http;
using Scop.Aspire.ServiceDefaults.Security;
using Scop.Aspire.Training.Data;

namespace Scop.Aspire.Training.Features.WelcomeDay;

public sealed record InvitationResponse(Guid Id, Guid PersonId, Guid CooperativeId, string RegionalUnion, DateOnly HiredOn,
    Guid? SessionId, DateTimeOffset InvitedAt);

/// <summary>
/// <c>GET /api/training/invitations?personId=&amp;regionalUnion=</c>: welcome-day invitations, newest first, paged — those
/// the caller may see: their own, their cooperative's new hires, their union's, all for staff.
/// </summary>
public static class ListInvitations
{
    public static RouteHandlerBuilder MapInvitations(this RouteGroupBuilder group) =>
        group.MapGet("/invitations", HandleAsync).WithName("ListInvitations").WithSummary("Welcome-day invitations, paged")
            .RequireAuthorization(PlatformPolicies.Person);

    public static async Task<Results<Ok<PagedList<InvitationResponse>>, ValidationProblem>> HandleAsync(ClaimsPrincipal user,
        TrainingDbContext db, CancellationToken ct, int? page = null, int? pageSize = null, Guid? personId = null,
        string? regionalUnion = null)
    {
        var (paging, problem) = PageRequest.From(page, pageSize);
        if (problem is not null)
        {
            return problem;
        }

        var query = db.Invitations.AsNoTracking().VisibleTo(user.Scope());
        if (personId is { } person)
        {
            query = query.Where(i => i.PersonId == person);
        }

        if (!string.IsNullOrWhiteSpace(regionalUnion))
        {
            var union = regionalUnion.Trim();
            query = query.Where(i => i.RegionalUnion == union);
        }

        var total = await query.LongCountAsync(ct);
        var items = await query.OrderByDescending(i => i.InvitedAt).ThenBy(i => i.Id).Skip(paging.Skip).Take(paging.PageSize)
            .Select(i => new InvitationResponse(i.Id, i.PersonId, i.CooperativeId, i.RegionalUnion, i.HiredOn, i.SessionId, i.InvitedAt))
            .ToListAsync(ct);
        return TypedResults.Ok(new PagedList<InvitationResponse>(items, paging.Page, paging.PageSize, total));
    }
}
