using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Scop.Aspire.RepriseWatch.Data;
using Scop.Aspire.RepriseWatch.Domain;
using Scop.Aspire.ServiceDefaults.Http;
using Scop.Aspire.ServiceDefaults.Security;

namespace Scop.Aspire.RepriseWatch.Features.Pool;

/// <summary>A volunteer as a candidate for one opportunity: how well they match it, and whether they were proposed.</summary>
public sealed record CandidateResponse(VolunteerResponse Volunteer, bool SectorMatches, bool SizeMatches, Guid? ProposalId,
    ProposalOutcome? Outcome);

public sealed record ProposalResponse(Guid Id, Guid OpportunityId, Guid PersonId, DateTimeOffset ProposedAt, Guid? ProposedByPersonId,
    string ProposedByRole, ProposalOutcome Outcome, DateTimeOffset? OutcomeAt, string? OutcomeComment);

/// <summary>
/// Matching the pool to an opportunity, for the delegates of its union and staff (<see cref="RepriseWatchAccess"/>):
/// <c>GET …/opportunities/{id}/candidates</c> lists the volunteers of its union, best first — ready (the managers' path
/// completed) before not yet, then those who would take on its sector (NAF division), then its size, then the
/// longest-standing; <c>POST …/opportunities/{id}/proposals</c> proposes one (once per opportunity, while it is open);
/// <c>POST …/proposals/{id}/outcome</c> records what came of it (accepted, declined or withdrawn, once).
/// </summary>
public static class Candidates
{
    public sealed record ProposeRequest(Guid? PersonId);

    public sealed record OutcomeRequest(string? Outcome, string? Comment);

    public static RouteGroupBuilder MapCandidates(this RouteGroupBuilder group)
    {
        group.MapGet("/opportunities/{id:guid}/candidates", CandidatesAsync).WithName("ListCandidates")
            .WithSummary("The pool's volunteers of the opportunity's union, best match first")
            .RequireAuthorization(PlatformPolicies.StaffOrDelegate);
        group.MapGet("/opportunities/{id:guid}/proposals", ProposalsAsync).WithName("ListProposals")
            .WithSummary("The candidates proposed for an opportunity, and their outcomes")
            .RequireAuthorization(PlatformPolicies.StaffOrDelegate);
        group.MapPost("/opportunities/{id:guid}/proposals", ProposeAsync).WithName("ProposeCandidate")
            .WithSummary("Propose a volunteer of the pool for an open opportunity")
            .Accepts<ProposeRequest>("application/json").RequireAuthorization(PlatformPolicies.StaffOrDelegate);
        group.MapPost("/proposals/{id:guid}/outcome", OutcomeAsync).WithName("RecordProposalOutcome")
            .WithSummary("Record what came of a proposal: Accepted, Declined or Withdrawn")
            .Accepts<OutcomeRequest>("application/json").RequireAuthorization(PlatformPolicies.StaffOrDelegate);
        return group;
    }

    public static async Task<Results<Ok<PagedList<CandidateResponse>>, ValidationProblem, ProblemHttpResult>> CandidatesAsync(
        Guid id, ClaimsPrincipal user, RepriseWatchDbContext db, CancellationToken ct, int? page = null, int? pageSize = null)
    {
        var (paging, problem) = PageRequest.From(page, pageSize);
        if (problem is not null)
        {
            return problem;
        }

        if (await ActedOnAsync(id, user, db, ct) is not { } opportunity)
        {
            return Problems.NotFound("Opportunity", id);
        }

        var division = opportunity.NafDivision;
        var size = CompanySizes.Of(opportunity.Headcount).ToString();
        var query =
            from v in ManagerPool.Volunteers(db).Where(v => v.RegionalUnion == opportunity.RegionalUnion)
            join p in db.Proposals.Where(p => p.OpportunityId == id) on v.PersonId equals p.PersonId into proposals
            from proposal in proposals.DefaultIfEmpty()
            select new
            {
                Volunteer = v,
                SectorMatches = v.NafDivisions.Contains(division),
                SizeMatches = v.CompanySizes.Contains(size),
                ProposalId = (Guid?)proposal!.Id,
                Outcome = (ProposalOutcome?)proposal.Outcome,
            };
        var total = await query.LongCountAsync(ct);
        var items = await query
            .OrderByDescending(c => c.Volunteer.ManagersPathCompletedOn != null)
            .ThenByDescending(c => c.SectorMatches).ThenByDescending(c => c.SizeMatches)
            .ThenBy(c => c.Volunteer.VolunteeredAt).ThenBy(c => c.Volunteer.PersonId)
            .Skip(paging.Skip).Take(paging.PageSize).ToListAsync(ct);
        return TypedResults.Ok(new PagedList<CandidateResponse>(
            items.Select(c => new CandidateResponse(c.Volunteer.Response(), c.SectorMatches, c.SizeMatches, c.ProposalId, c.Outcome)).ToList(),
            paging.Page, paging.PageSize, total));
    }

    public static async Task<Results<Ok<PagedList<ProposalResponse>>, ValidationProblem, ProblemHttpResult>> ProposalsAsync(
        Guid id, ClaimsPrincipal user, RepriseWatchDbContext db, CancellationToken ct, int? page = null, int? pageSize = null)
    {
        var (paging, problem) = PageRequest.From(page, pageSize);
        if (problem is not null)
        {
            return problem;
        }

        if (await ActedOnAsync(id, user, db, ct) is null)
        {
            return Problems.NotFound("Opportunity", id);
        }

        var query = db.Proposals.AsNoTracking().Where(p => p.OpportunityId == id);
        var total = await query.LongCountAsync(ct);
        var items = await query.OrderBy(p => p.ProposedAt).ThenBy(p => p.Id).Skip(paging.Skip).Take(paging.PageSize).ToListAsync(ct);
        return TypedResults.Ok(new PagedList<ProposalResponse>(items.Select(Response).ToList(), paging.Page, paging.PageSize, total));
    }

