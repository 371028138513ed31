using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Scop.Aspire.Ambassadors.Data;
using Scop.Aspire.Ambassadors.Domain;
using Scop.Aspire.ReferenceData;
using Scop.Aspire.ServiceDefaults;
using Scop.Aspire.ServiceDefaults.Http;
using Scop.Aspire.ServiceDefaults.Security;

namespace Scop.Aspire.Ambassadors.Features.Labels;

/// <summary>
/// The delegates' steps of the label, each a command with its rule (<see cref="LabelRules"/>), taken by the delegates of
/// the Ambassade's regional union or staff, on the version the caller read: <c>If-Match</c> carries its ETag (<c>428</c>
/// without, <c>412</c> when another step came first). A step from the wrong status is a <c>409</c> naming the rule;
/// what a step requires is a <c>400</c> naming the field; either way nothing is written.
/// <list type="bullet">
/// <item><c>POST …/ambassades/{id}/review</c> while a decision is awaited: <c>visitOn</c> (not in the future) and the
/// checklist <c>signageInPlace</c>, <c>canWelcomeAndInform</c>, <c>localRepresentation</c>. Whether the membership is
/// current is not entered: it is what membership's events told the service, recorded with the review.</item>
/// <item><c>POST …/{id}/approve</c>: reviewed, every criterion met, and the membership current now — else a 409 naming
/// what is missing. A first label runs <c>LabelYears</c> from the decision; a renewal extends it from its end.</item>
/// <item><c>POST …/{id}/refuse</c> with a <c>reason</c>; <c>…/suspend</c> (a label in force) with a <c>reason</c>;
/// <c>…/reinstate</c> (a suspended one, an optional <c>comment</c>); <c>…/withdraw</c> (in force or suspended, final)
/// with a <c>reason</c>.</item>
/// </list>
/// </summary>
public static class LabelDecisions
{
    public sealed record ReviewRequest(DateOnly? VisitOn, bool? SignageInPlace, bool? CanWelcomeAndInform, bool? LocalRepresentation);

    public sealed record ApproveRequest(string? Comment);

    public sealed record ReasonRequest(string? Reason);

    public sealed record ReinstateRequest(string? Comment);

    private const string IfMatchHelp = "The ETag of the version read (GET), or *.";

    public static RouteGroupBuilder MapLabelDecisions(this RouteGroupBuilder group)
    {
        Step(group.MapPost("/ambassades/{id:guid}/review", ReviewAsync).WithName("ReviewAmbassade")
            .WithSummary("Record the visit and the checklist of an application awaiting its decision (If-Match)")
            .Accepts<ReviewRequest>("application/json"));
        Step(group.MapPost("/ambassades/{id:guid}/approve", ApproveAsync).WithName("ApproveAmbassade")
            .WithSummary("Grant (or renew) the label: every criterion met and the membership current (If-Match)")
            .Accepts<ApproveRequest>("application/json"));
        Step(group.MapPost("/ambassades/{id:guid}/refuse", RefuseAsync).WithName("RefuseAmbassade")
            .WithSummary("Refuse an application or a renewal, with a reason (If-Match)")
            .Accepts<ReasonRequest>("application/json"));
        Step(group.MapPost("/ambassades/{id:guid}/suspend", SuspendAsync).WithName("SuspendAmbassade")
            .WithSummary("Suspend a label in force, with a reason: out of the directory (If-Match)")
            .Accepts<ReasonRequest>("application/json"));
        Step(group.MapPost("/ambassades/{id:guid}/reinstate", ReinstateAsync).WithName("ReinstateAmbassade")
            .WithSummary("Reinstate a suspended label: back in the directory (If-Match)")
            .Accepts<ReinstateRequest>("application/json"));
        Step(group.MapPost("/ambassades/{id:guid}/withdraw", WithdrawAsync).WithName("WithdrawAmbassade")
            .WithSummary("Withdraw a label for good, with a reason (If-Match)")
            .Accepts<ReasonRequest>("application/json"));
        return group;
    }

    private static void Step(RouteHandlerBuilder endpoint) =>
        endpoint.WithHeader("If-Match", required: true, maxLength: 200, IfMatchHelp).RequireAuthorization(PlatformPolicies.StaffOrDelegate);

