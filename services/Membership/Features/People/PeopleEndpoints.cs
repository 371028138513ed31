using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Scop.Aspire.Contracts.Membership;
using Scop.Aspire.Membership.Data;
using Scop.Aspire.Membership.Domain;
using Scop.Aspire.ServiceDefaults.Http;
using Scop.Aspire.ServiceDefaults.Messaging;
using Scop.Aspire.ServiceDefaults.Security;
using Scop.Aspire.ServiceDefaults;

namespace Scop.Aspire.Membership.Features.People;

/// <summary>
/// People of the cooperatives: hire (<c>POST /cooperatives/{id}/people</c>, publishes PersonHired), read, list by
/// cooperative, take up a role, leave (ends the roles, revokes the card).
/// </summary>
public static class PeopleEndpoints
{
    public sealed record HireRequest(string? GivenName, string? FamilyName, string? Email, string? Phone, DateOnly? BirthDate,
        string? Role, DateOnly? HiredOn);

    public sealed record RoleRequest(string? Role, DateOnly? StartsOn);

    public sealed record LeaveRequest(DateOnly? LeftOn);

    public static IEndpointRouteBuilder MapPeople(this IEndpointRouteBuilder app)
    {
        var cooperatives = app.MapGroup("/api/membership/cooperatives/{cooperativeId:guid}/people").WithTags("People");
        cooperatives.MapPost("/", HireAsync).WithName("HirePerson").WithSummary("Hire a person (publishes PersonHired)")
            .Accepts<HireRequest>("application/json")
            .RequireAuthorization(PlatformPolicies.CooperativeSelfService).WithIdempotency<MembershipDbContext>();
        cooperatives.MapGet("/", ListAsync).WithName("ListPeople").WithSummary("The cooperative's people, paged")
            .RequireAuthorization(PlatformPolicies.ReadCooperatives);

        var people = app.MapGroup("/api/membership/people").WithTags("People");
        people.MapGet("/{id:guid}", GetAsync).WithName("GetPerson").WithSummary("One person, with their roles over time")
            .RequireAuthorization(PlatformPolicies.ReadCooperatives);
        people.MapPost("/{id:guid}/roles", AddRoleAsync).WithName("StartRole").WithSummary("Take up a role (worker-member, manager)")
            .Accepts<RoleRequest>("application/json").RequireAuthorization(PlatformPolicies.CooperativeSelfService);
        people.MapPost("/{id:guid}/leave", LeaveAsync).WithName("LeaveCooperative")
            .WithSummary("Leave the cooperative: roles end, the card is revoked (publishes PersonLeft)")
            .Accepts<LeaveRequest>("application/json").RequireAuthorization(PlatformPolicies.CooperativeSelfService);
        return app;
    }