    public static async Task<Results<Created<ProposalResponse>, ValidationProblem, ProblemHttpResult>> ProposeAsync(Guid id,
        HttpRequest http, ClaimsPrincipal user, RepriseWatchDbContext db, TimeProvider time, CancellationToken ct)
    {
        var (request, problem) = await JsonBody.ReadAsync<ProposeRequest>(http, ct);
        if (problem is not null)
        {
            return problem;
        }

        if (request!.PersonId is not { } person || person == Guid.Empty)
        {
            return JsonBody.Invalid("personId", "This field is required: the person id of a volunteer of the pool.");
        }

        if (await ActedOnAsync(id, user, db, ct) is not { } opportunity)
        {
            return Problems.NotFound("Opportunity", id);
        }

        if (!opportunity.IsOpen)
        {
            return Problems.Conflict("Opportunity closed", $"The opportunity is {opportunity.Stage}: nobody is proposed for it any more.");
        }

        var volunteer = await ManagerPool.Volunteers(db).SingleOrDefaultAsync(v => v.PersonId == person, ct);
        if (volunteer is null)
        {
            return Problems.Conflict("Not in the pool", $"The person {person} is not a volunteer of the pool of future managers.");
        }

        if (volunteer.RegionalUnion != opportunity.RegionalUnion)
        {
            return Problems.Conflict("Another union's volunteer",
                $"The volunteer is of {volunteer.RegionalUnion}; the opportunity's candidates are those of {opportunity.RegionalUnion}.");
        }

        var actor = RepriseWatchAccess.ActorOf(user);
        var now = time.GetUtcNow();
        var proposal = new CandidateProposal
        {
            Id = Guid.CreateVersion7(now), OpportunityId = id, PersonId = person, ProposedAt = now,
            ProposedByPersonId = actor.PersonId, ProposedByRole = actor.Role, Outcome = ProposalOutcome.Proposed,
        };
        db.Proposals.Add(proposal);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException exception) when (exception.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            return Problems.Conflict("Proposed already", "This volunteer was proposed for this opportunity already; record the outcome of that proposal.");
        }

        return TypedResults.Created($"/api/reprise-watch/opportunities/{id}/proposals", Response(proposal));
    }

    public static async Task<Results<Ok<ProposalResponse>, ValidationProblem, ProblemHttpResult>> OutcomeAsync(Guid id,
        HttpRequest http, ClaimsPrincipal user, RepriseWatchDbContext db, TimeProvider time, CancellationToken ct)
    {
        var (request, problem) = await JsonBody.ReadAsync<OutcomeRequest>(http, ct);
        if (problem is not null)
        {
            return problem;
        }

        var errors = new ValidationErrors();
        var outcome = Input.ParseEnum<ProposalOutcome>(errors, "outcome", request!.Outcome, required: true);
        if (outcome == ProposalOutcome.Proposed)
        {
            errors.Add("outcome", "One of: Accepted, Declined, Withdrawn.");
        }

        var comment = Input.OptionalText(errors, "comment", request.Comment, CandidateProposal.MaxCommentLength);
        if (!errors.IsValid)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        var opportunityId = await db.Proposals.Where(p => p.Id == id).Select(p => (Guid?)p.OpportunityId).SingleOrDefaultAsync(ct);
        if (opportunityId is null || await ActedOnAsync(opportunityId.Value, user, db, ct) is null)
        {
            return Problems.NotFound("Proposal", id);
        }

        // Only a proposal still awaiting its answer changes: of two concurrent outcomes, one is recorded.
        var now = time.GetUtcNow();
        var recorded = await db.Proposals
            .Where(p => p.Id == id && p.Outcome == ProposalOutcome.Proposed)
            .ExecuteUpdateAsync(set => set
                .SetProperty(p => p.Outcome, outcome!.Value)
                .SetProperty(p => p.OutcomeAt, now)
                .SetProperty(p => p.OutcomeComment, comment), ct);
        var current = await db.Proposals.AsNoTracking().SingleAsync(p => p.Id == id, ct);
        if (recorded == 0)
        {
            return Problems.Conflict("Outcome recorded already", $"The proposal is {current.Outcome} since {current.OutcomeAt:yyyy-MM-dd}.");
        }

        return TypedResults.Ok(Response(current));
    }

    /// <summary>The opportunity, when the caller acts for its union; null otherwise (outside their view: 404).</summary>
    private static async Task<Opportunity?> ActedOnAsync(Guid id, ClaimsPrincipal user, RepriseWatchDbContext db, CancellationToken ct)
    {
        var opportunity = await db.Opportunities.AsNoTracking().SingleOrDefaultAsync(o => o.Id == id, ct);
        return opportunity is not null && CallerScope.Of(user).ActsFor(opportunity.RegionalUnion) ? opportunity : null;
    }

    private static ProposalResponse Response(CandidateProposal p) => new(p.Id, p.OpportunityId, p.PersonId, p.ProposedAt,
        p.ProposedByPersonId, p.ProposedByRole, p.Outcome, p.OutcomeAt, p.OutcomeComment);
}
