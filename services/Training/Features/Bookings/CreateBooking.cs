using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Scop.Aspire.ServiceDefaults.Http;
using Scop.Aspire.ServiceDefaults.Security;
using Scop.Aspire.Training.Data;
using Scop.Aspire.Training.Domain;
using Scop.Aspire.Training.Features.Catalogue;
using Scop.Aspire.Training.Features.Waitlist;

namespace Scop.Aspire.Training.Features.Bookings;

/// <summary>
/// <c>POST /api/training/sessions/{id}/bookings</c>: seats for one person, or for several of one cooperative at once (a
/// cooperative manager booking staff) — all of them or none. Only people of the membership register are booked, by
/// whom they belong to: themselves, their cooperative's manager, their union's delegate, staff. The booking's
/// cooperative and union are the people's, its booker the caller. The seats are held for
/// <c>Scop:Training:HoldDuration</c> (15 min) until confirmed. When the session is full the request joins the waiting
/// list as one entry (<c>202</c>), unless <c>waitlistIfFull</c> is false (<c>409</c>). A booking for a small
/// cooperative may ask the mutual fund to pay; its size is the register's, not the request's.
/// </summary>
public static class CreateBooking
{
    public sealed record AttendeeRequest(Guid? PersonId, string? Role);

    public sealed record Request(List<AttendeeRequest>? Attendees, bool? WaitlistIfFull, bool? RequestFunding);

    public static RouteHandlerBuilder MapCreateBooking(this RouteGroupBuilder group) =>
        group.MapPost("/sessions/{id:guid}/bookings", HandleAsync).WithName("CreateBooking")
            .WithSummary("Hold seats for one or several people, or join the waiting list")
            .Accepts<Request>("application/json").WithIdempotency<TrainingDbContext>()
            .RequireAuthorization(PlatformPolicies.Person);