    public static Task<Results<Ok<AmbassadeResponse>, ValidationProblem, ProblemHttpResult>> ReviewAsync(Guid id, HttpRequest http,
        ClaimsPrincipal user, AmbassadorsDbContext db, FrenchPlaces places, TimeProvider time, IOptions<AmbassadorsOptions> options,
        CancellationToken ct) =>
        StepAsync<ReviewRequest>(id, http, user, db, places, time, options, LabelStep.Review, (r, a, membership, now, errors) =>
        {
            if (r.VisitOn is not { } visitOn)
            {
                errors.Add("visitOn", "This field is required: the day the delegate visited the cooperative.");
            }
            else if (visitOn > ParisCalendar.DateOf(now))
            {
                errors.Add("visitOn", "A visit that took place (today at the latest).");
            }

            Require(errors, "signageInPlace", r.SignageInPlace);
            Require(errors, "canWelcomeAndInform", r.CanWelcomeAndInform);
            Require(errors, "localRepresentation", r.LocalRepresentation);
            return errors.IsValid
                ? (actor, _) =>
                {
                    a.Review(actor.PersonId, r.VisitOn!.Value, r.SignageInPlace!.Value, r.CanWelcomeAndInform!.Value,
                        r.LocalRepresentation!.Value, membership, now);
                    LabelWorkflow.Reviewed(db, a, actor, now);
                }
                : null;
        }, ct);

    public static Task<Results<Ok<AmbassadeResponse>, ValidationProblem, ProblemHttpResult>> ApproveAsync(Guid id, HttpRequest http,
        ClaimsPrincipal user, AmbassadorsDbContext db, FrenchPlaces places, TimeProvider time, IOptions<AmbassadorsOptions> options,
        CancellationToken ct) =>
        StepAsync<ApproveRequest>(id, http, user, db, places, time, options, LabelStep.Approve, (r, a, _, now, errors) =>
        {
            var comment = OptionalText(errors, "comment", r.Comment, Ambassade.MaxReasonLength);
            return errors.IsValid
                ? (actor, from) =>
                {
                    var renewal = a.Approve(actor.PersonId, options.Value.LabelYears, ParisCalendar.DateOf(now), now);
                    LabelWorkflow.Labelled(db, a, from, actor, renewal, options.Value, places, now, comment);
                }
                : null;
        }, ct);

    public static Task<Results<Ok<AmbassadeResponse>, ValidationProblem, ProblemHttpResult>> RefuseAsync(Guid id, HttpRequest http,
        ClaimsPrincipal user, AmbassadorsDbContext db, FrenchPlaces places, TimeProvider time, IOptions<AmbassadorsOptions> options,
        CancellationToken ct) =>
        StepAsync<ReasonRequest>(id, http, user, db, places, time, options, LabelStep.Refuse, (r, a, _, now, errors) =>
        {
            var reason = errors.RequireText("reason", r.Reason, Ambassade.MaxReasonLength);
            return errors.IsValid
                ? (actor, from) => LabelWorkflow.Refused(db, a, from, actor, a.Refuse(actor.PersonId, reason, now), now)
                : null;
        }, ct);

    public static Task<Results<Ok<AmbassadeResponse>, ValidationProblem, ProblemHttpResult>> SuspendAsync(Guid id, HttpRequest http,
        ClaimsPrincipal user, AmbassadorsDbContext db, FrenchPlaces places, TimeProvider time, IOptions<AmbassadorsOptions> options,
        CancellationToken ct) =>
        StepAsync<ReasonRequest>(id, http, user, db, places, time, options, LabelStep.Suspend, (r, a, _, now, errors) =>
        {
            var reason = errors.RequireText("reason", r.Reason, Ambassade.MaxReasonLength);
            return errors.IsValid
                ? (actor, _) =>
                {
                    a.Suspend(actor.PersonId, reason, now);
                    LabelWorkflow.Suspended(db, a, actor, now);
                }
                : null;
        }, ct);

