using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Scop.Aspire.Membership.Data;
using Scop.Aspire.Membership.Domain;
using Scop.Aspire.ServiceDefaults.Security;
using Scop.Aspire.ServiceDefaults;

namespace Scop.Aspire.Membership.Features.People;

public sealed record RoleResponse(Guid Id, RoleKind Kind, DateOnly StartsOn, DateOnly? EndsOn);

public sealed record PersonResponse(
    Guid Id,
    string GivenName,
    string FamilyName,
    string? Email,
    string? Phone,
    DateOnly? BirthDate,
    Guid CooperativeId,
    string RegionalUnion,
    DateOnly HiredOn,
    DateOnly? LeftOn,
    string CardNumber,
    DateOnly? CardRevokedOn,
    bool Erased,
    IReadOnlyList<RoleResponse> Roles)
{
    public static PersonResponse From(Person person) => new(person.Id, person.GivenName, person.FamilyName, person.Email,
        person.Phone, person.BirthDate, person.CooperativeId, person.RegionalUnion, person.HiredOn, person.LeftOn,
        person.CardNumber, person.CardRevokedOn, person.IsErased,
        person.Roles.OrderBy(r => r.StartsOn).ThenBy(r => r.Kind).Select(r => new RoleResponse(r.Id, r.Kind, r.StartsOn, r.EndsOn)).ToList());
}

/// <summary>Finding a person as the caller may: outside their scope a person does not exist for them.</summary>
public static class PersonAccess
{
    public static async Task<Person?> FindReadableAsync(MembershipDbContext db, ClaimsPrincipal user, Guid id, CancellationToken ct,
        bool tracked = false)
    {
        var query = db.People.Include(p => p.Roles).AsQueryable();
        var person = await (tracked ? query : query.AsNoTracking()).SingleOrDefaultAsync(p => p.Id == id, ct);
        return person is not null && CallerScope.Of(user).CanRead(person.RegionalUnion, person.CooperativeId) ? person : null;
    }

    public static ProblemHttpResult NotFound(Guid id) => TypedResults.Problem(statusCode: StatusCodes.Status404NotFound,
        title: "Person not found", detail: $"No person has the id {id}.");

    public static ProblemHttpResult OutsideUnion() => TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden,
        title: "Outside your regional union",
        detail: "Only the delegates of the person's regional union or a confederation admin do this.");
}