    public static async Task<Results<Created<BookingResponse>, Accepted<WaitlistEntryResponse>, ValidationProblem, ProblemHttpResult>>
        HandleAsync(Guid id, HttpRequest http, ClaimsPrincipal user, TrainingDbContext db, SeatLedger ledger, TimeProvider time,
            IOptions<TrainingOptions> options, CancellationToken ct)
    {
        var (request, problem) = await JsonBody.ReadAsync<Request>(http, ct);
        if (problem is not null)
        {
            return problem;
        }

        var r = request!;
        var errors = new ValidationErrors();
        var people = new List<WaitingPerson>();
        if (r.Attendees is not { Count: > 0 })
        {
            errors.Add("attendees", "At least one person.");
        }
        else if (r.Attendees.Count > Booking.MaxAttendees)
        {
            errors.Add("attendees", $"At most {Booking.MaxAttendees} people in one booking.");
        }
        else
        {
            for (var i = 0; i < r.Attendees.Count; i++)
            {
                var a = r.Attendees[i];
                if (a is null || a.PersonId is not { } personId || personId == Guid.Empty)
                {
                    errors.Add($"attendees[{i}].personId", "This field is required.");
                    continue;
                }

                var role = CreateCourse.ParseEnum<AttendeeRole>(errors, $"attendees[{i}].role", a.Role, required: false)
                    ?? AttendeeRole.Employee;
                if (people.Any(p => p.PersonId == personId))
                {
                    errors.Add($"attendees[{i}].personId", "The same person twice.");
                }

                people.Add(new WaitingPerson { PersonId = personId, Role = role });
            }
        }

        if (!errors.IsValid)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        var (cooperative, union) = await RegisteredPeople.CheckAsync(db, people, time, errors, ct);
        if (!errors.IsValid)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        var scope = user.Scope();
        var forTheirCooperative = scope.CanRead(union, cooperative);
        if (!forTheirCooperative && !(people.Count == 1 && scope.Is(people[0].PersonId)))
        {
            return TrainingAccess.Forbidden("Not yours to book",
                "You may book yourself; a cooperative's manager books its people, a regional union's delegates the union's people, and staff anyone.");
        }

        var funded = r.RequestFunding == true;
        if (funded && !forTheirCooperative)
        {
            return TrainingAccess.Forbidden("Funding is asked by the cooperative",
                "The mutual fund is asked by the cooperative's manager, a delegate of its regional union or staff.");
        }

        // A plain hold is one statement that commits by itself (or joins the idempotency filter's transaction). A hold
        // that asks the fund to pay takes its seats and the fund's decision in one transaction: all of it or nothing.
        await using var own = funded ? await db.BeginUnlessInTransactionAsync(ct) : null;
        var hold = new HoldRequest(id, people, union, cooperative, scope.Person, options.Value.HoldDuration);
        var result = await ledger.HoldAsync(hold, ct);
        if (result.Outcome == TakeOutcome.PrerequisitesToCheck)
        {
            if (await MissingPrerequisitesAsync(db, result.Session!.Prerequisites, people, ct) is { Length: > 0 } missing)
            {
                return Problems.Conflict("Prerequisites missing", missing);
            }

            result = await ledger.HoldAsync(hold with { PrerequisitesChecked = true }, ct);
        }

        switch (result.Outcome)
        {
            case TakeOutcome.SessionNotFound:
                return Problems.NotFound("Session", id);
            case TakeOutcome.RegionalUnionRequired:
                return Problems.Conflict("Regional union unknown", "The people's regional union is not known yet.");
            case TakeOutcome.SessionNotOpen:
                return Problems.Conflict("Session not open", "The session does not take bookings.");
            case TakeOutcome.Full when r.WaitlistIfFull == false:
                return Problems.Conflict("Session full", $"Fewer than {people.Count} seats are left.");
            case TakeOutcome.Full:
                var entry = await JoinWaitlist.AddAsync(db, time, id, people, cooperative, result.Session!.RegionalUnion!,
                    scope.Person, ct);
                if (own is not null)
                {
                    await own.CommitAsync(ct);
                }

                return TypedResults.Accepted($"/api/training/waitlist/{entry.Id}",
                    await JoinWaitlist.ResponseAsync(db, entry, withLeaveLink: true, ct));
        }

        var booking = result.Booking!;
        FundingDecision? funding = null;
        if (funded)
        {
            db.Attach(booking);
            var headcount = await RegisteredPeople.HeadcountAsync(db, cooperative, time, ct);
            funding = await ledger.DecideFundingAsync(booking, result.Session!, headcount, ct);
            await db.SaveChangesAsync(ct);
            if (own is not null)
            {
                await own.CommitAsync(ct);
            }
        }

        return TypedResults.Created($"/api/training/bookings/{booking.Id}", BookingResponse.From(booking, funding));
    }

    /// <summary>The people who lack a prerequisite of the course, described; empty when everyone may come.</summary>
    private static async Task<string> MissingPrerequisitesAsync(TrainingDbContext db, IReadOnlyList<Guid> prerequisites,
        List<WaitingPerson> people, CancellationToken ct)
    {
        if (prerequisites.Count == 0)
        {
            return "";
        }

        var ids = people.Select(p => p.PersonId).ToList();
        var completed = await (
                from a in db.Attendees
                join b in db.Bookings on a.BookingId equals b.Id
                join s in db.Sessions on b.SessionId equals s.Id
                where ids.Contains(a.PersonId) && a.Status == AttendeeStatus.Completed && prerequisites.Contains(s.CourseId)
                select new { a.PersonId, s.CourseId })
            .Distinct().ToListAsync(ct);
        var lacking = ids.Where(p => completed.Count(c => c.PersonId == p) < prerequisites.Count).ToList();
        return lacking.Count == 0
            ? ""
            : $"{string.Join(", ", lacking)} must first complete: {string.Join(", ", prerequisites)}.";
    }
}
