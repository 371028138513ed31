using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using Scop.Aspire.Ambassadors.Data;
using Scop.Aspire.Ambassadors.Domain;
using Scop.Aspire.ReferenceData;
using Scop.Aspire.ServiceDefaults;
using Scop.Aspire.ServiceDefaults.Http;
using Scop.Aspire.ServiceDefaults.Security;

namespace Scop.Aspire.Ambassadors.Features.Clubs;

/// <summary>
/// Staff and the delegates of the area's regional union open a club in an employment area (an EPCI, by its SIREN) with at
/// least one animator, each of whom completed the animators' module (<c>409</c> <c>animator-completed-module</c>
/// otherwise), one club not closed per EPCI (<c>409</c> <c>one-open-club-per-epci</c>); and close one with a reason
/// (<c>If-Match</c>).
/// </summary>
public static class ManageClubs
{
    public const int MaxAnimators = 10;

    public sealed record OpenClubRequest(string? Name, string? Epci, IReadOnlyList<Guid>? Animators);

    public sealed record CloseClubRequest(string? Reason);

    public static RouteGroupBuilder MapManageClubs(this RouteGroupBuilder group)
    {
        group.MapPost("/clubs", OpenAsync).WithName("OpenClub")
            .WithSummary("Open a club in an employment area (EPCI) with its animators")
            .Accepts<OpenClubRequest>("application/json").WithIdempotency<AmbassadorsDbContext>()
            .RequireAuthorization(PlatformPolicies.StaffOrDelegate);
        group.MapPost("/clubs/{id:guid}/close", CloseAsync).WithName("CloseClub")
            .WithSummary("Close a club for good, with a reason (If-Match)")
            .Accepts<CloseClubRequest>("application/json")
            .WithHeader("If-Match", required: true, maxLength: 200, "The ETag of the version read (GET), or *.")
            .RequireAuthorization(PlatformPolicies.StaffOrDelegate);
        return group;
    }

    public static async Task<Results<Created<ClubResponse>, ValidationProblem, ProblemHttpResult>> OpenAsync(HttpRequest http,
        ClaimsPrincipal user, AmbassadorsDbContext db, FrenchReferenceData reference, RegionalUnions unions, TimeProvider time,
        IOptions<AmbassadorsOptions> options, CancellationToken ct)
    {
        var (request, problem) = await JsonBody.ReadAsync<OpenClubRequest>(http, ct);
        if (problem is not null)
        {
            return problem;
        }

        var errors = new ValidationErrors();
        var name = errors.RequireText("name", request!.Name, Club.MaxNameLength);
        var epci = request.Epci?.Trim();
        string? epciName = null;
        string? region = null;
        if (string.IsNullOrEmpty(epci))
        {
            errors.Add("epci", "This field is required: the SIREN of the employment area's EPCI (9 digits).");
        }
        else if (epci.Length != 9 || !epci.All(char.IsAsciiDigit) || reference.EpciName(epci) is not { } known)
        {
            errors.Add("epci", "The SIREN of an EPCI of the reference data (9 digits).");
        }
        else
        {
            epciName = known;
            region = reference.Communes.Where(c => c.Epci == epci).GroupBy(c => c.Region)
                .OrderByDescending(g => g.Sum(c => c.Population)).Select(g => g.Key).First();
        }

        var animators = request.Animators ?? [];
        if (animators.Count == 0)
        {
            errors.Add("animators", "At least one animator (person id).");
        }
        else if (animators.Count > MaxAnimators || animators.Distinct().Count() != animators.Count || animators.Contains(Guid.Empty))
        {
            errors.Add("animators", $"At most {MaxAnimators} distinct person ids.");
        }

        if (!errors.IsValid)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        var union = unions.ForRegion(region!);
        if (!user.Scope().ActsFor(union))
        {
            return AmbassadorsAccess.Forbidden("Outside your regional union",
                "Only the delegates of the area's regional union and staff open its club.");
        }

        var qualified = await db.QualifiedAnimators.AsNoTracking().Where(a => animators.Contains(a.PersonId))
            .Select(a => a.PersonId).ToListAsync(ct);
        var unqualified = animators.Except(qualified).Select(id => id.ToString()).ToList();
        if (unqualified.Count > 0)
        {
            return Problems.Broken(ClubRules.AnimatorCompletedModule, unqualified);
        }

        if (await db.Clubs.AnyAsync(c => c.Epci == epci && c.Status != ClubStatus.Closed, ct))
        {
            return Problems.Broken(ClubRules.OneOpenClubPerEpci);
        }

        var now = time.GetUtcNow();
        var club = new Club
        {
            Id = Guid.CreateVersion7(now),
            Name = name,
            Epci = epci!,
            EpciName = epciName!,
            Region = region!,
            RegionalUnion = union,
            Status = ClubStatus.Open,
            OpenedOn = ParisCalendar.DateOf(now),
            OpenedAt = now,
            OpenedBy = user.Scope().Person,
        };
        db.Clubs.Add(club);
        foreach (var animator in animators)
        {
            db.ClubParticipants.Add(new ClubParticipant { ClubId = club.Id, PersonId = animator, Role = ClubRole.Animator, JoinedAt = now });
        }

        ClubWorkflow.Opened(db, club, options.Value, now);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            return Problems.Broken(ClubRules.OneOpenClubPerEpci); // another club of the area committed first
        }

        http.HttpContext.Response.Headers.ETag = Preconditions.ETagOf(club.Version);
        return TypedResults.Created($"/api/ambassadors/clubs/{club.Id}", ClubResponse.From(club));
    }

    public static async Task<Results<Ok<ClubResponse>, ValidationProblem, ProblemHttpResult>> CloseAsync(Guid id, HttpRequest http,
        ClaimsPrincipal user, AmbassadorsDbContext db, TimeProvider time, CancellationToken ct)
    {
        var club = await db.Clubs.SingleOrDefaultAsync(c => c.Id == id, ct);
        if (club is null)
        {
            return Problems.NotFound("Club", id);
        }

        if (!user.Scope().Manages(club))
        {
            return AmbassadorsAccess.Forbidden("Outside your regional union",
                "Only the delegates of the club's regional union and staff close it.");
        }

        var ifMatch = http.Headers.IfMatch.ToString();
        if (string.IsNullOrWhiteSpace(ifMatch))
        {
            return Preconditions.IfMatchRequired();
        }

        var (request, problem) = await JsonBody.ReadAsync<CloseClubRequest>(http, ct);
        if (problem is not null)
        {
            return problem;
        }

        var errors = new ValidationErrors();
        var reason = errors.RequireText("reason", request!.Reason, Club.MaxReasonLength);
        if (!errors.IsValid)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        var path = $"/api/ambassadors/clubs/{id}";
        if (!Preconditions.Matches(ifMatch, Preconditions.ETagOf(club.Version)))
        {
            return Preconditions.Stale("club", path);
        }

        if (club.Status == ClubStatus.Closed)
        {
            return Problems.Broken(ClubRules.ClubNotClosed);
        }

        var now = time.GetUtcNow();
        club.Status = ClubStatus.Closed;
        club.ClosedOn = ParisCalendar.DateOf(now);
        club.CloseReason = reason;
        ClubWorkflow.Closed(db, club, now);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Preconditions.Stale("club", path);
        }

        http.HttpContext.Response.Headers.ETag = Preconditions.ETagOf(club.Version);
        return TypedResults.Ok(ClubResponse.From(club));
    }
}
