using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Scop.Aspire.Membership.Data;
using Scop.Aspire.Membership.Domain;
using Scop.Aspire.Membership.Features.Benefits;
using Scop.Aspire.Membership.Features.Cards;
using Scop.Aspire.Membership.Features.Memberships;
using Scop.Aspire.Membership.Features.People;
using Scop.Aspire.ServiceDefaults.Http;
using Scop.Aspire.ServiceDefaults.Security;
using Scop.Aspire.ServiceDefaults;

namespace Scop.Aspire.Membership.Features.Me;

public sealed record MyCooperative(Guid Id, string Name, string RegionalUnion);

public sealed record MyCard(string Number, bool Valid, DateOnly On, DateOnly? RevokedOn);

/// <summary>What the register holds of the signed-in person: their record, their cooperative, its membership, their card.</summary>
public sealed record MeResponse(PersonResponse Person, MyCooperative Cooperative, MembershipResponse? Membership, MyCard Card);

/// <summary>
/// The signed-in person's own record (<c>/api/membership/me</c>), whatever their role: the person is the one their
/// token's <c>person_id</c> names, never one of the path or the body. A member reads their cooperative's membership
/// and their card (valid today or not, as a partner would be told), and enrols in a benefit with their own consent.
/// </summary>
public static class MeEndpoints
{
    public static IEndpointRouteBuilder MapMe(this IEndpointRouteBuilder app)
    {
        var me = app.MapGroup("/api/membership/me").WithTags("Me");
        me.MapGet("/", GetAsync).WithName("GetMe")
            .WithSummary("The signed-in person's record, their cooperative, its membership and their card")
            .RequireAuthorization(PlatformPolicies.Person);
        me.MapGet("/benefit-enrolments", ListEnrolmentsAsync).WithName("ListMyEnrolments")
            .WithSummary("The signed-in person's benefit enrolments, paged").RequireAuthorization(PlatformPolicies.Person);
        me.MapPost("/benefit-enrolments", EnrolAsync).WithName("EnrolMeInBenefit")
            .WithSummary("Enrol the signed-in person in a benefit, with the fields they consent to share (publishes BenefitEnrolmentRequested for a partner's benefit)")
            .Accepts<BenefitEndpoints.EnrolRequest>("application/json").RequireAuthorization(PlatformPolicies.Person)
            .WithIdempotency<MembershipDbContext>();
        return app;
    }

    public static async Task<Results<Ok<MeResponse>, ProblemHttpResult>> GetAsync(ClaimsPrincipal user, MembershipDbContext db,
        TimeProvider time, CancellationToken ct)
    {
        var person = await FindMeAsync(user, db, ct);
        if (person is null)
        {
            return NotInTheRegister();
        }

        var today = ParisCalendar.Today(time);
        var cooperative = await db.Cooperatives.AsNoTracking().SingleAsync(c => c.Id == person.CooperativeId, ct);
        var membership = await db.Memberships.AsNoTracking().Include(m => m.Terms)
            .SingleOrDefaultAsync(m => m.CooperativeId == person.CooperativeId, ct);
        var valid = await VerifyCard.IsValidAsync(db, person, today, ct);
        return TypedResults.Ok(new MeResponse(PersonResponse.From(person),
            new MyCooperative(cooperative.Id, cooperative.Name, cooperative.RegionalUnion),
            membership is null ? null : MembershipResponse.From(membership, today),
            new MyCard(person.CardNumber, valid, today, person.CardRevokedOn)));
    }

    public static async Task<Results<Ok<PagedList<EnrolmentResponse>>, ValidationProblem, ProblemHttpResult>> ListEnrolmentsAsync(
        ClaimsPrincipal user, MembershipDbContext db, CancellationToken ct, int? page = null, int? pageSize = null)
    {
        var (paging, problem) = PageRequest.From(page, pageSize);
        if (problem is not null)
        {
            return problem;
        }

        var person = await FindMeAsync(user, db, ct);
        return person is null ? NotInTheRegister() : TypedResults.Ok(await BenefitEndpoints.EnrolmentsOfAsync(db, person.Id, paging, ct));
    }

    public static async Task<Results<Created<EnrolmentResponse>, ValidationProblem, ProblemHttpResult>> EnrolAsync(
        HttpRequest http, ClaimsPrincipal user, MembershipDbContext db, TimeProvider time, CancellationToken ct)
    {
        var person = await FindMeAsync(user, db, ct);
        return person is null
            ? NotInTheRegister()
            : await BenefitEndpoints.EnrolPersonAsync(person, "/api/membership/me/benefit-enrolments", http, db, time, ct);
    }

    private static async Task<Person?> FindMeAsync(ClaimsPrincipal user, MembershipDbContext db, CancellationToken ct) =>
        CallerScope.Of(user).Person is { } id
            ? await db.People.AsNoTracking().Include(p => p.Roles).SingleOrDefaultAsync(p => p.Id == id && p.ErasedAt == null, ct)
            : null;

    private static ProblemHttpResult NotInTheRegister() => TypedResults.Problem(statusCode: StatusCodes.Status404NotFound,
        title: "Not in the register",
        detail: "Your account is linked to no person of the register (or to one erased): a cooperative's hire links it.");
}
