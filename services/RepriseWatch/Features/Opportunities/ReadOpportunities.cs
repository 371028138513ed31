using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Scop.Aspire.ReferenceData;
using Scop.Aspire.RepriseWatch.Data;
using Scop.Aspire.RepriseWatch.Domain;
using Scop.Aspire.ServiceDefaults.Http;
using Scop.Aspire.ServiceDefaults.Security;

namespace Scop.Aspire.RepriseWatch.Features.Opportunities;

/// <summary>One step of an opportunity's history, as its readers see it.</summary>
public sealed record MoveResponse(Guid Id, Stage? FromStage, Stage ToStage, DateTimeOffset At, Guid? ActorPersonId,
    string ActorRole, string? ActorRegionalUnion, string? Reason, string? Comment);

/// <summary>
/// <c>GET /api/reprise-watch/opportunities</c> (the pipeline: filtered, searched, newest first, paged),
/// <c>GET …/opportunities/{id}</c> and <c>GET …/opportunities/{id}/history</c>: what the caller may see
/// (<see cref="RepriseWatchAccess"/>) — their union's pipeline for a delegate, their cooperative's reports for a
/// manager, their own reports for anyone; the filters narrow that view, never widen it. The history (who moved it, when,
/// from which stage to which, and why) is read by those who move it: the union's delegates and staff.
/// </summary>
public static class ReadOpportunities
{
    public static RouteGroupBuilder MapReadOpportunities(this RouteGroupBuilder group)
    {
        group.MapGet("/opportunities", ListAsync).WithName("ListOpportunities")
            .WithSummary("The pipeline: opportunities the caller may see, newest first, filtered and searched (q: a name or a SIREN)")
            .RequireAuthorization(PlatformPolicies.Person);
        group.MapGet("/opportunities/{id:guid}", GetAsync).WithName("GetOpportunity").WithSummary("One opportunity (ETag)")
            .RequireAuthorization(PlatformPolicies.Person);
        group.MapGet("/opportunities/{id:guid}/history", HistoryAsync).WithName("GetOpportunityHistory")
            .WithSummary("Every move of an opportunity, oldest first").RequireAuthorization(PlatformPolicies.StaffOrDelegate);
        return group;
    }

    public static async Task<Results<Ok<PagedList<OpportunityResponse>>, ValidationProblem>> ListAsync(ClaimsPrincipal user,
        NpgsqlDataSource database, FrenchReferenceData reference, CancellationToken ct, int? page = null, int? pageSize = null,
        string? stage = null, string? regionalUnion = null, string? cause = null, bool? stale = null, string? nafDivision = null,
        string? q = null)
    {
        var (paging, problem) = PageRequest.From(page, pageSize);
        if (problem is not null)
        {
            return problem;
        }

        var errors = new ValidationErrors();
        var filter = new OpportunityFilter(
            Stage: Input.ParseEnum<Stage>(errors, "stage", stage, required: false),
            RegionalUnion: Input.OptionalText(errors, "regionalUnion", regionalUnion, 64),
            Cause: Input.ParseEnum<TakeoverCause>(errors, "cause", cause, required: false),
            Stale: stale,
            NafDivision: Input.OptionalText(errors, "nafDivision", nafDivision, 2),
            Search: Input.OptionalText(errors, "q", q, Opportunity.MaxNameLength));
        if (filter.NafDivision is { } division && (division.Length != 2 || !division.All(char.IsAsciiDigit)))
        {
            errors.Add("nafDivision", "The two digits of a NAF division (e.g. 25).");
        }

        if (!errors.IsValid)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        return TypedResults.Ok(await OpportunitySearch.RunAsync(database, user.Scope(), filter, paging, reference, ct));
    }

    public static async Task<Results<Ok<OpportunityResponse>, ProblemHttpResult>> GetAsync(Guid id, HttpContext http,
        ClaimsPrincipal user, RepriseWatchDbContext db, FrenchReferenceData reference, CancellationToken ct)
    {
        var opportunity = await db.Opportunities.AsNoTracking().Include(o => o.Reporters).SingleOrDefaultAsync(o => o.Id == id, ct);
        var scope = user.Scope();
        if (opportunity is null || !scope.CanSee(opportunity))
        {
            return Problems.NotFound("Opportunity", id);
        }

        http.Response.Headers.ETag = Preconditions.ETagOf(opportunity.Version);
        return TypedResults.Ok(OpportunityResponse.From(opportunity, scope, reference));
    }

    public static async Task<Results<Ok<IReadOnlyList<MoveResponse>>, ProblemHttpResult>> HistoryAsync(Guid id,
        ClaimsPrincipal user, RepriseWatchDbContext db, CancellationToken ct)
    {
        var union = await db.Opportunities.AsNoTracking().Where(o => o.Id == id).Select(o => o.RegionalUnion).SingleOrDefaultAsync(ct);
        if (union is null || !user.Scope().ActsFor(union))
        {
            return Problems.NotFound("Opportunity", id);
        }

        // An opportunity has a handful of moves (at most one per stage), so the history needs no paging.
        IReadOnlyList<MoveResponse> moves = await db.Moves.AsNoTracking().Where(m => m.OpportunityId == id)
            .OrderBy(m => m.Sequence)
            .Select(m => new MoveResponse(m.Id, m.FromStage, m.ToStage, m.At, m.ActorPersonId, m.ActorRole,
                m.ActorRegionalUnion, m.Reason, m.Comment))
            .ToListAsync(ct);
        return TypedResults.Ok(moves);
    }
}
