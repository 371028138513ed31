using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Scop.Aspire.ServiceDefaults.Http;
using Scop.Aspire.Training.Data;
using Scop.Aspire.Training.Domain;
using Scop.Aspire.ServiceDefaults.Security;
using Scop.Aspire.ServiceDefaults;

namespace Scop.Aspire.Training.Features.Catalogue;

public sealed record CourseResponse(Guid Id, string Title, string? Description, CoursePath Path, Audience Audience,
    int DurationHours, IReadOnlyList<Guid> Prerequisites, DateTimeOffset CreatedAt)
{
    public static CourseResponse From(Course c) =>
        new(c.Id, c.Title, c.Description, c.Path, c.Audience, c.DurationHours, c.Prerequisites, c.CreatedAt);
}

/// <summary><c>POST /api/training/courses</c>: a course joins the catalogue.</summary>
public static class CreateCourse
{
    public sealed record Request(string? Title, string? Description, string? Path, string? Audience, int? DurationHours,
        List<Guid>? Prerequisites);

    public static RouteHandlerBuilder MapCreateCourse(this RouteGroupBuilder group) =>
        group.MapPost("/courses", HandleAsync).RequireAuthorization(PlatformPolicies.Staff).WithName("CreateCourse").WithSummary("Add a course to the catalogue")
            .Accepts<Request>("application/json").WithIdempotency<TrainingDbContext>();

    public static async Task<Results<Created<CourseResponse>, ValidationProblem>> HandleAsync(
        HttpRequest http, TrainingDbContext db, TimeProvider time, CancellationToken ct)
    {
        var (request, problem) = await JsonBody.ReadAsync<Request>(http, ct);
        if (problem is not null)
        {
            return problem;
        }

        var errors = new ValidationErrors();
        var title = errors.RequireText("title", request!.Title, Course.MaxTitleLength);
        var description = request.Description?.Trim();
        if (description?.Length > Course.MaxDescriptionLength)
        {
            errors.Add("description", $"At most {Course.MaxDescriptionLength} characters.");
        }

        var path = ParseEnum<CoursePath>(errors, "path", request.Path, required: true);
        var audience = ParseEnum<Audience>(errors, "audience", request.Audience, required: false) ?? Domain.Audience.Everyone;
        if (request.DurationHours is not (>= 1 and <= 1000))
        {
            errors.Add("durationHours", "Between 1 and 1000 hours.");
        }

        var prerequisites = request.Prerequisites?.Distinct().ToList() ?? [];
        if (prerequisites.Count > Course.MaxPrerequisites)
        {
            errors.Add("prerequisites", $"At most {Course.MaxPrerequisites} courses.");
        }
        else if (prerequisites.Count > 0)
        {
            var known = await db.Courses.CountAsync(c => prerequisites.Contains(c.Id), ct);
            if (known != prerequisites.Count)
            {
                errors.Add("prerequisites", "Every prerequisite must be a course of the catalogue.");
            }
        }

        if (!errors.IsValid)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        var now = time.GetUtcNow();
        var course = new Course
        {
            Id = Guid.CreateVersion7(now),
            Title = title,
            Description = string.IsNullOrEmpty(description) ? null : description,
            Path = path!.Value,
            Audience = audience,
            DurationHours = request.DurationHours!.Value,
            Prerequisites = prerequisites,
            CreatedAt = now,
        };
        db.Courses.Add(course);
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/training/courses/{course.Id}", CourseResponse.From(course));
    }

    public static T? ParseEnum<T>(ValidationErrors errors, string field, string? value, bool required)
        where T : struct, Enum
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            if (required)
            {
                errors.Add(field, "This field is required.");
            }

            return null;
        }

        if (Enum.TryParse<T>(value.Trim(), ignoreCase: true, out var parsed) && Enum.IsDefined(parsed)
            && !value.Trim().All(char.IsAsciiDigit))
        {
            return parsed;
        }

        errors.Add(field, $"One of {string.Join(", ", Enum.GetNames<T>())}.");
        return null;
    }
}

/// <summary><c>GET /api/training/courses/{id}</c> and <c>GET /api/training/courses?path=&amp;page=&amp;pageSize=</c>.</summary>
public static class ReadCourses
{
    public static RouteGroupBuilder MapReadCourses(this RouteGroupBuilder group)
    {
        // The catalogue is for everyone signed in, partners included.
        group.MapGet("/courses/{id:guid}", GetAsync).WithName("GetCourse").WithSummary("One course")
            .RequireAuthorization(PlatformPolicies.Authenticated);
        group.MapGet("/courses", ListAsync).WithName("ListCourses").WithSummary("The catalogue, by path and title, paged")
            .RequireAuthorization(PlatformPolicies.Authenticated);
        return group;
    }

    public static async Task<Results<Ok<CourseResponse>, ProblemHttpResult>> GetAsync(Guid id, TrainingDbContext db,
        CancellationToken ct) =>
        await db.Courses.AsNoTracking().SingleOrDefaultAsync(c => c.Id == id, ct) is { } course
            ? TypedResults.Ok(CourseResponse.From(course))
            : Problems.NotFound("Course", id);

    public static async Task<Results<Ok<PagedList<CourseResponse>>, ValidationProblem>> ListAsync(TrainingDbContext db,
        CancellationToken ct, int? page = null, int? pageSize = null, string? path = null)
    {
        var (paging, problem) = PageRequest.From(page, pageSize);
        if (problem is not null)
        {
            return problem;
        }

        var errors = new ValidationErrors();
        var coursePath = CreateCourse.ParseEnum<CoursePath>(errors, "path", path, required: false);
        if (!errors.IsValid)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        var query = db.Courses.AsNoTracking();
        if (coursePath is { } p)
        {
            query = query.Where(c => c.Path == p);
        }

        var total = await query.LongCountAsync(ct);
        var items = await query.OrderBy(c => c.Path).ThenBy(c => c.Title).ThenBy(c => c.Id)
            .Skip(paging.Skip).Take(paging.PageSize).ToListAsync(ct);
        return TypedResults.Ok(new PagedList<CourseResponse>(items.Select(CourseResponse.From).ToList(), paging.Page,
            paging.PageSize, total));
    }
}

/// <summary><c>GET /api/training/holidays/{year}</c>: the public holidays no session may fall on.</summary>
public static class ListHolidays
{
    public sealed record Holiday(DateOnly Date, string Name);

    public static RouteHandlerBuilder MapListHolidays(this RouteGroupBuilder group) =>
        group.MapGet("/holidays/{year:int}", Handle).WithName("ListHolidays").WithSummary("French public holidays of a year")
            .RequireAuthorization(PlatformPolicies.Authenticated);

    public static Results<Ok<IReadOnlyList<Holiday>>, ValidationProblem> Handle(int year, bool alsaceMoselle = false) =>
        year is < 1900 or > 2200
            ? JsonBody.Invalid("year", "Between 1900 and 2200.")
            : TypedResults.Ok<IReadOnlyList<Holiday>>(
                FrenchHolidays.Of(year, alsaceMoselle).Select(h => new Holiday(h.Date, h.Name)).ToList());
}
