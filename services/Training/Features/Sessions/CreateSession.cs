using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Scop.Aspire.ServiceDefaults.Http;
using Scop.Aspire.Training.Data;
using Scop.Aspire.Training.Domain;
using Scop.Aspire.Training.Features.Catalogue;
using Scop.Aspire.ServiceDefaults.Security;
using Scop.Aspire.ServiceDefaults;

namespace Scop.Aspire.Training.Features.Sessions;

public sealed record SessionResponse(Guid Id, Guid CourseId, DateOnly StartsOn, DateOnly EndsOn, bool Remote,
    string? RegionalUnion, string? CommuneCode, int Capacity, int SeatsTaken, int SeatsLeft, long PriceCents,
    SessionStatus Status)
{
    public static SessionResponse From(Session s) => new(s.Id, s.CourseId, s.StartsOn, s.EndsOn, s.Remote,
        s.RegionalUnion, s.CommuneCode, s.Capacity, s.SeatsTaken, s.Capacity - s.SeatsTaken, s.PriceCents, s.Status);
}

/// <summary>
/// <c>POST /api/training/sessions</c>: a run of a course, in a regional union and a commune or remote, never on a
/// public holiday. Created as a draft unless <c>status</c> is <c>Open</c>.
/// </summary>
public static class CreateSession
{
    public sealed record Request(Guid? CourseId, DateOnly? StartsOn, DateOnly? EndsOn, bool? Remote, string? RegionalUnion,
        string? CommuneCode, int? Capacity, long? PriceCents, string? Status);

    public static RouteHandlerBuilder MapCreateSession(this RouteGroupBuilder group) =>
        group.MapPost("/sessions", HandleAsync).RequireAuthorization(PlatformPolicies.Staff).WithName("CreateSession").WithSummary("Schedule a session")
            .Accepts<Request>("application/json").WithIdempotency<TrainingDbContext>();

    public static async Task<Results<Created<SessionResponse>, ValidationProblem>> HandleAsync(
        HttpRequest http, TrainingDbContext db, TimeProvider time, CancellationToken ct)
    {
        var (request, problem) = await JsonBody.ReadAsync<Request>(http, ct);
        if (problem is not null)
        {
            return problem;
        }

        var errors = new ValidationErrors();
        var r = request!;
        if (r.CourseId is not { } courseId || courseId == Guid.Empty)
        {
            errors.Add("courseId", "This field is required.");
        }
        else if (!await db.Courses.AnyAsync(c => c.Id == courseId, ct))
        {
            errors.Add("courseId", "No course of the catalogue has this id.");
        }

        if (r.StartsOn is null)
        {
            errors.Add("startsOn", "This field is required.");
        }

        var endsOn = r.EndsOn ?? r.StartsOn;
        if (r.StartsOn is { } start && endsOn is { } end)
        {
            if (end < start)
            {
                errors.Add("endsOn", "On or after startsOn.");
            }
            else if (end.DayNumber - start.DayNumber >= Session.MaxDays)
            {
                errors.Add("endsOn", $"A session lasts at most {Session.MaxDays} days.");
            }
            else if (start < ParisCalendar.Today(time))
            {
                errors.Add("startsOn", "Not in the past.");
            }
        }

        var remote = r.Remote ?? false;
        var union = r.RegionalUnion?.Trim();
        var commune = r.CommuneCode?.Trim().ToUpperInvariant();
        if (string.IsNullOrEmpty(union))
        {
            if (!remote)
            {
                errors.Add("regionalUnion", "Required unless the session is remote.");
            }

            union = null;
        }
        else if (!Session.IsRegionalUnionCode(union))
        {
            errors.Add("regionalUnion", "A regional union code: lower-case letters, digits and dashes (e.g. urscop-aura).");
        }

        if (remote)
        {
            if (!string.IsNullOrEmpty(commune))
            {
                errors.Add("communeCode", "A remote session has no commune.");
            }

            commune = null;
        }
        else if (string.IsNullOrEmpty(commune))
        {
            errors.Add("communeCode", "Required unless the session is remote.");
        }
        else if (!Session.IsCommuneCode(commune))
        {
            errors.Add("communeCode", "An INSEE commune code: 5 characters (e.g. 69123 for Lyon).");
        }

        if (r.StartsOn is { } first && endsOn is { } last && last >= first && last.DayNumber - first.DayNumber < Session.MaxDays)
        {
            var holidays = Session.HolidaysWithin(first, last, commune).ToList();
            if (holidays.Count > 0)
            {
                errors.Add("startsOn", "No session on a public holiday: " +
                    string.Join(", ", holidays.Select(h => $"{h.Date:yyyy-MM-dd} ({h.Name})")) + ".");
            }
        }

        if (r.Capacity is not (>= 1 and <= Session.MaxCapacity))
        {
            errors.Add("capacity", $"Between 1 and {Session.MaxCapacity}.");
        }

        if (r.PriceCents is not (>= 0 and <= 10_000_000))
        {
            errors.Add("priceCents", "Between 0 and 10000000 (euro cents).");
        }

        var status = CreateCourse.ParseEnum<SessionStatus>(errors, "status", r.Status, required: false) ?? SessionStatus.Draft;
        if (status is not (SessionStatus.Draft or SessionStatus.Open))
        {
            errors.Add("status", "A new session is Draft or Open.");
        }

        if (!errors.IsValid)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        var now = time.GetUtcNow();
        var session = new Session
        {
            Id = Guid.CreateVersion7(now),
            CourseId = r.CourseId!.Value,
            StartsOn = r.StartsOn!.Value,
            EndsOn = endsOn!.Value,
            Remote = remote,
            RegionalUnion = union,
            CommuneCode = commune,
            Capacity = r.Capacity!.Value,
            PriceCents = r.PriceCents!.Value,
            Status = status,
            CreatedAt = now,
        };
        db.Sessions.Add(session);
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/training/sessions/{session.Id}", SessionResponse.From(session));
    }
}
