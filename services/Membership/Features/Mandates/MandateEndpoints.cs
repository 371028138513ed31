using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Scop.Aspire.Contracts.Membership;
using Scop.Aspire.Membership.Data;
using Scop.Aspire.Membership.Domain;
using Scop.Aspire.Membership.Features.People;
using Scop.Aspire.ServiceDefaults.Http;
using Scop.Aspire.ServiceDefaults.Messaging;
using Scop.Aspire.ServiceDefaults.Security;

namespace Scop.Aspire.Membership.Features.Mandates;

public sealed record MandateResponse(Guid Id, Guid PersonId, MandateLevel Level, string Title, DateOnly StartsOn, DateOnly? EndsOn);

/// <summary>
/// Mandates of elected officials (<c>POST /api/membership/people/{id}/mandates</c>): taking one requires the
/// elected-officials training path completed, as training reported it (TrainingCompleted); otherwise a 409 that names
/// what is missing. Publishes MandateStarted.
/// </summary>
public static class MandateEndpoints
{
    public sealed record StartRequest(string? Level, string? Title, DateOnly? StartsOn, DateOnly? EndsOn);

    public static IEndpointRouteBuilder MapMandates(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/membership/people/{id:guid}/mandates").WithTags("Mandates");
        group.MapPost("/", StartAsync).WithName("StartMandate")
            .WithSummary("Start a mandate (requires the elected-officials training path; publishes MandateStarted)")
            .Accepts<StartRequest>("application/json").RequireAuthorization(PlatformPolicies.ManageCooperatives)
            .WithIdempotency<MembershipDbContext>();
        group.MapGet("/", ListAsync).WithName("ListMandates").WithSummary("A person's mandates, paged")
            .RequireAuthorization(PlatformPolicies.ReadCooperatives);
        return app;
    }

    public static async Task<Results<Created<MandateResponse>, ValidationProblem, ProblemHttpResult>> StartAsync(Guid id,
        HttpRequest http, ClaimsPrincipal user, MembershipDbContext db, TimeProvider time, CancellationToken ct)
    {
        var person = await PersonAccess.FindReadableAsync(db, user, id, ct);
        if (person is null)
        {
            return PersonAccess.NotFound(id);
        }

        if (!CallerScope.CanManage(user, person.RegionalUnion))
        {
            return PersonAccess.OutsideUnion();
        }

        var (request, problem) = await JsonBody.ReadAsync<StartRequest>(http, ct);
        if (problem is not null)
        {
            return problem;
        }

        var errors = new ValidationErrors();
        MandateLevel level = default;
        if (string.IsNullOrWhiteSpace(request!.Level))
        {
            errors.Add("level", "This field is required.");
        }
        else if (request.Level.Trim().All(char.IsAsciiDigit) || !Enum.TryParse(request.Level.Trim(), ignoreCase: true, out level))
        {
            errors.Add("level", "One of regional, federal or confederal.");
        }

        var title = errors.RequireText("title", request.Title, Mandate.MaxTitleLength);
        if (request.StartsOn is null)
        {
            errors.Add("startsOn", "This field is required.");
        }
        else if (request.EndsOn is { } ends && ends <= request.StartsOn)
        {
            errors.Add("endsOn", "After the start.");
        }

        if (!errors.IsValid)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        if (person.IsErased)
        {
            return PersonAccess.NotFound(id);
        }

        var trained = await db.TrainingCompletions.AnyAsync(
            c => c.PersonId == id && c.CoursePath == TrainingCompletion.ElectedOfficialsPath, ct);
        if (!trained)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Elected-officials training missing",
                detail: "Taking a mandate requires the elected-officials training path completed; the training service has reported no completion of it for this person.",
                extensions: new Dictionary<string, object?> { ["missing"] = new[] { TrainingCompletion.ElectedOfficialsPath } });
        }

        var now = time.GetUtcNow();
        var mandate = new Mandate
        {
            Id = Guid.CreateVersion7(now), PersonId = id, RegionalUnion = person.RegionalUnion, Level = level, Title = title,
            StartsOn = request.StartsOn!.Value, EndsOn = request.EndsOn,
        };
        db.Mandates.Add(mandate);
        db.AddIntegrationEvent(new MandateStarted(Guid.CreateVersion7(now), now, mandate.Id, id, level.ToString(), title,
            person.RegionalUnion, mandate.StartsOn, mandate.EndsOn), id.ToString());
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/membership/people/{id}/mandates", From(mandate));
    }

    public static async Task<Results<Ok<PagedList<MandateResponse>>, ValidationProblem, ProblemHttpResult>> ListAsync(Guid id,
        ClaimsPrincipal user, MembershipDbContext db, CancellationToken ct, int? page = null, int? pageSize = null)
    {
        var (paging, problem) = PageRequest.From(page, pageSize);
        if (problem is not null)
        {
            return problem;
        }

        if (await PersonAccess.FindReadableAsync(db, user, id, ct) is null)
        {
            return PersonAccess.NotFound(id);
        }

        var query = db.Mandates.AsNoTracking().Where(m => m.PersonId == id);
        var total = await query.LongCountAsync(ct);
        var items = await query.OrderBy(m => m.StartsOn).ThenBy(m => m.Id).Skip(paging.Skip).Take(paging.PageSize).ToListAsync(ct);
        return TypedResults.Ok(new PagedList<MandateResponse>(items.Select(From).ToList(), paging.Page, paging.PageSize, total));
    }

    internal static MandateResponse From(Mandate m) => new(m.Id, m.PersonId, m.Level, m.Title, m.StartsOn, m.EndsOn);
}
