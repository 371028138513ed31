using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Scop.Aspire.ServiceDefaults.Http;
using Scop.Aspire.ServiceDefaults.Security;
using Scop.Aspire.Training.Data;
using Scop.Aspire.Training.Domain;
using Scop.Aspire.Training.Features.Catalogue;

namespace Scop.Aspire.Training.Features.Sessions;

/// <summary><c>GET /api/training/sessions/{id}</c> and <c>GET /api/training/sessions?courseId=&amp;regionalUnion=&amp;status=&amp;from=</c>.</summary>
public static class ReadSessions
{
    public static RouteGroupBuilder MapReadSessions(this RouteGroupBuilder group)
    {
        // The sessions on offer, like the catalogue, are for everyone signed in.
        group.MapGet("/sessions/{id:guid}", GetAsync).WithName("GetSession").WithSummary("One session, with its seats left")
            .RequireAuthorization(PlatformPolicies.Authenticated);
        group.MapGet("/sessions", ListAsync).WithName("ListSessions").WithSummary("Sessions by date, paged and filtered")
            .RequireAuthorization(PlatformPolicies.Authenticated);
        return group;
    }

    public static async Task<Results<Ok<SessionResponse>, ProblemHttpResult>> GetAsync(Guid id, TrainingDbContext db,
        CancellationToken ct) =>
        await db.Sessions.AsNoTracking().SingleOrDefaultAsync(s => s.Id == id, ct) is { } session
            ? TypedResults.Ok(SessionResponse.From(session))
            : Problems.NotFound("Session", id);

    public static async Task<Results<Ok<PagedList<SessionResponse>>, ValidationProblem>> ListAsync(TrainingDbContext db,
        CancellationToken ct, int? page = null, int? pageSize = null, Guid? courseId = null, string? regionalUnion = null,
        string? status = null, DateOnly? from = null)
    {
        var (paging, problem) = PageRequest.From(page, pageSize);
        if (problem is not null)
        {
            return problem;
        }

        var errors = new ValidationErrors();
        var sessionStatus = CreateCourse.ParseEnum<SessionStatus>(errors, "status", status, required: false);
        if (!errors.IsValid)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        var query = db.Sessions.AsNoTracking();
        if (courseId is { } course)
        {
            query = query.Where(s => s.CourseId == course);
        }

        if (!string.IsNullOrWhiteSpace(regionalUnion))
        {
            var union = regionalUnion.Trim();
            query = query.Where(s => s.RegionalUnion == union);
        }

        if (sessionStatus is { } st)
        {
            query = query.Where(s => s.Status == st);
        }

        if (from is { } day)
        {
            query = query.Where(s => s.StartsOn >= day);
        }

        var total = await query.LongCountAsync(ct);
        var items = await query.OrderBy(s => s.StartsOn).ThenBy(s => s.Id).Skip(paging.Skip).Take(paging.PageSize)
            .ToListAsync(ct);
        return TypedResults.Ok(new PagedList<SessionResponse>(items.Select(SessionResponse.From).ToList(), paging.Page,
            paging.PageSize, total));
    }
}
