using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Scop.Aspire.Portal.Data;
using Scop.Aspire.Portal.Domain;
using Scop.Aspire.ServiceDefaults.Http;
using Scop.Aspire.ServiceDefaults.Security;

namespace Scop.Aspire.Portal.Features.Feed;

public sealed record SavedFilterResponse(Guid Id, string Name, string? Kind, string? Region, string? Sector, string Feed, string Atom);

/// <summary>
/// <c>/api/portal/me/watch-filters</c>: a signed-in person's own filters of the watch feed (at most 20), each with the
/// address of the feed it selects and of its Atom feed. Nobody else sees them.
/// </summary>
public static class SavedFilters
{
    public sealed record SaveWatchFilterRequest(string? Name, string? Kind, string? Region, string? Sector);

    public static RouteGroupBuilder MapSavedFilters(this RouteGroupBuilder group)
    {
        group.MapGet("/me/watch-filters", ListAsync).WithName("ListWatchFilters").WithSummary("My saved watch filters")
            .RequireAuthorization(PlatformPolicies.Person);
        group.MapPost("/me/watch-filters", SaveAsync).WithName("SaveWatchFilter").WithSummary("Keep a watch filter")
            .Accepts<SaveWatchFilterRequest>("application/json").RequireAuthorization(PlatformPolicies.Person)
            .WithIdempotency<PortalDbContext>();
        group.MapDelete("/me/watch-filters/{id:guid}", DeleteAsync).WithName("DeleteWatchFilter").WithSummary("Drop a saved watch filter")
            .RequireAuthorization(PlatformPolicies.Person);
        return group;
    }

    public static async Task<Ok<IReadOnlyList<SavedFilterResponse>>> ListAsync(ClaimsPrincipal user, PortalDbContext db,
        IOptions<PortalOptions> options, CancellationToken ct)
    {
        var owner = user.Author();
        var filters = await db.SavedWatchFilters.AsNoTracking().Where(f => f.Owner == owner).OrderBy(f => f.CreatedAt)
            .Take(SavedWatchFilter.MaxPerOwner).ToListAsync(ct);
        return TypedResults.Ok<IReadOnlyList<SavedFilterResponse>>(filters.Select(f => Response(f, options.Value)).ToList());
    }

    public static async Task<Results<Created<SavedFilterResponse>, ValidationProblem, ProblemHttpResult>> SaveAsync(HttpRequest http,
        ClaimsPrincipal user, PortalDbContext db, IOptions<PortalOptions> options, TimeProvider time, CancellationToken ct)
    {
        var (request, problem) = await JsonBody.ReadAsync<SaveWatchFilterRequest>(http, ct);
        if (problem is not null)
        {
            return problem;
        }

        var r = request!;
        var errors = new ValidationErrors();
        var name = errors.RequireText("name", r.Name, SavedWatchFilter.MaxNameLength);
        if (WatchFilter.Problem(r.Kind, r.Region, r.Sector) is { } filterProblem)
        {
            foreach (var (field, messages) in filterProblem.ProblemDetails.Errors)
            {
                errors.Add(field, messages[0]);
            }
        }

        if (!errors.IsValid)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        var owner = user.Author();
        if (await db.SavedWatchFilters.CountAsync(f => f.Owner == owner, ct) >= SavedWatchFilter.MaxPerOwner)
        {
            return Problems.Conflict("Too many filters", $"A person keeps at most {SavedWatchFilter.MaxPerOwner} filters: drop one first.");
        }

        var now = time.GetUtcNow();
        var filter = new SavedWatchFilter
        {
            Id = Guid.CreateVersion7(now),
            Owner = owner,
            PersonId = CallerScope.Of(user).Person,
            Name = name,
            Kind = r.Kind,
            Region = r.Region,
            Sector = r.Sector,
            CreatedAt = now,
        };
        db.SavedWatchFilters.Add(filter);
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/portal/me/watch-filters/{filter.Id}", Response(filter, options.Value));
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(Guid id, ClaimsPrincipal user, PortalDbContext db,
        CancellationToken ct)
    {
        var owner = user.Author();
        return await db.SavedWatchFilters.Where(f => f.Id == id && f.Owner == owner).ExecuteDeleteAsync(ct) == 0
            ? Problems.NotFound("Watch filter", id)
            : TypedResults.NoContent();
    }

    private static SavedFilterResponse Response(SavedWatchFilter f, PortalOptions options)
    {
        var query = WatchFilter.Query(f.Kind, f.Region, f.Sector);
        var suffix = query.Length > 0 ? "?" + query : "";
        return new SavedFilterResponse(f.Id, f.Name, f.Kind, f.Region, f.Sector, $"/api/portal/feed{suffix}",
            $"{options.PublicOrigin.TrimEnd('/')}/api/portal/feed.atom{suffix}");
    }
}
