using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Scop.Aspire.Contracts.Training;
using Scop.Aspire.ServiceDefaults.Http;
using Scop.Aspire.ServiceDefaults.Messaging;
using Scop.Aspire.Training.Data;
using Scop.Aspire.Training.Domain;
using Scop.Aspire.ServiceDefaults.Security;
using Scop.Aspire.ServiceDefaults;

namespace Scop.Aspire.Training.Features.Bookings;

/// <summary>
/// <c>POST /api/training/bookings/{id}/attendees/{personId}/attendance</c> (<c>{"present": true}</c>) once the session
/// has started, and <c>POST .../completion</c> for someone who attended: the course enters their competence passport
/// with a certificate number, and <c>TrainingCompleted</c> is published. Recorded by staff or a delegate of the
/// booking's regional union (whose union runs its people's training), never by the people themselves or their
/// cooperative: a certificate is not self-declared.
/// </summary>
public static class RecordAttendance
{
    public sealed record AttendanceRequest(bool? Present);

    public static RouteGroupBuilder MapRecordAttendance(this RouteGroupBuilder group)
    {
        group.MapPost("/bookings/{id:guid}/attendees/{personId:guid}/attendance", AttendanceAsync)
            .WithName("RecordAttendance").WithSummary("Record whether a person came").Accepts<AttendanceRequest>("application/json")
            .RequireAuthorization(PlatformPolicies.StaffOrDelegate);
        group.MapPost("/bookings/{id:guid}/attendees/{personId:guid}/completion", CompletionAsync)
            .WithName("RecordCompletion").WithSummary("Record that a person completed the course")
            .RequireAuthorization(PlatformPolicies.StaffOrDelegate);
        return group;
    }

    public static async Task<Results<Ok<AttendeeResponse>, ValidationProblem, ProblemHttpResult>> AttendanceAsync(
        Guid id, Guid personId, HttpRequest http, ClaimsPrincipal user, TrainingDbContext db, SeatLedger ledger, TimeProvider time,
        CancellationToken ct)
    {
        var (request, problem) = await JsonBody.ReadAsync<AttendanceRequest>(http, ct);
        if (problem is not null)
        {
            return problem;
        }

        if (request!.Present is not { } present)
        {
            return JsonBody.Invalid("present", "This field is required (true or false).");
        }

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var (attendee, _, failure) = await FindAsync(id, personId, user, db, ledger, time, ct);
        if (failure is not null)
        {
            return failure;
        }

        if (attendee!.Status == AttendeeStatus.Completed)
        {
            return Problems.Conflict("Already completed", "The course is in the person's passport already.");
        }

        attendee.Status = present ? AttendeeStatus.Attended : AttendeeStatus.Absent;
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return TypedResults.Ok(Response(attendee));
    }

    public static async Task<Results<Ok<AttendeeResponse>, ValidationProblem, ProblemHttpResult>> CompletionAsync(
        Guid id, Guid personId, ClaimsPrincipal user, TrainingDbContext db, SeatLedger ledger, TimeProvider time,
        CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var (attendee, booking, failure) = await FindAsync(id, personId, user, db, ledger, time, ct);
        if (failure is not null)
        {
            return failure;
        }

        if (attendee!.Status == AttendeeStatus.Completed)
        {
            return TypedResults.Ok(Response(attendee));
        }

        if (attendee.Status != AttendeeStatus.Attended)
        {
            return Problems.Conflict("Attendance not recorded", "Only a person recorded as present can complete the course.");
        }

        var session = await db.Sessions.AsNoTracking().SingleAsync(s => s.Id == booking!.SessionId, ct);
        var course = await db.Courses.AsNoTracking().SingleAsync(c => c.Id == session.CourseId, ct);
        var number = (await db.Database.SqlQuery<long>(
            $"SELECT nextval('certificate_sequence') AS \"Value\"").ToListAsync(ct)).Single();
        var now = time.GetUtcNow();
        attendee.Status = AttendeeStatus.Completed;
        attendee.CompletedAt = now;
        attendee.CertificateNumber = $"SCOP-{session.EndsOn.Year}-{number:D6}";
        db.AddIntegrationEvent(new TrainingCompleted(Guid.CreateVersion7(now), now, attendee.PersonId, course.Id,
            course.Title, course.Path.ToString(), session.Id, attendee.CertificateNumber, session.EndsOn,
            attendee.Role.ToString(), booking!.RegionalUnion, booking.CooperativeId), attendee.PersonId.ToString());
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return TypedResults.Ok(Response(attendee));
    }

    private static AttendeeResponse Response(Attendee a) =>
        new(a.PersonId, a.Role, a.Status, a.FundedCents, a.CertificateNumber);

    private static async Task<(Attendee?, Booking?, ProblemHttpResult?)> FindAsync(Guid id, Guid personId,
        ClaimsPrincipal user, TrainingDbContext db, SeatLedger ledger, TimeProvider time, CancellationToken ct)
    {
        var booking = await ledger.LockBookingAsync(id, ct);
        var scope = user.Scope();
        if (booking is null || !scope.CanSee(booking))
        {
            return (null, null, Problems.NotFound("Booking", id));
        }

        if (!scope.ActsFor(booking.RegionalUnion))
        {
            return (null, null, TrainingAccess.Forbidden("Outside your regional union",
                "Attendance is recorded by staff or a delegate of the booking's regional union."));
        }

        var attendee = booking.Attendees.SingleOrDefault(a => a.PersonId == personId);
        if (attendee is null)
        {
            return (null, null, Problems.NotFound("Attendee", personId));
        }

        if (booking.Status != BookingStatus.Confirmed)
        {
            return (null, null, Problems.Conflict("Booking not confirmed", $"The booking is {booking.Status}."));
        }

        var startsOn = await db.Sessions.Where(s => s.Id == booking.SessionId).Select(s => s.StartsOn).SingleAsync(ct);
        if (startsOn > ParisCalendar.Today(time))
        {
            return (null, null, Problems.Conflict("Session not started", $"The session starts on {startsOn:yyyy-MM-dd}."));
        }

        return (attendee, booking, null);
    }
}
