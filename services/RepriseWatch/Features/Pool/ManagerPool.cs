using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Scop.Aspire.ReferenceData;
using Scop.Aspire.RepriseWatch.Data;
using Scop.Aspire.RepriseWatch.Domain;
using Scop.Aspire.ServiceDefaults.Http;
using Scop.Aspire.ServiceDefaults.Security;

namespace Scop.Aspire.RepriseWatch.Features.Pool;

/// <summary>A volunteer of the pool as their readers see them: their region is their cooperative's today.</summary>
public sealed record VolunteerResponse(Guid PersonId, Guid CooperativeId, string RegionalUnion, IReadOnlyList<string> NafDivisions,
    IReadOnlyList<string> CompanySizes, DateTimeOffset VolunteeredAt, bool Ready, DateOnly? ManagersPathCompletedOn);

/// <summary>
/// The pool of future managers (<i>viviers de dirigeant·es</i>, the seed's action line 7): a person of a member
/// cooperative volunteers for themselves (<c>PUT /api/reprise-watch/pool/me</c>: the NAF divisions and company sizes
/// they would take on; again to change them; <c>DELETE</c> to withdraw), and is ready once training reports their
/// managers' path completed. Delegates read their union's pool (<c>GET …/pool</c>), staff every union's.
/// </summary>
public static class ManagerPool
{
    public sealed record VolunteerRequest(string[]? NafDivisions, string[]? CompanySizes);

    public static RouteGroupBuilder MapManagerPool(this RouteGroupBuilder group)
    {
        group.MapPut("/pool/me", VolunteerAsync).WithName("VolunteerForThePool")
            .WithSummary("Join the pool of future managers, or change what one would take on")
            .Accepts<VolunteerRequest>("application/json").RequireAuthorization(PlatformPolicies.Person);
        group.MapGet("/pool/me", MineAsync).WithName("GetMyPoolEntry").WithSummary("One's own entry in the pool")
            .RequireAuthorization(PlatformPolicies.Person);
        group.MapDelete("/pool/me", WithdrawAsync).WithName("WithdrawFromThePool").WithSummary("Leave the pool")
            .RequireAuthorization(PlatformPolicies.Person);
        group.MapGet("/pool", ListAsync).WithName("ListThePool")
            .WithSummary("The pool of future managers of the caller's regional union (every union for staff), longest-standing first")
            .RequireAuthorization(PlatformPolicies.StaffOrDelegate);
        return group;
    }

