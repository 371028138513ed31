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

namespace Scop.Aspire.Ambassadors.Features.Clubs;

/// <summary>
/// A club's meetings: recorded by its animators, its union's delegates or staff (day not in the future, place, optional
/// commune, agenda, the people present — the club's own only: <c>409</c> <c>attendance-of-members</c>); read, newest
/// first, by whoever may read its roster. A meeting re-arms the dormancy timer and revives a dormant club.
/// </summary>
public static class ClubMeetings
{
    public const int MaxAttendance = 500;

    public sealed record ClubMeetingResponse(Guid Id, DateOnly HeldOn, string Place, string? CommuneCode, string Agenda,
        IReadOnlyList<Guid> Attendees, int AttendanceCount, DateTimeOffset RecordedAt);

    public sealed record RecordClubMeetingRequest(DateOnly? HeldOn, string? Place, string? CommuneCode, string? Agenda,
        IReadOnlyList<Guid>? Attendance);

    public static RouteGroupBuilder MapClubMeetings(this RouteGroupBuilder group)
    {
        group.MapGet("/clubs/{id:guid}/meetings", ListAsync).WithName("ListClubMeetings")
            .WithSummary("A club's meetings, newest first, paged").RequireAuthorization(PlatformPolicies.Person);
        group.MapPost("/clubs/{id:guid}/meetings", RecordAsync).WithName("RecordClubMeeting")
            .WithSummary("Record a meeting: day, place, agenda, the people present (its animators, its union's delegates, staff)")
            .Accepts<RecordClubMeetingRequest>("application/json").WithIdempotency<AmbassadorsDbContext>()
            .RequireAuthorization(PlatformPolicies.Person);
        return group;
    }

    public static async Task<Results<Ok<PagedList<ClubMeetingResponse>>, ValidationProblem, ProblemHttpResult>> ListAsync(Guid id,
        ClaimsPrincipal user, AmbassadorsDbContext db, CancellationToken ct, int? page = null, int? pageSize = null)
    {
        var (paging, problem) = PageRequest.From(page, pageSize);
        if (problem is not null)
        {
            return problem;
        }

        var (club, _) = await ClubRoster.ReadableAsync(db, id, user, ct);
        if (club is null)
        {
            return Problems.NotFound("Club", id);
        }

        var query = db.ClubMeetings.AsNoTracking().Where(m => m.ClubId == id);
        var total = await query.LongCountAsync(ct);
        var items = await query.OrderByDescending(m => m.HeldOn).ThenByDescending(m => m.Id).Skip(paging.Skip).Take(paging.PageSize)
            .ToListAsync(ct);
        return TypedResults.Ok(new PagedList<ClubMeetingResponse>(items.Select(From).ToList(), paging.Page, paging.PageSize, total));
    }

    public static async Task<Results<Created<ClubMeetingResponse>, ValidationProblem, ProblemHttpResult>> RecordAsync(Guid id,
        HttpRequest http, ClaimsPrincipal user, AmbassadorsDbContext db, FrenchPlaces places, TimeProvider time,
        IOptions<AmbassadorsOptions> options, CancellationToken ct)
    {
        var (readable, callerRole) = await ClubRoster.ReadableAsync(db, id, user, ct);
        if (readable is null)
        {
            return Problems.NotFound("Club", id);
        }

        if (!user.Scope().Manages(readable) && callerRole != ClubRole.Animator)
        {
            return AmbassadorsAccess.Forbidden("Not an animator of the club",
                "Its animators, its union's delegates and staff record a club's meetings.");
        }

        var (request, problem) = await JsonBody.ReadAsync<RecordClubMeetingRequest>(http, ct);
        if (problem is not null)
        {
            return problem;
        }

        var now = time.GetUtcNow();
        var errors = new ValidationErrors();
        if (request!.HeldOn is not { } heldOn)
        {
            errors.Add("heldOn", "This field is required: the day the club met.");
            heldOn = default;
        }
        else if (heldOn > ParisCalendar.DateOf(now))
        {
            errors.Add("heldOn", "A meeting that took place (today at the latest).");
        }
        else if (heldOn < readable.OpenedOn)
        {
            errors.Add("heldOn", $"On or after the club's opening ({readable.OpenedOn:yyyy-MM-dd}).");
        }

        var place = errors.RequireText("place", request.Place, ClubMeeting.MaxPlaceLength);
        var agenda = errors.RequireText("agenda", request.Agenda, ClubMeeting.MaxAgendaLength);
        var communeCode = string.IsNullOrWhiteSpace(request.CommuneCode) ? null : request.CommuneCode.Trim();
        if (communeCode is not null && places.FindCommune(communeCode) is null)
        {
            errors.Add("communeCode", "An INSEE commune code of the reference data, or none.");
        }

        var attendance = request.Attendance ?? [];
        if (attendance.Count > MaxAttendance || attendance.Distinct().Count() != attendance.Count || attendance.Contains(Guid.Empty))
        {
            errors.Add("attendance", $"At most {MaxAttendance} distinct person ids.");
        }

        if (!errors.IsValid)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        // Under an Idempotency-Key the request already runs in the key's transaction (which keeps the answer with the
        // meeting): the club is locked in it; without one, in a transaction of its own.
        await using var transaction = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(ct) : null;
        var club = await ClubWorkflow.LockAsync(db, id, ct);
        if (club is null || club.Status == ClubStatus.Closed)
        {
            return Problems.Broken(ClubRules.ClubNotClosed);
        }

        var people = await db.ClubParticipants.AsNoTracking().Where(p => p.ClubId == id && attendance.Contains(p.PersonId))
            .Select(p => p.PersonId).ToListAsync(ct);
        var strangers = attendance.Except(people).Select(p => p.ToString()).ToList();
        if (strangers.Count > 0)
        {
            return Problems.Broken(ClubRules.AttendanceOfMembers, strangers);
        }

        var meeting = new ClubMeeting
        {
            Id = Guid.CreateVersion7(now),
            ClubId = id,
            HeldOn = heldOn,
            Place = place,
            CommuneCode = communeCode,
            Agenda = agenda,
            Attendees = [.. attendance],
            AttendanceCount = attendance.Count,
            RecordedAt = now,
        };
        db.ClubMeetings.Add(meeting);
        club.MeetingCount++;
        if (club.LastMeetingOn is not { } last || heldOn > last)
        {
            club.LastMeetingOn = heldOn;
        }

        var revived = club.Status == ClubStatus.Dormant;
        if (revived)
        {
            club.Status = ClubStatus.Open;
            club.DormantSince = null;
        }

        ClubWorkflow.MeetingHeld(db, club, meeting, revived, options.Value, now);
        await db.SaveChangesAsync(ct);
        if (transaction is not null)
        {
            await transaction.CommitAsync(ct);
        }

        return TypedResults.Created($"/api/ambassadors/clubs/{id}/meetings/{meeting.Id}", From(meeting));
    }

    private static ClubMeetingResponse From(ClubMeeting m) =>
        new(m.Id, m.HeldOn, m.Place, m.CommuneCode, m.Agenda, m.Attendees, m.AttendanceCount, m.RecordedAt);
}
