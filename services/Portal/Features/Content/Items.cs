using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Scop.Aspire.Portal.Data;
using Scop.Aspire.Portal.Domain;
using Scop.Aspire.Portal.Features.Caching;
using Scop.Aspire.ServiceDefaults.Http;
using Scop.Aspire.ServiceDefaults.Messaging;
using Scop.Aspire.ServiceDefaults.Security;

namespace Scop.Aspire.Portal.Features.Content;

/// <summary>
/// The editors' side of content: <c>POST /api/portal/sites/{slug}/items</c> (a draft), <c>GET /api/portal/items</c> and
/// <c>/items/{id}</c>, <c>PUT /api/portal/items/{id}</c> (If-Match), <c>POST /items/{id}/publish</c> (now, or at a
/// moment: a durable timer) and <c>/unpublish</c>. Only the site's editors (<see cref="PortalAccess.CanEdit"/>) see an
/// item that is not published: for anyone else it does not exist here (404).
/// </summary>
public static class Items
{
    public sealed record CreateItemRequest(string? Kind, string? Slug, string? Title, string? Summary, string? Body,
        string? Region, string? Sector, string? Theme, ExperienceSheetInput? Sheet);

    public sealed record UpdateItemRequest(string? Kind, string? Slug, string? Title, string? Summary, string? Body,
        string? Region, string? Sector, string? Theme, ExperienceSheetInput? Sheet);

    public sealed record PublishItemRequest(DateTimeOffset? At);

    public static RouteGroupBuilder MapItems(this RouteGroupBuilder group)
    {
        group.MapPost("/sites/{slug}/items", CreateAsync).WithName("CreateItem").WithSummary("Write a draft on a site")
            .Accepts<CreateItemRequest>("application/json").RequireAuthorization(PlatformPolicies.Person)
            .WithIdempotency<PortalDbContext>();
        group.MapGet("/items", ListAsync).WithName("ListItemsForEditors")
            .WithSummary("A site's items in every status, for its editors").RequireAuthorization(PlatformPolicies.Person);
        group.MapGet("/items/{id:guid}", GetAsync).WithName("GetItemForEditors")
            .WithSummary("An item with its Markdown source and ETag, for its site's editors").RequireAuthorization(PlatformPolicies.Person);
        group.MapPut("/items/{id:guid}", UpdateAsync).WithName("UpdateItem").WithSummary("Replace an item (If-Match required)")
            .Accepts<UpdateItemRequest>("application/json")
            .WithHeader("If-Match", required: true, maxLength: 200, "The ETag of the version read (GET), or *.")
            .RequireAuthorization(PlatformPolicies.Person);
        group.MapPost("/items/{id:guid}/publish", PublishAsync).WithName("PublishItem")
            .WithSummary("Publish an item now ({}), or at a moment ({\"at\": …})").Accepts<PublishItemRequest>("application/json")
            .RequireAuthorization(PlatformPolicies.Person);
        group.MapPost("/items/{id:guid}/unpublish", UnpublishAsync).WithName("UnpublishItem")
            .WithSummary("Take an item off the public site (or cancel its schedule)").RequireAuthorization(PlatformPolicies.Person);
        return group;
    }