    public static async Task<Results<Created<PersonResponse>, ValidationProblem, ProblemHttpResult>> HireAsync(
        Guid cooperativeId, HttpRequest http, ClaimsPrincipal user, MembershipDbContext db, TimeProvider time, CancellationToken ct)
    {
        var cooperative = await db.Cooperatives.AsNoTracking().SingleOrDefaultAsync(c => c.Id == cooperativeId, ct);
        if (cooperative is null || !CallerScope.Of(user).CanRead(cooperative.RegionalUnion, cooperative.Id))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Cooperative not found",
                detail: $"No cooperative has the id {cooperativeId}.");
        }

        if (!CallerScope.CanActFor(user, cooperative.RegionalUnion, cooperative.Id))
        {
            return PersonAccess.OutsideUnion();
        }

        var (request, problem) = await JsonBody.ReadAsync<HireRequest>(http, ct);
        if (problem is not null)
        {
            return problem;
        }

        var errors = new ValidationErrors();
        var givenName = errors.RequireText("givenName", request!.GivenName, Person.MaxNameLength);
        var familyName = errors.RequireText("familyName", request.FamilyName, Person.MaxNameLength);
        var email = string.IsNullOrWhiteSpace(request.Email) ? null : request.Email.Trim();
        if (email is not null && (email.Length > Person.MaxEmailLength || email.IndexOf('@') is <= 0 || email.EndsWith('@')))
        {
            errors.Add("email", "An e-mail address, e.g. camille@example.coop.");
        }

        var phone = string.IsNullOrWhiteSpace(request.Phone) ? null : request.Phone.Trim();
        if (phone is not null && (phone.Length > Person.MaxPhoneLength || !phone.All(c => char.IsAsciiDigit(c) || c is ' ' or '+' or '.' or '-')))
        {
            errors.Add("phone", "Digits, spaces, '+', '.' or '-', at most 30.");
        }

        var today = ParisCalendar.Today(time);
        if (request.BirthDate is { } born && (born > today.AddYears(-14) || born.Year < 1900))
        {
            errors.Add("birthDate", "A date after 1900, at least 14 years ago.");
        }

        var role = ParseRole(request.Role, "role", errors);
        if (request.HiredOn is null)
        {
            errors.Add("hiredOn", "This field is required.");
        }
        else if (request.HiredOn > today.AddYears(1))
        {
            errors.Add("hiredOn", "At most a year ahead.");
        }

        if (!errors.IsValid)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        var now = time.GetUtcNow();
        var person = Person.Hire(givenName, familyName, email, phone, request.BirthDate, cooperative, role, request.HiredOn!.Value, now);
        db.People.Add(person);
        db.AddIntegrationEvent(
            new PersonHired(Guid.CreateVersion7(now), now, person.Id, cooperative.Id, cooperative.RegionalUnion, person.HiredOn,
                RoleName(role), person.Email),
            aggregateId: person.Id.ToString());
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/membership/people/{person.Id}", PersonResponse.From(person));
    }

    public static async Task<Results<Ok<PersonResponse>, ProblemHttpResult>> GetAsync(Guid id, ClaimsPrincipal user,
        MembershipDbContext db, CancellationToken ct) =>
        await PersonAccess.FindReadableAsync(db, user, id, ct) is { } person
            ? TypedResults.Ok(PersonResponse.From(person))
            : PersonAccess.NotFound(id);

    public static async Task<Results<Ok<PagedList<PersonResponse>>, ValidationProblem, ProblemHttpResult>> ListAsync(
        Guid cooperativeId, ClaimsPrincipal user, MembershipDbContext db, CancellationToken ct, int? page = null,
        int? pageSize = null)
    {
        var (paging, problem) = PageRequest.From(page, pageSize);
        if (problem is not null)
        {
            return problem;
        }

        var cooperative = await db.Cooperatives.AsNoTracking().SingleOrDefaultAsync(c => c.Id == cooperativeId, ct);
        if (cooperative is null || !CallerScope.Of(user).CanRead(cooperative.RegionalUnion, cooperative.Id))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Cooperative not found",
                detail: $"No cooperative has the id {cooperativeId}.");
        }

        var query = db.People.AsNoTracking().Where(p => p.CooperativeId == cooperativeId);
        var total = await query.LongCountAsync(ct);
        var items = await query.Include(p => p.Roles).OrderBy(p => p.FamilyName).ThenBy(p => p.Id)
            .Skip(paging.Skip).Take(paging.PageSize).AsSplitQuery().ToListAsync(ct);
        return TypedResults.Ok(new PagedList<PersonResponse>(items.Select(PersonResponse.From).ToList(), paging.Page,
            paging.PageSize, total));
    }

    public static async Task<Results<Ok<PersonResponse>, ValidationProblem, ProblemHttpResult>> AddRoleAsync(Guid id,
        HttpRequest http, ClaimsPrincipal user, MembershipDbContext db, TimeProvider time, CancellationToken ct)
    {
        var person = await PersonAccess.FindReadableAsync(db, user, id, ct, tracked: true);
        if (person is null)
        {
            return PersonAccess.NotFound(id);
        }

        if (!CallerScope.CanActFor(user, person.RegionalUnion, person.CooperativeId))
        {
            return PersonAccess.OutsideUnion();
        }

        var (request, problem) = await JsonBody.ReadAsync<RoleRequest>(http, ct);
        if (problem is not null)
        {
            return problem;
        }

        var errors = new ValidationErrors();
        var kind = ParseRole(request!.Role, "role", errors);
        if (request.StartsOn is null)
        {
            errors.Add("startsOn", "This field is required.");
        }
        else if (request.StartsOn < person.HiredOn)
        {
            errors.Add("startsOn", $"Not before the hire date ({person.HiredOn:yyyy-MM-dd}).");
        }

        if (!errors.IsValid)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        if (person.IsErased || person.LeftOn is not null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The person has left",
                detail: "A person who left the cooperative (or was erased) takes up no new role.");
        }

        if (person.Roles.Any(r => r.Kind == kind && r.EndsOn is null))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Role already held",
                detail: $"The person already holds the role {kind}.");
        }

        db.PersonRoles.Add(person.StartRole(kind, request.StartsOn!.Value));
        var now = time.GetUtcNow();
        db.AddIntegrationEvent(new PersonRoleStarted(Guid.CreateVersion7(now), now, person.Id, person.CooperativeId,
            person.RegionalUnion, RoleName(kind), request.StartsOn.Value), aggregateId: person.Id.ToString());
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(PersonResponse.From(person));
    }

    public static async Task<Results<Ok<PersonResponse>, ValidationProblem, ProblemHttpResult>> LeaveAsync(Guid id,
        HttpRequest http, ClaimsPrincipal user, MembershipDbContext db, TimeProvider time, CancellationToken ct)
    {
        var person = await PersonAccess.FindReadableAsync(db, user, id, ct, tracked: true);
        if (person is null)
        {
            return PersonAccess.NotFound(id);
        }

        if (!CallerScope.CanActFor(user, person.RegionalUnion, person.CooperativeId))
        {
            return PersonAccess.OutsideUnion();
        }

        var (request, problem) = await JsonBody.ReadAsync<LeaveRequest>(http, ct);
        if (problem is not null)
        {
            return problem;
        }

        if (request!.LeftOn is null)
        {
            return JsonBody.Invalid("leftOn", "This field is required.");
        }

        if (request.LeftOn < person.HiredOn)
        {
            return JsonBody.Invalid("leftOn", $"Not before the hire date ({person.HiredOn:yyyy-MM-dd}).");
        }

        person.Leave(request.LeftOn.Value);
        var now = time.GetUtcNow();
        db.AddIntegrationEvent(new PersonLeft(Guid.CreateVersion7(now), now, person.Id, person.CooperativeId, request.LeftOn.Value),
            aggregateId: person.Id.ToString());
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(PersonResponse.From(person));
    }

    /// <summary>The name of a role in events (<see cref="PersonRoles"/>).</summary>
    internal static string RoleName(RoleKind kind) => kind switch
    {
        RoleKind.WorkerMember => PersonRoles.WorkerMember,
        RoleKind.Manager => PersonRoles.Manager,
        _ => PersonRoles.Employee,
    };

    internal static RoleKind ParseRole(string? value, string field, ValidationErrors errors)
    {
        var normalized = value?.Trim().Replace("-", "", StringComparison.Ordinal).Replace("_", "", StringComparison.Ordinal) ?? "";
        if (normalized.Length == 0)
        {
            errors.Add(field, "This field is required.");
        }
        else if (normalized.All(char.IsAsciiDigit) || !Enum.TryParse<RoleKind>(normalized, ignoreCase: true, out var kind))
        {
            errors.Add(field, "One of employee, worker-member or manager.");
        }
        else
        {
            return kind;
        }

        return default;
    }
}
