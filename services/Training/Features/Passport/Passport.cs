using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Scop.Aspire.ServiceDefaults.Http;
using Scop.Aspire.ServiceDefaults.Security;
using Scop.Aspire.Training.Data;
using Scop.Aspire.Training.Domain;

namespace Scop.Aspire.Training.Features.Passport;

public sealed record PassportEntry(string CertificateNumber, Guid CourseId, string CourseTitle, CoursePath Path,
    Guid SessionId, DateOnly CompletedOn, DateTimeOffset RecordedAt);

/// <summary>
/// <c>GET /api/training/people/{personId}/passport</c>: the courses a person completed, newest first, paged; seen by the
/// person, their cooperative's manager, their union's delegate and staff (<see cref="TrainingAccess"/>), a 404 for
/// anyone else.
/// </summary>
public static class ReadPassport
{
    public static RouteHandlerBuilder MapPassport(this RouteGroupBuilder group) =>
        group.MapGet("/people/{personId:guid}/passport", HandleAsync).WithName("GetPassport")
            .WithSummary("A person's competence passport, paged").RequireAuthorization(PlatformPolicies.Person);

    public static async Task<Results<Ok<PagedList<PassportEntry>>, ValidationProblem, ProblemHttpResult>> HandleAsync(
        Guid personId, ClaimsPrincipal user, TrainingDbContext db, CancellationToken ct, int? page = null, int? pageSize = null)
    {
        var (paging, problem) = PageRequest.From(page, pageSize);
        if (problem is not null)
        {
            return problem;
        }

        if (!await user.Scope().CanSeePersonAsync(db, personId, ct))
        {
            return Problems.NotFound("Person", personId);
        }

        var query =
            from a in db.Attendees.AsNoTracking()
            join b in db.Bookings on a.BookingId equals b.Id
            join s in db.Sessions on b.SessionId equals s.Id
            join c in db.Courses on s.CourseId equals c.Id
            where a.PersonId == personId && a.Status == AttendeeStatus.Completed
            select new { a.CertificateNumber, CourseId = c.Id, c.Title, c.Path, SessionId = s.Id, s.EndsOn, a.CompletedAt };
        var total = await query.LongCountAsync(ct);
        var rows = await query.OrderByDescending(e => e.EndsOn).ThenBy(e => e.CertificateNumber)
            .Skip(paging.Skip).Take(paging.PageSize).ToListAsync(ct);
        var items = rows.Select(e => new PassportEntry(e.CertificateNumber ?? "", e.CourseId, e.Title, e.Path, e.SessionId,
            e.EndsOn, e.CompletedAt ?? default)).ToList();
        return TypedResults.Ok(new PagedList<PassportEntry>(items, paging.Page, paging.PageSize, total));
    }
}