    public static async Task<Results<Created<EditorItemResponse>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        string slug, HttpRequest http, ClaimsPrincipal user, PortalDbContext db, Markdown markdown, TimeProvider time,
        CancellationToken ct)
    {
        var site = await db.Sites.AsNoTracking().SingleOrDefaultAsync(s => s.Slug == slug, ct);
        if (site is null)
        {
            return Problems.NotFound("Site", slug);
        }

        if (!CallerScope.Of(user).CanEdit(site))
        {
            return PortalAccess.NotEditor(site);
        }

        var (request, problem) = await JsonBody.ReadAsync<CreateItemRequest>(http, ct);
        if (problem is not null)
        {
            return problem;
        }

        var r = request!;
        var errors = new ValidationErrors();
        var valid = ItemInput.Validate(new ItemRequest(r.Kind, r.Slug, r.Title, r.Summary, r.Body, r.Region, r.Sector, r.Theme,
            r.Sheet), errors);
        if (valid is null)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        var itemSlug = valid.Slug ?? await FreeSlugAsync(db, site.Id, Site.Slugify(valid.Title, 100), ct);
        if (valid.Slug is not null && await db.Items.AnyAsync(i => i.SiteId == site.Id && i.Slug == itemSlug, ct))
        {
            return JsonBody.Invalid("slug", $"The site already has an item '{itemSlug}'.");
        }

        var now = time.GetUtcNow();
        var (html, text) = markdown.Render(valid.Body);
        var item = new ContentItem
        {
            Id = Guid.CreateVersion7(now),
            SiteId = site.Id,
            Kind = valid.Kind,
            Slug = itemSlug,
            Title = valid.Title,
            Summary = valid.Summary,
            BodyMarkdown = valid.Body,
            BodyHtml = html,
            BodyText = text,
            Region = valid.Region ?? site.RegionalUnion,
            Sector = valid.Sector,
            Theme = valid.Theme,
            Sheet = valid.Sheet,
            Status = ContentStatus.Draft,
            UpdatedBy = user.Author(),
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.Items.Add(item);
        await db.SaveChangesAsync(ct);
        http.HttpContext.Response.Headers.ETag = Preconditions.ETagOf(item.Version);
        return TypedResults.Created($"/api/portal/items/{item.Id}", EditorItemResponse.From(item, site));
    }

    public static async Task<Results<Ok<PagedList<ItemSummary>>, ValidationProblem, ProblemHttpResult>> ListAsync(
        ClaimsPrincipal user, PortalDbContext db, CancellationToken ct, string? site = null, string? status = null,
        string? kind = null, int? page = null, int? pageSize = null)
    {
        var (paging, problem) = PageRequest.From(page, pageSize);
        if (problem is not null)
        {
            return problem;
        }

        var errors = new ValidationErrors();
        if (string.IsNullOrWhiteSpace(site))
        {
            errors.Add("site", "The slug of a site you edit.");
        }

        ContentStatus? statusFilter = null;
        if (status is not null)
        {
            statusFilter = Enum.GetValues<ContentStatus>().Cast<ContentStatus?>()
                .FirstOrDefault(s => EditorItemResponse.StatusName(s!.Value) == status);
            if (statusFilter is null)
            {
                errors.Add("status", "One of draft, scheduled, published, unpublished.");
            }
        }

        var kindFilter = kind is null ? null : ItemInput.ParseKind(kind);
        if (kind is not null && kindFilter is null)
        {
            errors.Add("kind", $"One of {string.Join(", ", Enum.GetValues<ContentKind>().Select(ItemInput.KindName))}.");
        }

        if (!errors.IsValid)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        var found = await db.Sites.AsNoTracking().SingleOrDefaultAsync(s => s.Slug == site, ct);
        if (found is null)
        {
            return Problems.NotFound("Site", site!);
        }

        if (!CallerScope.Of(user).CanEdit(found))
        {
            return PortalAccess.NotEditor(found);
        }

        var query = db.Items.AsNoTracking().Where(i => i.SiteId == found.Id);
        if (statusFilter is { } s)
        {
            query = query.Where(i => i.Status == s);
        }

        if (kindFilter is { } k)
        {
            query = query.Where(i => i.Kind == k);
        }

        var total = await query.LongCountAsync(ct);
        var items = await query.OrderByDescending(i => i.UpdatedAt).ThenBy(i => i.Id).Skip(paging.Skip).Take(paging.PageSize)
            .Select(i => new ItemSummary(i.Id, found.Slug, ItemInput.KindName(i.Kind), i.Slug, i.Title, i.Summary, i.Region,
                i.Sector, i.Theme, i.PublishedAt, EditorItemResponse.StatusName(i.Status)))
            .ToListAsync(ct);
        return TypedResults.Ok(new PagedList<ItemSummary>(items, paging.Page, paging.PageSize, total));
    }

    public static async Task<Results<Ok<EditorItemResponse>, ProblemHttpResult>> GetAsync(Guid id, HttpContext http,
        ClaimsPrincipal user, PortalDbContext db, CancellationToken ct)
    {
        var (item, site) = await FindEditableAsync(db, id, user, tracked: false, ct);
        if (item is null)
        {
            return Problems.NotFound("Item", id);
        }

        http.Response.Headers.ETag = Preconditions.ETagOf(item.Version);
        return TypedResults.Ok(EditorItemResponse.From(item, site!));
    }

    public static async Task<Results<Ok<EditorItemResponse>, ValidationProblem, ProblemHttpResult>> UpdateAsync(Guid id,
        HttpRequest http, ClaimsPrincipal user, PortalDbContext db, Markdown markdown, PortalCache cache, Publication publication,
        TimeProvider time, CancellationToken ct)
    {
        var (item, site) = await FindEditableAsync(db, id, user, tracked: true, ct);
        if (item is null)
        {
            return Problems.NotFound("Item", id);
        }

        if (item.Kind == ContentKind.Guide)
        {
            return Problems.Conflict("A guide entry changes by a new version",
                "Propose a new version at /api/portal/guide/proposals; confederation staff review and publish it.");
        }

        var ifMatch = http.Headers.IfMatch.ToString();
        if (string.IsNullOrWhiteSpace(ifMatch))
        {
            return Preconditions.IfMatchRequired();
        }

        var (request, problem) = await JsonBody.ReadAsync<UpdateItemRequest>(http, ct);
        if (problem is not null)
        {
            return problem;
        }

        var r = request!;
        var errors = new ValidationErrors();
        var valid = ItemInput.Validate(new ItemRequest(r.Kind, r.Slug, r.Title, r.Summary, r.Body, r.Region, r.Sector, r.Theme,
            r.Sheet), errors, fixedKind: item.Kind);
        if (valid is null)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        if (valid.Slug is not null && valid.Slug != item.Slug
            && await db.Items.AnyAsync(i => i.SiteId == item.SiteId && i.Slug == valid.Slug, ct))
        {
            return JsonBody.Invalid("slug", $"The site already has an item '{valid.Slug}'.");
        }

        if (!Preconditions.Matches(ifMatch, item.Version))
        {
            return Preconditions.Stale("item", $"/api/portal/items/{id}");
        }

        var now = time.GetUtcNow();
        var (html, text) = markdown.Render(valid.Body);
        item.Slug = valid.Slug ?? item.Slug;
        item.Title = valid.Title;
        item.Summary = valid.Summary;
        item.BodyMarkdown = valid.Body;
        item.BodyHtml = html;
        item.BodyText = text;
        item.Region = valid.Region ?? site!.RegionalUnion;
        item.Sector = valid.Sector;
        item.Theme = valid.Theme;
        item.Sheet = valid.Sheet;
        item.UpdatedBy = user.Author();
        item.UpdatedAt = now;
        if (item.IsPublic)
        {
            await publication.PublishAsync(db, item, site!, now, ct); // its new words join the lexicon; no new feed entry
        }

        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Preconditions.Stale("item", $"/api/portal/items/{id}");
        }

        await cache.SiteChangedAsync(site!.Slug);
        http.HttpContext.Response.Headers.ETag = Preconditions.ETagOf(item.Version);
        return TypedResults.Ok(EditorItemResponse.From(item, site));
    }

    public static async Task<Results<Ok<EditorItemResponse>, ValidationProblem, ProblemHttpResult>> PublishAsync(Guid id,
        HttpRequest http, ClaimsPrincipal user, PortalDbContext db, PortalCache cache, Publication publication,
        TimeProvider time, CancellationToken ct)
    {
        var (item, site) = await FindEditableAsync(db, id, user, tracked: true, ct);
        if (item is null)
        {
            return Problems.NotFound("Item", id);
        }

        var (request, problem) = await JsonBody.ReadAsync<PublishItemRequest>(http, ct);
        if (problem is not null)
        {
            return problem;
        }

        if (item.Kind == ContentKind.Guide)
        {
            return Problems.Conflict("A guide entry is published through its review",
                "Confederation staff publish a reviewed version at /api/portal/guide/proposals/{id}/publish.");
        }

        if (site!.Closed)
        {
            return Problems.Conflict("The site is closed", $"The site '{site.Slug}' is closed: nothing more is published on it.");
        }

        var now = time.GetUtcNow();
        if (request?.At is { } requested && requested > now)
        {
            // PostgreSQL keeps microseconds: the timer carries the moment exactly as the row keeps it.
            var at = new DateTimeOffset(requested.UtcTicks - requested.UtcTicks % 10, TimeSpan.Zero);
            if (at > now.AddYears(2))
            {
                return JsonBody.Invalid("at", "Within two years.");
            }

            if (item.IsPublic)
            {
                return Problems.Conflict("Already published", "Unpublish the item first to schedule it again.");
            }

            item.Status = ContentStatus.Scheduled;
            item.PublishAt = at;
            // A durable timer: an outbox row the relay publishes at that moment, to this service; a restart loses nothing.
            db.AddIntegrationEvent(new ContentPublicationDue(Guid.CreateVersion7(now), now, item.Id, at), aggregateId: null,
                notBefore: at);
        }
        else
        {
            await publication.PublishAsync(db, item, site, now, ct);
        }

        item.UpdatedBy = user.Author();
        item.UpdatedAt = now;
        await db.SaveChangesAsync(ct);
        await cache.SiteChangedAsync(site.Slug);
        http.HttpContext.Response.Headers.ETag = Preconditions.ETagOf(item.Version);
        return TypedResults.Ok(EditorItemResponse.From(item, site));
    }

    public static async Task<Results<Ok<EditorItemResponse>, ProblemHttpResult>> UnpublishAsync(Guid id, HttpContext http,
        ClaimsPrincipal user, PortalDbContext db, PortalCache cache, TimeProvider time, CancellationToken ct)
    {
        var (item, site) = await FindEditableAsync(db, id, user, tracked: true, ct);
        if (item is null)
        {
            return Problems.NotFound("Item", id);
        }

        if (item.Status is not (ContentStatus.Published or ContentStatus.Scheduled))
        {
            return Problems.Conflict("Not published", "Only a published or scheduled item is unpublished.");
        }

        item.Status = item.Status == ContentStatus.Scheduled && item.PublishedAt is null ? ContentStatus.Draft : ContentStatus.Unpublished;
        item.PublishAt = null; // a pending timer finds nothing scheduled and does nothing
        item.UpdatedBy = user.Author();
        item.UpdatedAt = time.GetUtcNow();
        await db.SaveChangesAsync(ct);
        await cache.SiteChangedAsync(site!.Slug);
        http.Response.Headers.ETag = Preconditions.ETagOf(item.Version);
        return TypedResults.Ok(EditorItemResponse.From(item, site));
    }

    /// <summary>The item with its site when the caller edits that site; (null, null) otherwise: it does not exist for them.</summary>
    private static async Task<(ContentItem? Item, Site? Site)> FindEditableAsync(PortalDbContext db, Guid id, ClaimsPrincipal user,
        bool tracked, CancellationToken ct)
    {
        var items = tracked ? db.Items : db.Items.AsNoTracking();
        var item = await items.SingleOrDefaultAsync(i => i.Id == id, ct);
        if (item is null)
        {
            return (null, null);
        }

        var site = await db.Sites.AsNoTracking().SingleAsync(s => s.Id == item.SiteId, ct);
        return CallerScope.Of(user).CanEdit(site) ? (item, site) : (null, null);
    }

    /// <summary>The slug itself if free on the site, else the slug with the first free number: "assemblee-2", "assemblee-3"…</summary>
    public static async Task<string> FreeSlugAsync(PortalDbContext db, Guid siteId, string slug, CancellationToken ct)
    {
        var taken = await db.Items.Where(i => i.SiteId == siteId && (i.Slug == slug || i.Slug.StartsWith(slug + "-")))
            .Select(i => i.Slug).ToListAsync(ct);
        if (!taken.Contains(slug))
        {
            return slug;
        }

        for (var n = 2; ; n++)
        {
            if (!taken.Contains($"{slug}-{n}"))
            {
                return $"{slug}-{n}";
            }
        }
    }
}
