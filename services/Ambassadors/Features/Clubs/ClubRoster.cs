using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Scop.Aspire.Ambassadors.Data;
using Scop.Aspire.Ambassadors.Domain;
using Scop.Aspire.ServiceDefaults.Http;
using Scop.Aspire.ServiceDefaults.Security;

namespace Scop.Aspire.Ambassadors.Features.Clubs;

/// <summary>
/// A club's people: its roster (animators and members, paged) for its animators, members, its union's delegates and staff
/// (else <c>404</c>); a signed-in person joins themselves, an animator or staff adds and removes members; animators are
/// added by an animator or staff, each having completed the animators' module.
/// </summary>
public static class ClubRoster
{
    public sealed record ClubParticipantResponse(Guid PersonId, string Role, Guid? CooperativeId, string? LegalForm, DateTimeOffset JoinedAt);

    /// <summary>A member: the person (none: the caller themselves) and their cooperative, if any (else another cooperative actor).</summary>
    public sealed record AddClubMemberRequest(Guid? PersonId, Guid? CooperativeId);

    public sealed record AddClubAnimatorRequest(Guid? PersonId, Guid? CooperativeId);

    public static RouteGroupBuilder MapClubRoster(this RouteGroupBuilder group)
    {
        group.MapGet("/clubs/{id:guid}/roster", RosterAsync).WithName("GetClubRoster")
            .WithSummary("A club's animators and members, animators first, paged").RequireAuthorization(PlatformPolicies.Person);
        group.MapPost("/clubs/{id:guid}/members", AddMemberAsync).WithName("AddClubMember")
            .WithSummary("Join a club (yourself), or add a member (its animators, its union's delegates, staff)")
            .Accepts<AddClubMemberRequest>("application/json").RequireAuthorization(PlatformPolicies.Person);
        group.MapDelete("/clubs/{id:guid}/members/{personId:guid}", RemoveMemberAsync).WithName("RemoveClubMember")
            .WithSummary("Leave a club (yourself), or remove a member or animator (its animators, its union's delegates, staff)")
            .RequireAuthorization(PlatformPolicies.Person);
        group.MapPost("/clubs/{id:guid}/animators", AddAnimatorAsync).WithName("AddClubAnimator")
            .WithSummary("Add an animator who completed the animators' module (its animators, its union's delegates, staff)")
            .Accepts<AddClubAnimatorRequest>("application/json").RequireAuthorization(PlatformPolicies.Person);
        return group;
    }

    public static async Task<Results<Ok<PagedList<ClubParticipantResponse>>, ValidationProblem, ProblemHttpResult>> RosterAsync(Guid id,
        ClaimsPrincipal user, AmbassadorsDbContext db, CancellationToken ct, int? page = null, int? pageSize = null)
    {
        var (paging, problem) = PageRequest.From(page, pageSize);
        if (problem is not null)
        {
            return problem;
        }

        var (club, _) = await ReadableAsync(db, id, user, ct);
        if (club is null)
        {
            return Problems.NotFound("Club", id);
        }

        var query = db.ClubParticipants.AsNoTracking().Where(p => p.ClubId == id);
        var total = await query.LongCountAsync(ct);
        var items = await query.OrderByDescending(p => p.Role).ThenBy(p => p.JoinedAt).ThenBy(p => p.PersonId)
            .Skip(paging.Skip).Take(paging.PageSize).ToListAsync(ct);
        return TypedResults.Ok(new PagedList<ClubParticipantResponse>(
            items.Select(p => new ClubParticipantResponse(p.PersonId, p.Role.ToString(), p.CooperativeId, p.LegalForm, p.JoinedAt)).ToList(),
            paging.Page, paging.PageSize, total));
    }

    public static Task<Results<Ok<ClubParticipantResponse>, ValidationProblem, ProblemHttpResult>> AddMemberAsync(Guid id,
        HttpRequest http, ClaimsPrincipal user, AmbassadorsDbContext db, TimeProvider time, CancellationToken ct) =>
        AddAsync<AddClubMemberRequest>(id, http, user, db, time, ClubRole.Member, r => (r.PersonId, r.CooperativeId), ct);

    public static Task<Results<Ok<ClubParticipantResponse>, ValidationProblem, ProblemHttpResult>> AddAnimatorAsync(Guid id,
        HttpRequest http, ClaimsPrincipal user, AmbassadorsDbContext db, TimeProvider time, CancellationToken ct) =>
        AddAsync<AddClubAnimatorRequest>(id, http, user, db, time, ClubRole.Animator, r => (r.PersonId, r.CooperativeId), ct);