    public static Task<Results<Ok<AmbassadeResponse>, ValidationProblem, ProblemHttpResult>> ReinstateAsync(Guid id, HttpRequest http,
        ClaimsPrincipal user, AmbassadorsDbContext db, FrenchPlaces places, TimeProvider time, IOptions<AmbassadorsOptions> options,
        CancellationToken ct) =>
        StepAsync<ReinstateRequest>(id, http, user, db, places, time, options, LabelStep.Reinstate, (r, a, _, now, errors) =>
        {
            var comment = OptionalText(errors, "comment", r.Comment, Ambassade.MaxReasonLength);
            return errors.IsValid
                ? (actor, _) =>
                {
                    a.Reinstate(actor.PersonId, now);
                    LabelWorkflow.Reinstated(db, a, actor, comment, now);
                }
                : null;
        }, ct);

    public static Task<Results<Ok<AmbassadeResponse>, ValidationProblem, ProblemHttpResult>> WithdrawAsync(Guid id, HttpRequest http,
        ClaimsPrincipal user, AmbassadorsDbContext db, FrenchPlaces places, TimeProvider time, IOptions<AmbassadorsOptions> options,
        CancellationToken ct) =>
        StepAsync<ReasonRequest>(id, http, user, db, places, time, options, LabelStep.Withdraw, (r, a, _, now, errors) =>
        {
            var reason = errors.RequireText("reason", r.Reason, Ambassade.MaxReasonLength);
            return errors.IsValid
                ? (actor, from) =>
                {
                    a.Withdraw(actor.PersonId, reason, now);
                    LabelWorkflow.Withdrawn(db, a, from, actor, now);
                }
                : null;
        }, ct);

    /// <summary>
    /// Loads the Ambassade, checks who may act on it and on which version, validates the request (<paramref name="validate"/>
    /// answers the step to apply, or null with errors), checks the status's rule (and for an approval, the criteria and the
    /// membership), applies the step with its history line, event and timers, and saves it under the version read.
    /// </summary>
    private static async Task<Results<Ok<AmbassadeResponse>, ValidationProblem, ProblemHttpResult>> StepAsync<TRequest>(Guid id,
        HttpRequest http, ClaimsPrincipal user, AmbassadorsDbContext db, FrenchPlaces places, TimeProvider time,
        IOptions<AmbassadorsOptions> options, LabelStep step,
        Func<TRequest, Ambassade, bool, DateTimeOffset, ValidationErrors, Action<LabelActor, LabelStatus>?> validate, CancellationToken ct)
        where TRequest : class
    {
        var ambassade = await db.Ambassades.SingleOrDefaultAsync(a => a.Id == id, ct);
        var scope = user.Scope();
        if (ambassade is null || !scope.CanSee(ambassade))
        {
            return Problems.NotFound("Ambassade", id);
        }

        if (!scope.ActsFor(ambassade.RegionalUnion))
        {
            return AmbassadorsAccess.Forbidden("Outside your regional union",
                "Only the delegates of the Ambassade's regional union and staff review and decide its label.");
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
        var membership = await ManagerLabel.MembershipCurrentAsync(db, ambassade.CooperativeId, ct);
        var errors = new ValidationErrors();
        var apply = validate(request!, ambassade, membership, now, errors);
        if (apply is null)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        var path = $"/api/ambassadors/ambassades/{id}";
        if (!Preconditions.Matches(ifMatch, Preconditions.ETagOf(ambassade.Version)))
        {
            return Preconditions.Stale("Ambassade", path);
        }

        if (LabelRules.Breaks(step, ambassade) is { } rule)
        {
            return Problems.Broken(rule, rule == LabelRules.CriteriaMet ? ambassade.MissingCriteria() : null);
        }

        if (step == LabelStep.Approve && !membership)
        {
            return Problems.Broken(LabelRules.MembershipCurrent, ["membershipCurrent"]);
        }

        apply(AmbassadorsAccess.ActorOf(user), ambassade.Status);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Preconditions.Stale("Ambassade", path); // another step committed first
        }

        http.HttpContext.Response.Headers.ETag = Preconditions.ETagOf(ambassade.Version);
        return TypedResults.Ok(AmbassadeResponse.From(ambassade, membership, places));
    }

    private static void Require(ValidationErrors errors, string field, bool? value)
    {
        if (value is null)
        {
            errors.Add(field, "This field is required: true or false, as the visit found it.");
        }
    }

    private static string? OptionalText(ValidationErrors errors, string field, string? value, int maxLength) =>
        string.IsNullOrWhiteSpace(value) ? null : errors.RequireText(field, value, maxLength);
}
