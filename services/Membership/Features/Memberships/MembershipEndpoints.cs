using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Scop.Aspire.Contracts.Membership;
using Scop.Aspire.Membership.Consumers;
using Scop.Aspire.Membership.Data;
using Scop.Aspire.Membership.Domain;
using Scop.Aspire.Membership.Features.People;
using Scop.Aspire.ServiceDefaults.Http;
using Scop.Aspire.ServiceDefaults.Messaging;
using Scop.Aspire.ServiceDefaults.Security;
using Scop.Aspire.ServiceDefaults;

namespace Scop.Aspire.Membership.Features.Memberships;

public sealed record TermResponse(DateOnly StartsOn, DateOnly EndsOn, long AmountCents, DateOnly PaidOn);

/// <summary>The membership as of today: the status is computed from the terms when read, never stored.</summary>
public sealed record MembershipResponse(
    Guid Id,
    Guid CooperativeId,
    TermKind TermKind,
    string? RolloverDate,
    long DuesCents,
    DateOnly AppliedOn,
    MembershipStatus Status,
    DateOnly AsOf,
    DateOnly? PaidThrough,
    DateOnly? GraceEndsOn,
    IReadOnlyList<TermResponse> Terms)
{
    public static MembershipResponse From(CooperativeMembership membership, DateOnly today) => new(membership.Id,
        membership.CooperativeId, membership.TermKind,
        membership.TermKind == TermKind.CalendarYear ? $"{membership.RolloverMonth:00}-{membership.RolloverDay:00}" : null,
        membership.DuesCents, membership.AppliedOn, membership.StatusOn(today), today, membership.PaidThrough,
        membership.PaidThrough?.AddDays(MembershipRules.GraceDays),
        membership.Terms.OrderBy(t => t.StartsOn).Select(t => new TermResponse(t.StartsOn, t.EndsOn, t.AmountCents, t.PaidOn)).ToList());
}

/// <summary>
/// A cooperative's membership: apply (<c>POST</c>, pending until the first dues are paid), read (<c>GET</c>, status as
/// of today), pay dues (<c>POST .../payments</c>: the first activates, the next renew; each schedules the check at the
/// end of its grace period).
/// </summary>
public static class MembershipEndpoints
{
    public sealed record ApplyRequest(string? TermKind, string? RolloverDate, long? DuesCents);

    public sealed record PaymentRequest(long? AmountCents, DateOnly? PaidOn);

    public static IEndpointRouteBuilder MapMemberships(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/membership/cooperatives/{cooperativeId:guid}/membership").WithTags("Memberships");
        group.MapPost("/", ApplyAsync).WithName("ApplyForMembership").WithSummary("Apply for membership of the movement")
            .Accepts<ApplyRequest>("application/json").RequireAuthorization(PlatformPolicies.CooperativeSelfService);
        group.MapGet("/", GetAsync).WithName("GetMembership").WithSummary("The membership, its status today and its terms")
            .RequireAuthorization(PlatformPolicies.ReadCooperatives);
        group.MapPost("/payments", PayAsync).WithName("PayDues")
            .WithSummary("Record a year's dues: activates or renews (publishes MembershipActivated / MembershipRenewed)")
            .Accepts<PaymentRequest>("application/json").RequireAuthorization(PlatformPolicies.CooperativeSelfService)
            .WithIdempotency<MembershipDbContext>();
        return app;
    }

