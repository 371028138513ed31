using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Scop.Aspire.Ambassadors.Data;
using Scop.Aspire.Ambassadors.Domain;
using Scop.Aspire.ReferenceData;
using Scop.Aspire.ServiceDefaults.Http;
using Scop.Aspire.ServiceDefaults.Security;

namespace Scop.Aspire.Ambassadors.Features.Labels;

/// <summary>
/// <c>GET /api/ambassadors/ambassades?status=&amp;regionalUnion=</c> (a delegate's union's applications and labels,
/// every union's for staff; newest application first, paged), <c>GET …/ambassades/{id}</c> (ETag) and
/// <c>GET …/ambassades/{id}/history</c> (every step: who, when, what, why). One Ambassade and its history are read by its
/// union's delegates, staff and its cooperative's manager; for anyone else it does not exist (404). The filters narrow
/// the caller's view, never widen it.
/// </summary>
public static class ReadLabels
{
    public static RouteGroupBuilder MapReadLabels(this RouteGroupBuilder group)
    {
        group.MapGet("/ambassades", ListAsync).WithName("ListAmbassades")
            .WithSummary("The applications and labels of the caller's union (all for staff), newest first, paged")
            .RequireAuthorization(PlatformPolicies.StaffOrDelegate);
        group.MapGet("/ambassades/{id:guid}", GetAsync).WithName("GetAmbassade").WithSummary("One Ambassade's label (ETag)")
            .RequireAuthorization(PlatformPolicies.Person);
        group.MapGet("/ambassades/{id:guid}/history", HistoryAsync).WithName("GetAmbassadeHistory")
            .WithSummary("Every step of an Ambassade's label, oldest first").RequireAuthorization(PlatformPolicies.Person);
        return group;
    }

    public static async Task<Results<Ok<PagedList<AmbassadeResponse>>, ValidationProblem>> ListAsync(ClaimsPrincipal user,
        AmbassadorsDbContext db, FrenchPlaces places, CancellationToken ct, int? page = null, int? pageSize = null,
        string? status = null, string? regionalUnion = null)
    {
        var (paging, problem) = PageRequest.From(page, pageSize);
        if (problem is not null)
        {
            return problem;
        }

        var errors = new ValidationErrors();
        LabelStatus? wanted = null;
        if (!string.IsNullOrWhiteSpace(status))
        {
            if (Enum.TryParse<LabelStatus>(status.Trim(), ignoreCase: false, out var parsed) && Enum.IsDefined(parsed)
                && !status.Trim().All(c => char.IsAsciiDigit(c) || c == '-'))
            {
                wanted = parsed;
            }
            else
            {
                errors.Add("status", $"One of: {string.Join(", ", Enum.GetNames<LabelStatus>())}.");
            }
        }

        regionalUnion = regionalUnion?.Trim();
        if (regionalUnion is { Length: > 64 })
        {
            errors.Add("regionalUnion", "At most 64 characters.");
        }

        if (!errors.IsValid)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        var query = user.Scope().Apply(db.Ambassades.AsNoTracking(), a => a.RegionalUnion);
        if (wanted is { } s)
        {
            query = query.Where(a => a.Status == s);
        }

        if (!string.IsNullOrEmpty(regionalUnion))
        {
            query = query.Where(a => a.RegionalUnion == regionalUnion);
        }

        var total = await query.LongCountAsync(ct);
        var items = await query.OrderByDescending(a => a.AppliedAt).ThenByDescending(a => a.Id)
            .Skip(paging.Skip).Take(paging.PageSize).ToListAsync(ct);
        var ids = items.Select(a => a.CooperativeId).ToList();
        var current = await db.Cooperatives.AsNoTracking()
            .Where(c => ids.Contains(c.Id) && c.MembershipTermEndsOn != null && !c.MembershipLapsed)
            .Select(c => c.Id).ToListAsync(ct);
        return TypedResults.Ok(new PagedList<AmbassadeResponse>(
            items.Select(a => AmbassadeResponse.From(a, current.Contains(a.CooperativeId), places)).ToList(),
            paging.Page, paging.PageSize, total));
    }

    public static async Task<Results<Ok<AmbassadeResponse>, ProblemHttpResult>> GetAsync(Guid id, HttpContext http,
        ClaimsPrincipal user, AmbassadorsDbContext db, FrenchPlaces places, CancellationToken ct)
    {
        var ambassade = await db.Ambassades.AsNoTracking().SingleOrDefaultAsync(a => a.Id == id, ct);
        if (ambassade is null || !user.Scope().CanSee(ambassade))
        {
            return Problems.NotFound("Ambassade", id);
        }

        http.Response.Headers.ETag = Preconditions.ETagOf(ambassade.Version);
        return TypedResults.Ok(AmbassadeResponse.From(ambassade,
            await ManagerLabel.MembershipCurrentAsync(db, ambassade.CooperativeId, ct), places));
    }

    public static async Task<Results<Ok<IReadOnlyList<AmbassadeHistoryResponse>>, ProblemHttpResult>> HistoryAsync(Guid id,
        ClaimsPrincipal user, AmbassadorsDbContext db, CancellationToken ct)
    {
        var ambassade = await db.Ambassades.AsNoTracking().SingleOrDefaultAsync(a => a.Id == id, ct);
        if (ambassade is null || !user.Scope().CanSee(ambassade))
        {
            return Problems.NotFound("Ambassade", id);
        }

        // A label has a handful of steps a year, so its history needs no paging.
        IReadOnlyList<AmbassadeHistoryResponse> lines = await db.History.AsNoTracking().Where(l => l.AmbassadeId == id)
            .OrderBy(l => l.Sequence)
            .Select(l => new AmbassadeHistoryResponse(l.Id, l.Step, l.FromStatus, l.ToStatus, l.At, l.ActorPersonId, l.ActorRole,
                l.ActorRegionalUnion, l.Reason, l.Comment))
            .ToListAsync(ct);
        return TypedResults.Ok(lines);
    }
}
