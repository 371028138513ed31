using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Scop.Aspire.ReferenceData;
using Scop.Aspire.RepriseWatch.Data;
using Scop.Aspire.RepriseWatch.Domain;
using Scop.Aspire.ServiceDefaults.Http;
using Scop.Aspire.ServiceDefaults.Security;
using Scop.Aspire.ServiceDefaults;

namespace Scop.Aspire.RepriseWatch.Features.Opportunities;

/// <summary>
/// The pipeline's moves, each a command with its rule (<see cref="PipelineRules"/>), made by the delegates of the
/// opportunity's regional union or staff, on the version the caller read: <c>If-Match</c> carries its ETag (<c>428</c>
/// without, <c>412</c> when another move came first — of two concurrent moves one wins, never a lost update). A move
/// from the wrong stage is a <c>409</c> naming the rule; what a move requires is a <c>400</c> naming the field.
/// <list type="bullet">
/// <item><c>POST …/{id}/qualify</c> from reported: <c>contactedOn</c> (not in the future) and <c>jobsAtStake</c>.</item>
/// <item><c>POST …/{id}/feasibility</c> from qualified (an optional <c>comment</c>).</item>
/// <item><c>POST …/{id}/financing</c> from feasibility: the study's <c>feasibilitySummary</c>.</item>
/// <item><c>POST …/{id}/lose</c> from any open stage: a <c>reason</c> from the fixed list and a <c>comment</c>.</item>
/// <item><c>PUT …/{id}/successor</c> on an open one: the <c>siren</c> of the new cooperative that takes the company
/// over; its <c>CooperativeJoined</c> converts the opportunity (at once if the register announced it already).</item>
/// </list>
/// </summary>
public static class MoveOpportunity
{
    public sealed record QualifyRequest(DateOnly? ContactedOn, int? JobsAtStake, string? Comment);

    public sealed record FeasibilityRequest(string? Comment);

    public sealed record FinancingRequest(string? FeasibilitySummary);

    public sealed record LoseRequest(string? Reason, string? Comment);

    public sealed record SuccessorRequest(string? Siren);

    private const string IfMatchHelp = "The ETag of the version read (GET), or *.";

    public static RouteGroupBuilder MapMoveOpportunity(this RouteGroupBuilder group)
    {
        group.MapPost("/opportunities/{id:guid}/qualify", QualifyAsync).WithName("QualifyOpportunity")
            .WithSummary("Qualify a reported opportunity (If-Match)").Accepts<QualifyRequest>("application/json")
            .WithHeader("If-Match", required: true, maxLength: 200, IfMatchHelp)
            .RequireAuthorization(PlatformPolicies.StaffOrDelegate);
        group.MapPost("/opportunities/{id:guid}/feasibility", FeasibilityAsync).WithName("StartFeasibility")
            .WithSummary("Start the feasibility study of a qualified opportunity (If-Match)")
            .Accepts<FeasibilityRequest>("application/json")
            .WithHeader("If-Match", required: true, maxLength: 200, IfMatchHelp)
            .RequireAuthorization(PlatformPolicies.StaffOrDelegate);
        group.MapPost("/opportunities/{id:guid}/financing", FinancingAsync).WithName("StartFinancing")
            .WithSummary("Move an opportunity from feasibility to financing, with the study's summary (If-Match)")
            .Accepts<FinancingRequest>("application/json")
            .WithHeader("If-Match", required: true, maxLength: 200, IfMatchHelp)
            .RequireAuthorization(PlatformPolicies.StaffOrDelegate);
        group.MapPost("/opportunities/{id:guid}/lose", LoseAsync).WithName("LoseOpportunity")
            .WithSummary("Close an open opportunity as lost, with a reason and a comment (If-Match)")
            .Accepts<LoseRequest>("application/json")
            .WithHeader("If-Match", required: true, maxLength: 200, IfMatchHelp)
            .RequireAuthorization(PlatformPolicies.StaffOrDelegate);
        group.MapPut("/opportunities/{id:guid}/successor", SuccessorAsync).WithName("LinkSuccessor")
            .WithSummary("Link the SIREN of the new cooperative that takes the company over (If-Match)")
            .Accepts<SuccessorRequest>("application/json")
            .WithHeader("If-Match", required: true, maxLength: 200, IfMatchHelp)
            .RequireAuthorization(PlatformPolicies.StaffOrDelegate);
        return group;
    }

