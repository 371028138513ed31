using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Scop.Aspire.Portal.Data;
using Scop.Aspire.Portal.Domain;
using Scop.Aspire.ServiceDefaults.Http;

namespace Scop.Aspire.Portal.Features.Feed;

/// <summary>
/// <c>GET /api/portal/feed</c>: the network activity feed, newest first. Paged by cursor, so entries arriving while
/// someone reads never shift or repeat what they see on the next page.
/// </summary>
public static class GetFeed
{
    public const int DefaultLimit = 20;
    public const int MaxLimit = 100;

    /// <summary>
    /// An entry as the public reads it. The trace the event travelled in stays in the database (<c>trace_id</c>), for
    /// operators: a public feed must not hand out the trace ids of other people's requests.
    /// </summary>
    public sealed record FeedEntry(Guid Id, string Kind, string Title, Guid SubjectId, string? Region, string? Sector,
        string? Link, DateTimeOffset OccurredAt, DateTimeOffset PublishedAt);

    public sealed record FeedPage(IReadOnlyList<FeedEntry> Items, string? NextCursor);

    public static IEndpointRouteBuilder MapFeed(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/portal/feed", HandleAsync)
            .WithTags("Feed")
            .WithName("GetFeed")
            .WithSummary("The network activity feed, newest first")
            .WithDescription("Pass the previous page's nextCursor as 'before' to read on; filter by kind, region (a regional union) and sector (a NAF division).")
            .AllowAnonymous(); // public: project holders and the public read the network's news
        return app;
    }

    public static async Task<Results<Ok<FeedPage>, ValidationProblem>> HandleAsync(PortalDbContext db,
        CancellationToken ct, int? limit = null, string? before = null, string? kind = null, string? region = null,
        string? sector = null)
    {
        var size = limit ?? DefaultLimit;
        if (size is < 1 or > MaxLimit)
        {
            return JsonBody.Invalid("limit", $"Between 1 and {MaxLimit}.");
        }

        if (WatchFilter.Problem(kind, region, sector) is { } filterProblem)
        {
            return filterProblem;
        }

        var query = WatchFilter.Apply(db.FeedItems.AsNoTracking(), kind, region, sector);
        if (before is not null)
        {
            if (!MomentCursor.TryDecode(before, out var after))
            {
                return JsonBody.Invalid("before", "Not a cursor this feed gave out.");
            }

            var (occurredAt, id) = (after.At, after.Id);
            query = query.Where(i => i.OccurredAt < occurredAt || (i.OccurredAt == occurredAt && i.Id.CompareTo(id) < 0));
        }

        var items = await query.OrderByDescending(i => i.OccurredAt).ThenByDescending(i => i.Id)
            .Take(size + 1).ToListAsync(ct);
        var page = items.Take(size).Select(ToEntry).ToList();
        var nextCursor = items.Count > size ? new MomentCursor(items[size - 1].OccurredAt, items[size - 1].Id).Encode() : null;
        return TypedResults.Ok(new FeedPage(page, nextCursor));
    }

    public static FeedEntry ToEntry(FeedItem item) =>
        new(item.Id, item.Kind, item.Title, item.SubjectId, item.Region, item.Sector, item.Link, item.OccurredAt, item.PublishedAt);
}