    public static async Task<Results<Created<VolunteerResponse>, Ok<VolunteerResponse>, ValidationProblem, ProblemHttpResult>> VolunteerAsync(
        HttpRequest http, ClaimsPrincipal user, RepriseWatchDbContext db, FrenchReferenceData reference, TimeProvider time,
        CancellationToken ct)
    {
        var (request, problem) = await JsonBody.ReadAsync<VolunteerRequest>(http, ct);
        if (problem is not null)
        {
            return problem;
        }

        var errors = new ValidationErrors();
        var divisions = Divisions(errors, request!.NafDivisions, reference);
        var sizes = Sizes(errors, request.CompanySizes);
        if (!errors.IsValid)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        if (await PersonOfTheRegisterAsync(user, db, ct) is not { } person)
        {
            return NotInTheRegister();
        }

        var now = time.GetUtcNow();
        var entry = await db.Pool.SingleOrDefaultAsync(v => v.PersonId == person.Id, ct);
        var created = entry is null;
        if (entry is null)
        {
            entry = new PoolVolunteer { PersonId = person.Id, NafDivisions = divisions, CompanySizes = sizes, VolunteeredAt = now };
            db.Pool.Add(entry);
        }

        entry.NafDivisions = divisions;
        entry.CompanySizes = sizes;
        entry.UpdatedAt = now;
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException exception) when (exception.InnerException is Npgsql.PostgresException { SqlState: Npgsql.PostgresErrorCodes.UniqueViolation })
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Volunteered at the same moment",
                detail: "Another request put you in the pool just now; send yours again to change what it says.");
        }

        var response = await ResponseAsync(db, person.Id, ct);
        return created ? TypedResults.Created("/api/reprise-watch/pool/me", response) : TypedResults.Ok(response);
    }

    public static async Task<Results<Ok<VolunteerResponse>, ProblemHttpResult>> MineAsync(ClaimsPrincipal user,
        RepriseWatchDbContext db, CancellationToken ct)
    {
        var scope = CallerScope.Of(user);
        return scope.Person is { } person && await db.Pool.AnyAsync(v => v.PersonId == person, ct)
            ? TypedResults.Ok(await ResponseAsync(db, person, ct))
            : NotVolunteered();
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> WithdrawAsync(ClaimsPrincipal user, RepriseWatchDbContext db,
        CancellationToken ct)
    {
        var scope = CallerScope.Of(user);
        // Their proposals stay, with their outcomes: the record of what was proposed is the union's, not the pool's.
        return scope.Person is { } person && await db.Pool.Where(v => v.PersonId == person).ExecuteDeleteAsync(ct) == 1
            ? TypedResults.NoContent()
            : NotVolunteered();
    }

    public static async Task<Results<Ok<PagedList<VolunteerResponse>>, ValidationProblem>> ListAsync(ClaimsPrincipal user,
        RepriseWatchDbContext db, CancellationToken ct, int? page = null, int? pageSize = null, bool? ready = null)
    {
        var (paging, problem) = PageRequest.From(page, pageSize);
        if (problem is not null)
        {
            return problem;
        }

        var scope = CallerScope.Of(user);
        var query = Volunteers(db);
        if (!scope.Nationwide)
        {
            var unions = scope.RegionalUnions.ToArray();
            query = query.Where(v => unions.Contains(v.RegionalUnion));
        }

        if (ready is { } wanted)
        {
            query = query.Where(v => (v.ManagersPathCompletedOn != null) == wanted);
        }

        var total = await query.LongCountAsync(ct);
        var items = await query.OrderBy(v => v.VolunteeredAt).ThenBy(v => v.PersonId)
            .Skip(paging.Skip).Take(paging.PageSize).ToListAsync(ct);
        return TypedResults.Ok(new PagedList<VolunteerResponse>(items.Select(v => v.Response()).ToList(), paging.Page, paging.PageSize, total));
    }

    /// <summary>The pool joined with the register: only people still in a member cooperative, never an erased one.</summary>
    internal static IQueryable<PoolRow> Volunteers(RepriseWatchDbContext db) =>
        from v in db.Pool
        join p in db.People on v.PersonId equals p.Id
        join c in db.Cooperatives on p.CooperativeId equals c.Id
        where p.LeftOn == null && !p.Erased
        select new PoolRow
        {
            PersonId = v.PersonId, CooperativeId = p.CooperativeId, RegionalUnion = c.RegionalUnion, NafDivisions = v.NafDivisions,
            CompanySizes = v.CompanySizes, VolunteeredAt = v.VolunteeredAt, ManagersPathCompletedOn = p.ManagersPathCompletedOn,
        };

    private static async Task<VolunteerResponse> ResponseAsync(RepriseWatchDbContext db, Guid person, CancellationToken ct) =>
        (await Volunteers(db).SingleAsync(v => v.PersonId == person, ct)).Response();

    private static async Task<KnownPerson?> PersonOfTheRegisterAsync(ClaimsPrincipal user, RepriseWatchDbContext db, CancellationToken ct) =>
        CallerScope.Of(user).Person is { } id
            ? await db.People.AsNoTracking().SingleOrDefaultAsync(p => p.Id == id && p.LeftOn == null && !p.Erased, ct)
            : null;

    private static string[] Divisions(ValidationErrors errors, string[]? values, FrenchReferenceData reference)
    {
        if (values is null || values.Length == 0)
        {
            errors.Add("nafDivisions", "At least one NAF division (two digits, e.g. 25 for metal products).");
            return [];
        }

        if (values.Length > PoolVolunteer.MaxDivisions)
        {
            errors.Add("nafDivisions", $"At most {PoolVolunteer.MaxDivisions} divisions.");
            return [];
        }

        var divisions = values.Select(v => v?.Trim() ?? "").Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        var unknown = divisions.Where(d => !reference.IsNafDivision(d))
            .ToList();
        if (unknown.Count > 0)
        {
            errors.Add("nafDivisions", "Not NAF rév. 2 divisions: " + string.Join(", ", unknown.Select(u => $"'{Shown(u)}'")) + ".");
        }

        return divisions;
    }

    private static string[] Sizes(ValidationErrors errors, string[]? values)
    {
        if (values is null || values.Length == 0)
        {
            errors.Add("companySizes", $"At least one of: {string.Join(", ", Enum.GetNames<CompanySize>())}.");
            return [];
        }

        var sizes = new SortedSet<CompanySize>(); // kept smallest first, as the enum orders them
        foreach (var value in values)
        {
            if (Input.ParseEnum<CompanySize>(errors, "companySizes", value, required: true) is { } size)
            {
                sizes.Add(size);
            }
        }

        return sizes.Select(s => s.ToString()).ToArray();
    }

    /// <summary>At most 10 characters of what was sent, for the error to quote without echoing a whole payload.</summary>
    private static string Shown(string value) => value.Length <= 10 ? value : value[..10] + "…";

    private static ProblemHttpResult NotInTheRegister() => TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden,
        title: "Not a person of the register",
        detail: "The pool is for the people of member cooperatives; the register does not know you as one (or you have left).");

    private static ProblemHttpResult NotVolunteered() => TypedResults.Problem(statusCode: StatusCodes.Status404NotFound,
        title: "Not in the pool", detail: "You have not volunteered for the pool of future managers.");
}

/// <summary>
/// A volunteer with what the register knows of them. Set by its properties, not a constructor, so that a query can go
/// on filtering and sorting on them in the database.
/// </summary>
public sealed class PoolRow
{
    public Guid PersonId { get; init; }

    public Guid CooperativeId { get; init; }

    public required string RegionalUnion { get; init; }

    public required string[] NafDivisions { get; init; }

    public required string[] CompanySizes { get; init; }

    public DateTimeOffset VolunteeredAt { get; init; }

    public DateOnly? ManagersPathCompletedOn { get; init; }

    public VolunteerResponse Response() => new(PersonId, CooperativeId, RegionalUnion, NafDivisions, CompanySizes, VolunteeredAt,
        ManagersPathCompletedOn is not null, ManagersPathCompletedOn);
}