    public static Task<Results<Ok<OpportunityResponse>, ValidationProblem, ProblemHttpResult>> QualifyAsync(Guid id,
        HttpRequest http, ClaimsPrincipal user, RepriseWatchDbContext db, FrenchReferenceData reference, TimeProvider time,
        IOptions<RepriseWatchOptions> options, CancellationToken ct) =>
        MoveAsync<QualifyRequest>(id, http, user, db, reference, time, options, PipelineMove.Qualify, (r, o, now, errors) =>
        {
            if (r.ContactedOn is not { } contactedOn)
            {
                errors.Add("contactedOn", "This field is required: qualifying means the owner was contacted.");
            }
            else if (contactedOn > ParisCalendar.DateOf(now))
            {
                errors.Add("contactedOn", "A contact that took place (today at the latest).");
            }

            if (r.JobsAtStake is not { } jobs)
            {
                errors.Add("jobsAtStake", "This field is required.");
            }
            else if (jobs is < 0 or > Opportunity.MaxHeadcount)
            {
                errors.Add("jobsAtStake", $"Between 0 and {Opportunity.MaxHeadcount}.");
            }

            var comment = Input.OptionalText(errors, "comment", r.Comment, Opportunity.MaxCommentLength);
            return errors.IsValid ? new PlannedMove(() => o.Qualify(r.ContactedOn!.Value, r.JobsAtStake!.Value, now), null, comment) : null;
        }, ct);

    public static Task<Results<Ok<OpportunityResponse>, ValidationProblem, ProblemHttpResult>> FeasibilityAsync(Guid id,
        HttpRequest http, ClaimsPrincipal user, RepriseWatchDbContext db, FrenchReferenceData reference, TimeProvider time,
        IOptions<RepriseWatchOptions> options, CancellationToken ct) =>
        MoveAsync<FeasibilityRequest>(id, http, user, db, reference, time, options, PipelineMove.StartFeasibility, (r, o, now, errors) =>
        {
            var comment = Input.OptionalText(errors, "comment", r.Comment, Opportunity.MaxCommentLength);
            return errors.IsValid ? new PlannedMove(() => o.StartFeasibility(now), null, comment) : null;
        }, ct);

    public static Task<Results<Ok<OpportunityResponse>, ValidationProblem, ProblemHttpResult>> FinancingAsync(Guid id,
        HttpRequest http, ClaimsPrincipal user, RepriseWatchDbContext db, FrenchReferenceData reference, TimeProvider time,
        IOptions<RepriseWatchOptions> options, CancellationToken ct) =>
        MoveAsync<FinancingRequest>(id, http, user, db, reference, time, options, PipelineMove.StartFinancing, (r, o, now, errors) =>
        {
            var summary = errors.RequireText("feasibilitySummary", r.FeasibilitySummary, Opportunity.MaxSummaryLength);
            return errors.IsValid ? new PlannedMove(() => o.StartFinancing(summary, now), null, null) : null;
        }, ct);

    public static Task<Results<Ok<OpportunityResponse>, ValidationProblem, ProblemHttpResult>> LoseAsync(Guid id,
        HttpRequest http, ClaimsPrincipal user, RepriseWatchDbContext db, FrenchReferenceData reference, TimeProvider time,
        IOptions<RepriseWatchOptions> options, CancellationToken ct) =>
        MoveAsync<LoseRequest>(id, http, user, db, reference, time, options, PipelineMove.Lose, (r, o, now, errors) =>
        {
            var reason = Input.ParseEnum<LostReason>(errors, "reason", r.Reason, required: true);
            var comment = errors.RequireText("comment", r.Comment, Opportunity.MaxCommentLength);
            return errors.IsValid ? new PlannedMove(() => o.Lose(reason!.Value, comment, now), reason!.Value.ToString(), comment) : null;
        }, ct);