    private static async Task<Results<Ok<ClubParticipantResponse>, ValidationProblem, ProblemHttpResult>> AddAsync<TRequest>(Guid id,
        HttpRequest http, ClaimsPrincipal user, AmbassadorsDbContext db, TimeProvider time, ClubRole role,
        Func<TRequest, (Guid? Person, Guid? Cooperative)> fields, CancellationToken ct)
        where TRequest : class
    {
        var scope = user.Scope();
        var club = await db.Clubs.SingleOrDefaultAsync(c => c.Id == id, ct);
        if (club is null)
        {
            return Problems.NotFound("Club", id);
        }

        var (request, problem) = await JsonBody.ReadAsync<TRequest>(http, ct);
        if (problem is not null)
        {
            return problem;
        }

        var (person, cooperative) = fields(request!);
        var errors = new ValidationErrors();
        if (person == Guid.Empty)
        {
            errors.Add("personId", "A person id of the register.");
        }

        var who = person ?? scope.Person;
        if (who is null)
        {
            errors.Add("personId", "This field is required: your token names no person.");
        }

        KnownCooperative? known = null;
        if (cooperative is { } cooperativeId)
        {
            known = await db.Cooperatives.AsNoTracking().SingleOrDefaultAsync(c => c.Id == cooperativeId, ct);
            if (known is not { DetailsKnown: true })
            {
                errors.Add("cooperativeId", "A cooperative of the register (or none, for another cooperative actor).");
            }
        }

        if (!errors.IsValid)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        var callerRole = await ClubAccess.RoleOfAsync(db, id, scope, ct);
        var leads = scope.Manages(club) || callerRole == ClubRole.Animator;
        var self = scope.Is(who);
        if (!leads && !(self && role == ClubRole.Member))
        {
            return callerRole is null
                ? Problems.NotFound("Club", id) // the roster is not theirs to see
                : AmbassadorsAccess.Forbidden("Not an animator of the club",
                    "A member joins themselves; its animators, its union's delegates and staff add others.");
        }

        if (club.Status == ClubStatus.Closed)
        {
            return Problems.Broken(ClubRules.ClubNotClosed);
        }

        if (role == ClubRole.Animator && !await db.QualifiedAnimators.AnyAsync(a => a.PersonId == who, ct))
        {
            return Problems.Broken(ClubRules.AnimatorCompletedModule, [who!.Value.ToString()]);
        }

        var now = time.GetUtcNow();
        var participant = await db.ClubParticipants.SingleOrDefaultAsync(p => p.ClubId == id && p.PersonId == who, ct);
        if (participant is null)
        {
            participant = new ClubParticipant { ClubId = id, PersonId = who!.Value, Role = role, JoinedAt = now };
            db.ClubParticipants.Add(participant);
        }
        else if (role == ClubRole.Animator)
        {
            participant.Role = ClubRole.Animator; // a member becomes an animator; an animator stays one
        }

        if (known is not null)
        {
            participant.CooperativeId = known.Id;
            participant.LegalForm = known.LegalForm.Length > 0 ? known.LegalForm : null;
        }

        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear(); // joined twice at once: the first stands
            participant = await db.ClubParticipants.AsNoTracking().SingleAsync(p => p.ClubId == id && p.PersonId == who, ct);
        }

        return TypedResults.Ok(new ClubParticipantResponse(participant.PersonId, participant.Role.ToString(), participant.CooperativeId,
            participant.LegalForm, participant.JoinedAt));
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> RemoveMemberAsync(Guid id, Guid personId, ClaimsPrincipal user,
        AmbassadorsDbContext db, CancellationToken ct)
    {
        var scope = user.Scope();
        var (club, callerRole) = await ReadableAsync(db, id, user, ct);
        if (club is null)
        {
            return Problems.NotFound("Club", id);
        }

        if (!scope.Manages(club) && callerRole != ClubRole.Animator && !scope.Is(personId))
        {
            return AmbassadorsAccess.Forbidden("Not an animator of the club",
                "A member leaves themselves; its animators, its union's delegates and staff remove others.");
        }

        var participant = await db.ClubParticipants.SingleOrDefaultAsync(p => p.ClubId == id && p.PersonId == personId, ct);
        if (participant is null)
        {
            return TypedResults.NoContent();
        }

        if (participant.Role == ClubRole.Animator && club.Status != ClubStatus.Closed
            && !await db.ClubParticipants.AnyAsync(p => p.ClubId == id && p.Role == ClubRole.Animator && p.PersonId != personId, ct))
        {
            return Problems.Broken(ClubRules.LastAnimator);
        }

        db.ClubParticipants.Remove(participant);
        await db.SaveChangesAsync(ct);
        return TypedResults.NoContent();
    }

    /// <summary>The club if the caller may read its roster (staff, its union's delegates, its people), and the caller's role in it.</summary>
    internal static async Task<(Club? Club, ClubRole? Role)> ReadableAsync(AmbassadorsDbContext db, Guid id, ClaimsPrincipal user,
        CancellationToken ct)
    {
        var scope = user.Scope();
        var club = await db.Clubs.AsNoTracking().SingleOrDefaultAsync(c => c.Id == id, ct);
        if (club is null)
        {
            return (null, null);
        }

        var role = await ClubAccess.RoleOfAsync(db, id, scope, ct);
        return scope.Manages(club) || role is not null ? (club, role) : (null, null);
    }
}