    public static async Task<Results<Created<MembershipResponse>, ValidationProblem, ProblemHttpResult>> ApplyAsync(
        Guid cooperativeId, HttpRequest http, ClaimsPrincipal user, MembershipDbContext db, TimeProvider time, CancellationToken ct)
    {
        var cooperative = await db.Cooperatives.AsNoTracking().SingleOrDefaultAsync(c => c.Id == cooperativeId, ct);
        if (cooperative is null || !CallerScope.Of(user).CanRead(cooperative.RegionalUnion, cooperative.Id))
        {
            return CooperativeNotFound(cooperativeId);
        }

        if (!CallerScope.CanActFor(user, cooperative.RegionalUnion, cooperative.Id))
        {
            return PersonAccess.OutsideUnion();
        }

        var (request, problem) = await JsonBody.ReadAsync<ApplyRequest>(http, ct);
        if (problem is not null)
        {
            return problem;
        }

        var errors = new ValidationErrors();
        TermKind kind = default;
        if (string.IsNullOrWhiteSpace(request!.TermKind))
        {
            errors.Add("termKind", "This field is required.");
        }
        else if (request.TermKind.Trim().All(char.IsAsciiDigit)
                 || !Enum.TryParse(request.TermKind.Trim().Replace("-", "", StringComparison.Ordinal), ignoreCase: true, out kind))
        {
            errors.Add("termKind", "One of rolling or calendar-year.");
        }

        var (month, day) = (1, 1);
        if (kind == TermKind.CalendarYear && !string.IsNullOrWhiteSpace(request.RolloverDate))
        {
            var parts = request.RolloverDate.Trim().Split('-');
            if (parts.Length != 2 || !int.TryParse(parts[0], out month) || !int.TryParse(parts[1], out day)
                || month is < 1 or > 12 || day < 1 || day > (month == 2 ? 28 : DateTime.DaysInMonth(2001, month)))
            {
                errors.Add("rolloverDate", "A month and day, MM-DD (e.g. 01-01; not 02-29).");
            }
        }

        if (request.DuesCents is null)
        {
            errors.Add("duesCents", "This field is required.");
        }
        else if (request.DuesCents is < 0 or > 100_000_000)
        {
            errors.Add("duesCents", "Between 0 and 100,000,000 cents.");
        }

        if (!errors.IsValid)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        var now = time.GetUtcNow();
        var membership = CooperativeMembership.Apply(cooperative, kind, month, day, request.DuesCents!.Value,
            ParisCalendar.Today(time), now);
        db.Memberships.Add(membership);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Already a member",
                detail: "The cooperative has a membership; pay its dues to renew it.");
        }

        return TypedResults.Created($"/api/membership/cooperatives/{cooperativeId}/membership",
            MembershipResponse.From(membership, ParisCalendar.Today(time)));
    }

    public static async Task<Results<Ok<MembershipResponse>, ProblemHttpResult>> GetAsync(Guid cooperativeId,
        ClaimsPrincipal user, MembershipDbContext db, TimeProvider time, CancellationToken ct)
    {
        var membership = await db.Memberships.AsNoTracking().Include(m => m.Terms)
            .SingleOrDefaultAsync(m => m.CooperativeId == cooperativeId, ct);
        return membership is null || !CallerScope.Of(user).CanRead(membership.RegionalUnion, membership.CooperativeId)
            ? TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No membership",
                detail: $"Cooperative {cooperativeId} has no membership you can see.")
            : TypedResults.Ok(MembershipResponse.From(membership, ParisCalendar.Today(time)));
    }

    public static async Task<Results<Ok<MembershipResponse>, ValidationProblem, ProblemHttpResult>> PayAsync(
        Guid cooperativeId, HttpRequest http, ClaimsPrincipal user, MembershipDbContext db, TimeProvider time, CancellationToken ct)
    {
        var membership = await db.Memberships.Include(m => m.Terms).SingleOrDefaultAsync(m => m.CooperativeId == cooperativeId, ct);
        if (membership is null || !CallerScope.Of(user).CanRead(membership.RegionalUnion, membership.CooperativeId))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No membership",
                detail: $"Cooperative {cooperativeId} has no membership you can see; apply first.");
        }

        if (!CallerScope.CanActFor(user, membership.RegionalUnion, membership.CooperativeId))
        {
            return PersonAccess.OutsideUnion();
        }

        var (request, problem) = await JsonBody.ReadAsync<PaymentRequest>(http, ct);
        if (problem is not null)
        {
            return problem;
        }

        var today = ParisCalendar.Today(time);
        var errors = new ValidationErrors();
        if (request!.AmountCents is null)
        {
            errors.Add("amountCents", "This field is required.");
        }
        else if (request.AmountCents < membership.DuesCents || request.AmountCents > 100_000_000)
        {
            errors.Add("amountCents", $"A year's dues: at least {membership.DuesCents} cents (partial payments are not recorded).");
        }

        var paidOn = request.PaidOn ?? today;
        if (paidOn > today)
        {
            errors.Add("paidOn", "Not in the future.");
        }
        else if (paidOn < membership.AppliedOn || (membership.Terms.Count > 0 && paidOn < membership.Terms.Max(t => t.PaidOn)))
        {
            errors.Add("paidOn", "Not before the application nor before the last recorded payment.");
        }

        if (!errors.IsValid)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        var first = membership.Terms.Count == 0;
        var term = membership.Pay(request.AmountCents!.Value, paidOn);
        db.Add(term);
        var now = time.GetUtcNow();
        var aggregate = membership.Id.ToString();
        if (first)
        {
            db.AddIntegrationEvent(new MembershipActivated(Guid.CreateVersion7(now), now, membership.Id, membership.CooperativeId,
                membership.RegionalUnion, term.StartsOn, term.EndsOn), aggregate);
        }
        else
        {
            db.AddIntegrationEvent(new MembershipRenewed(Guid.CreateVersion7(now), now, membership.Id, membership.CooperativeId,
                membership.RegionalUnion, term.StartsOn, term.EndsOn), aggregate);
        }

        // The durable timer: at the end of this term's grace period, the service checks whether it lapsed. Not in the
        // membership's aggregate order: a pending timer would hold back every later event of the membership.
        db.AddIntegrationEvent(new GraceEndCheck(Guid.CreateVersion7(now), now, membership.Id, term.EndsOn), aggregateId: null,
            notBefore: MembershipRules.GraceEndsAt(term.EndsOn));
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Concurrent payment",
                detail: "Another payment was recorded at the same time; read the membership and try again.");
        }

        return TypedResults.Ok(MembershipResponse.From(membership, today));
    }

    private static ProblemHttpResult CooperativeNotFound(Guid id) => TypedResults.Problem(
        statusCode: StatusCodes.Status404NotFound, title: "Cooperative not found", detail: $"No cooperative has the id {id}.");
}