    public static async Task<Results<Ok<OpportunityResponse>, ValidationProblem, ProblemHttpResult>> SuccessorAsync(Guid id,
        HttpRequest http, ClaimsPrincipal user, RepriseWatchDbContext db, FrenchReferenceData reference, TimeProvider time,
        IOptions<RepriseWatchOptions> options, CancellationToken ct)
    {
        KnownCooperative? joined = null;
        var result = await MoveAsync<SuccessorRequest>(id, http, user, db, reference, time, options, PipelineMove.LinkSuccessor,
            (r, o, now, errors) =>
            {
                if (!Siren.TryNormalize(r.Siren, out var siren))
                {
                    errors.Add("siren", r.Siren is null ? "This field is required." : "Nine digits whose last is the Luhn key of the first eight.");
                }

                return errors.IsValid ? new PlannedMove(() => o.LinkSuccessor(siren, now), null, null) : null;
            }, ct, afterMove: async (o, now) =>
            {
                if (await db.Opportunities.AnyAsync(other => other.Id != o.Id && other.Siren == o.SuccessorSiren, ct))
                {
                    return Problems.Broken(PipelineRules.OneOpportunityPerCooperative);
                }

                // The register may have announced the cooperative already: the opportunity is converted now.
                joined = await db.Cooperatives.SingleOrDefaultAsync(c => c.Siren == o.SuccessorSiren, ct);
                if (joined is not null)
                {
                    Pipeline.Convert(db, o, joined, options.Value.StaleAfter, now);
                }

                return null;
            });
        return result;
    }

    /// <summary>
    /// Loads the opportunity, checks who may move it and on which version, validates the request
    /// (<paramref name="validate"/> answers the move to apply, or null with errors), checks the stage's rule, applies
    /// the move with its history line, event and timer, and saves it under the version read.
    /// </summary>
    private static async Task<Results<Ok<OpportunityResponse>, ValidationProblem, ProblemHttpResult>> MoveAsync<TRequest>(
        Guid id, HttpRequest http, ClaimsPrincipal user, RepriseWatchDbContext db, FrenchReferenceData reference,
        TimeProvider time, IOptions<RepriseWatchOptions> options, PipelineMove move,
        Func<TRequest, Opportunity, DateTimeOffset, ValidationErrors, PlannedMove?> validate,
        CancellationToken ct, Func<Opportunity, DateTimeOffset, Task<ProblemHttpResult?>>? afterMove = null)
        where TRequest : class
    {
        var opportunity = await db.Opportunities.Include(o => o.Reporters).SingleOrDefaultAsync(o => o.Id == id, ct);
        var scope = user.Scope();
        if (opportunity is null || !scope.CanSee(opportunity))
        {
            return Problems.NotFound("Opportunity", id);
        }

        if (!scope.ActsFor(opportunity.RegionalUnion))
        {
            return RepriseWatchAccess.Forbidden("Outside your regional union",
                "Only the delegates of the opportunity's regional union and staff move it through the pipeline.");
        }

        var ifMatch = http.Headers.IfMatch.ToString();
        if (string.IsNullOrWhiteSpace(ifMatch))
        {
            return Preconditions.IfMatchRequired();
        }

        var (request, problem) = await JsonBody.ReadAsync<TRequest>(http, ct);
        if (problem is not null)
        {
            return problem;
        }

        var now = time.GetUtcNow();
        var errors = new ValidationErrors();
        var planned = validate(request!, opportunity, now, errors);
        if (planned is null)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        if (!Preconditions.Matches(ifMatch, Preconditions.ETagOf(opportunity.Version)))
        {
            return Preconditions.Stale("opportunity", $"/api/reprise-watch/opportunities/{id}");
        }

        if (PipelineRules.Breaks(move, opportunity.Stage) is { } rule)
        {
            return Problems.Broken(rule);
        }

        var from = opportunity.Stage;
        planned.Apply();
        if (move == PipelineMove.LinkSuccessor)
        {
            Pipeline.Active(db, opportunity, options.Value.StaleAfter, now);
        }
        else
        {
            Pipeline.Stepped(db, opportunity, from, RepriseWatchAccess.ActorOf(user), options.Value.StaleAfter, now, planned.Reason, planned.Comment);
        }

        if (afterMove is not null && await afterMove(opportunity, now) is { } refused)
        {
            return refused;
        }

        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Preconditions.Stale("opportunity", $"/api/reprise-watch/opportunities/{id}"); // another move committed first
        }

        http.HttpContext.Response.Headers.ETag = Preconditions.ETagOf(opportunity.Version);
        return TypedResults.Ok(OpportunityResponse.From(opportunity, scope, reference));
    }

    /// <summary>A validated move: what it does, and the reason and comment its history line keeps.</summary>
    private sealed record PlannedMove(Action Apply, string? Reason, string? Comment);
}
