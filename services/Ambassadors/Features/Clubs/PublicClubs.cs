using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Scop.Aspire.Ambassadors.Data;
using Scop.Aspire.Ambassadors.Domain;
using Scop.Aspire.ServiceDefaults.Http;

namespace Scop.Aspire.Ambassadors.Features.Clubs;

/// <summary>A club as the public sees it: no person.</summary>
public sealed record ClubResponse(Guid Id, string Name, string Epci, string EpciName, string Region, string RegionalUnion,
    string Status, DateOnly OpenedOn, int MeetingCount, DateOnly? LastMeetingOn, DateOnly? DormantSince, DateOnly? ClosedOn,
    string? CloseReason)
{
    public static ClubResponse From(Club c) => new(c.Id, c.Name, c.Epci, c.EpciName, c.Region, c.RegionalUnion, c.Status.ToString(),
        c.OpenedOn, c.MeetingCount, c.LastMeetingOn, c.DormantSince, c.ClosedOn, c.CloseReason);
}

/// <summary>The public list of clubs (filter by région, union, status; paged) and one club's public view.</summary>
public static class PublicClubs
{
    public static RouteGroupBuilder MapPublicClubs(this RouteGroupBuilder group)
    {
        group.MapGet("/clubs", ListAsync).WithName("ListClubs")
            .WithSummary("The inter-SCOP clubs: name, area, union, status, meetings (no person), by name, paged").AllowAnonymous();
        group.MapGet("/clubs/{id:guid}", GetAsync).WithName("GetClub")
            .WithSummary("One club's public view (ETag)").AllowAnonymous();
        return group;
    }

    public static async Task<Results<Ok<PagedList<ClubResponse>>, ValidationProblem>> ListAsync(AmbassadorsDbContext db,
        CancellationToken ct, int? page = null, int? pageSize = null, string? region = null, string? regionalUnion = null,
        string? status = null)
    {
        var (paging, problem) = PageRequest.From(page, pageSize);
        var errors = new ValidationErrors();
        foreach (var (field, messages) in problem?.ProblemDetails.Errors ?? new Dictionary<string, string[]>())
        {
            foreach (var message in messages)
            {
                errors.Add(field, message); // each bad field named, the paging's with the filters'
            }
        }

        ClubStatus? wanted = null;
        if (!string.IsNullOrWhiteSpace(status))
        {
            if (Enum.TryParse<ClubStatus>(status.Trim(), ignoreCase: false, out var parsed) && Enum.IsDefined(parsed)
                && !status.Trim().All(c => char.IsAsciiDigit(c) || c == '-'))
            {
                wanted = parsed;
            }
            else
            {
                errors.Add("status", $"One of: {string.Join(", ", Enum.GetNames<ClubStatus>())}.");
            }
        }

        region = region?.Trim();
        if (region is { Length: > 3 })
        {
            errors.Add("region", "An INSEE région code (2 or 3 characters).");
        }

        regionalUnion = regionalUnion?.Trim();
        if (regionalUnion is { Length: > 64 })
        {
            errors.Add("regionalUnion", "At most 64 characters.");
        }

        if (!errors.IsValid)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        var query = db.Clubs.AsNoTracking();
        if (wanted is { } s)
        {
            query = query.Where(c => c.Status == s);
        }

        if (!string.IsNullOrEmpty(region))
        {
            query = query.Where(c => c.Region == region);
        }

        if (!string.IsNullOrEmpty(regionalUnion))
        {
            query = query.Where(c => c.RegionalUnion == regionalUnion);
        }

        var total = await query.LongCountAsync(ct);
        var items = await query.OrderBy(c => c.Name).ThenBy(c => c.Id).Skip(paging.Skip).Take(paging.PageSize).ToListAsync(ct);
        return TypedResults.Ok(new PagedList<ClubResponse>(items.Select(ClubResponse.From).ToList(), paging.Page, paging.PageSize, total));
    }

    public static async Task<Results<Ok<ClubResponse>, ProblemHttpResult>> GetAsync(Guid id, HttpContext http, AmbassadorsDbContext db,
        CancellationToken ct)
    {
        var club = await db.Clubs.AsNoTracking().SingleOrDefaultAsync(c => c.Id == id, ct);
        if (club is null)
        {
            return Problems.NotFound("Club", id);
        }

        http.Response.Headers.ETag = Preconditions.ETagOf(club.Version);
        return TypedResults.Ok(ClubResponse.From(club));
    }
}
