using System.Security.Claims;
using System.Security;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Scop.Aspire.Portal.Data;
using Scop.Aspire.Portal.Domain;
using Scop.Aspire.Portal.Features.Caching;
using Scop.Aspire.Portal.Features.Content;
using Scop.Aspire.ServiceDefaults.Http;
using Scop.Aspire.ServiceDefaults.Security;

namespace Scop.Aspire.Portal.Features.Sites;

public sealed record SiteSummary(string Slug, string Kind, string Name, string? RegionalUnion, string? CommuneCode, string? NafCode);

public sealed record SiteResponse(string Slug, string Kind, string Name, string? RegionalUnion, string? CommuneCode,
    string? NafCode, IReadOnlyList<MenuEntry> Menu, IReadOnlyList<SiteSummary> Links, bool Closed);

/// <summary>A site as its editors read it before a change: with its ETag.</summary>
public sealed record EditorSiteResponse(string Slug, string Kind, string Name, IReadOnlyList<MenuEntry> Menu,
    IReadOnlyList<string> Links, bool Closed, string ETag);

/// <summary>
/// The sites: public reads (<c>GET /api/portal/sites</c>, <c>/sites/{slug}</c>, its published items, one item, its
/// <c>sitemap.xml</c>), all from the page cache; staff open partner and federation sites; a site's editors change its
/// menu and links (If-Match); staff close and reopen a site.
/// </summary>
public static class Sites
{
    public sealed record CreateSiteRequest(string? Kind, string? Name, string? Slug);

    public sealed record UpdateSiteRequest(IReadOnlyList<MenuEntryInput>? Menu, IReadOnlyList<string>? Links);

    public sealed record MenuEntryInput(string? Label, string? Page);

    public static string KindName(SiteKind kind) => kind switch
    {
        SiteKind.Confederation => "confederation",
        SiteKind.RegionalUnion => "regional-union",
        SiteKind.Federation => "federation",
        SiteKind.Cooperative => "cooperative",
        SiteKind.Partner => "partner",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    public static RouteGroupBuilder MapSites(this RouteGroupBuilder group)
    {
        // Public: what the portal publishes is for everyone (the gateway lists these routes as anonymous).
        group.MapGet("/sites", ListAsync).WithName("ListSites").WithSummary("The open sites, by kind and regional union")
            .Produces<PagedList<SiteSummary>>().AllowAnonymous();
        group.MapGet("/sites/{slug}", GetAsync).WithName("GetSite").WithSummary("A site: its menu and links")
            .Produces<SiteResponse>().ProducesProblem(404).AllowAnonymous();
        group.MapGet("/sites/{slug}/items", ListItemsAsync).WithName("ListPublishedItems")
            .WithSummary("A site's published items, newest first").Produces<PagedList<ItemSummary>>().ProducesProblem(404).AllowAnonymous();
        group.MapGet("/sites/{slug}/items/{itemSlug}", GetItemAsync).WithName("GetPublishedItem")
            .WithSummary("A published item, its HTML sanitised").Produces<PublicItemResponse>().ProducesProblem(404).AllowAnonymous();
        group.MapGet("/sites/{slug}/sitemap.xml", SitemapAsync).WithName("GetSitemap")
            .WithSummary("The site's sitemap (sitemaps.org)").Produces<string>(200, "application/xml").ProducesProblem(404).AllowAnonymous();

        group.MapPost("/sites", CreateAsync).WithName("CreateSite").WithSummary("Open a partner's or a trade federation's site")
            .Accepts<CreateSiteRequest>("application/json").RequireAuthorization(PlatformPolicies.Staff)
            .WithIdempotency<PortalDbContext>();
        group.MapGet("/me/sites", MineAsync).WithName("ListMySites")
            .WithSummary("The sites I edit (every site for confederation and federation staff), by kind").Produces<PagedList<SiteSummary>>()
            .RequireAuthorization(PlatformPolicies.Person);
        group.MapGet("/sites/{slug}/edit", GetForEditAsync).WithName("GetSiteForEditors")
            .WithSummary("A site with its ETag, for its editors").RequireAuthorization(PlatformPolicies.Person);
        group.MapPut("/sites/{slug}", UpdateAsync).WithName("UpdateSite").WithSummary("Change a site's menu and links (If-Match required)")
            .Accepts<UpdateSiteRequest>("application/json")
            .WithHeader("If-Match", required: true, maxLength: 200, "The ETag of the version read (GET …/edit), or *.")
            .RequireAuthorization(PlatformPolicies.Person);
        group.MapPost("/sites/{slug}/close", (string slug, PortalDbContext db, PortalCache cache, CancellationToken ct) =>
                SetClosedAsync(slug, true, db, cache, ct))
            .WithName("CloseSite").WithSummary("Close a site: nothing of it stays public").RequireAuthorization(PlatformPolicies.Staff);
        group.MapPost("/sites/{slug}/reopen", (string slug, PortalDbContext db, PortalCache cache, CancellationToken ct) =>
                SetClosedAsync(slug, false, db, cache, ct))
            .WithName("ReopenSite").WithSummary("Reopen a closed site").RequireAuthorization(PlatformPolicies.Staff);
        return group;
    }

    public static Task<IResult> ListAsync(HttpContext http, PortalDbContext db, PortalCache cache, CancellationToken ct,
        string? kind = null, string? regionalUnion = null, int? page = null, int? pageSize = null) =>
        cache.ServeAsync(http, PortalCache.AllSites, async () =>
        {
            var open = db.Sites.AsNoTracking().Where(s => !s.Closed);
            if (regionalUnion is not null)
            {
                open = open.Where(s => s.RegionalUnion == regionalUnion);
            }

            return (await PageOfAsync(open, kind, page, pageSize, ct)).Result;
        });

    /// <summary>
    /// The sites the caller edits (<see cref="PortalAccess.CanEdit"/>): a manager's cooperative's, a delegate's union's,
    /// every site for staff; closed ones too, for staff reopen them. Never cached: it is the caller's own.
    /// </summary>
    public static Task<Results<Ok<PagedList<SiteSummary>>, ValidationProblem>> MineAsync(ClaimsPrincipal user, PortalDbContext db,
        CancellationToken ct, string? kind = null, int? page = null, int? pageSize = null)
    {
        var scope = CallerScope.Of(user);
        var cooperatives = scope.Cooperatives.ToList();
        var unions = scope.RegionalUnions.ToList();
        var sites = db.Sites.AsNoTracking();
        if (!scope.Nationwide)
        {
            sites = sites.Where(s => (s.Kind == SiteKind.Cooperative && s.CooperativeId != null && cooperatives.Contains(s.CooperativeId.Value))
                                     || (s.Kind == SiteKind.RegionalUnion && s.RegionalUnion != null && unions.Contains(s.RegionalUnion)));
        }

        return PageOfAsync(sites, kind, page, pageSize, ct);
    }

    /// <summary>A page of <paramref name="sites"/> of one kind or all, by kind then name.</summary>
    private static async Task<Results<Ok<PagedList<SiteSummary>>, ValidationProblem>> PageOfAsync(IQueryable<Site> sites, string? kind,
        int? page, int? pageSize, CancellationToken ct)
    {
        var (paging, problem) = PageRequest.From(page, pageSize);
        if (problem is not null)
        {
            return problem;
        }

        var kindFilter = kind is null ? null : Enum.GetValues<SiteKind>().Cast<SiteKind?>().FirstOrDefault(k => KindName(k!.Value) == kind);
        if (kind is not null && kindFilter is null)
        {
            return JsonBody.Invalid("kind", $"One of {string.Join(", ", Enum.GetValues<SiteKind>().Select(KindName))}.");
        }

        if (kindFilter is { } k)
        {
            sites = sites.Where(s => s.Kind == k);
        }

        var total = await sites.LongCountAsync(ct);
        var found = await sites.OrderBy(s => s.Kind).ThenBy(s => s.Name).ThenBy(s => s.Slug).Skip(paging.Skip).Take(paging.PageSize)
            .ToListAsync(ct);
        return TypedResults.Ok(new PagedList<SiteSummary>(found.Select(Summary).ToList(), paging.Page, paging.PageSize, total));
    }

    public static Task<IResult> GetAsync(string slug, HttpContext http, PortalDbContext db, PortalCache cache, CancellationToken ct) =>
        cache.ServeAsync(http, slug, async () =>
        {
            var site = await db.Sites.AsNoTracking().SingleOrDefaultAsync(s => s.Slug == slug && !s.Closed, ct);
            if (site is null)
            {
                return Problems.NotFound("Site", slug);
            }

            var links = await db.Sites.AsNoTracking().Where(s => site.Links.Contains(s.Slug) && !s.Closed).ToListAsync(ct);
            var publishedPages = await db.Items.AsNoTracking()
                .Where(i => i.SiteId == site.Id && i.Status == ContentStatus.Published).Select(i => i.Slug).ToListAsync(ct);
            return TypedResults.Ok(new SiteResponse(site.Slug, KindName(site.Kind), site.Name, site.RegionalUnion, site.CommuneCode,
                site.NafCode, site.Menu.Where(m => publishedPages.Contains(m.Page)).ToList(),
                site.Links.Select(l => links.FirstOrDefault(s => s.Slug == l)).OfType<Site>().Select(Summary).ToList(), site.Closed));
        });

    public static Task<IResult> ListItemsAsync(string slug, HttpContext http, PortalDbContext db, PortalCache cache,
        CancellationToken ct, string? kind = null, int? page = null, int? pageSize = null) =>
        cache.ServeAsync(http, slug, async () =>
        {
            var (paging, problem) = PageRequest.From(page, pageSize);
            if (problem is not null)
            {
                return problem;
            }

            var kindFilter = kind is null ? null : ItemInput.ParseKind(kind);
            if (kind is not null && kindFilter is null)
            {
                return JsonBody.Invalid("kind", $"One of {string.Join(", ", Enum.GetValues<ContentKind>().Select(ItemInput.KindName))}.");
            }

            var site = await db.Sites.AsNoTracking().SingleOrDefaultAsync(s => s.Slug == slug && !s.Closed, ct);
            if (site is null)
            {
                return Problems.NotFound("Site", slug);
            }

            var query = db.Items.AsNoTracking().Where(i => i.SiteId == site.Id && i.Status == ContentStatus.Published);
            if (kindFilter is { } k)
            {
                query = query.Where(i => i.Kind == k);
            }

            var total = await query.LongCountAsync(ct);
            var items = await query.OrderByDescending(i => i.PublishedAt).ThenBy(i => i.Id).Skip(paging.Skip).Take(paging.PageSize)
                .Select(i => new ItemSummary(i.Id, site.Slug, ItemInput.KindName(i.Kind), i.Slug, i.Title, i.Summary, i.Region,
                    i.Sector, i.Theme, i.PublishedAt, "published"))
                .ToListAsync(ct);
            return TypedResults.Ok(new PagedList<ItemSummary>(items, paging.Page, paging.PageSize, total));
        });

    public static Task<IResult> GetItemAsync(string slug, string itemSlug, HttpContext http, PortalDbContext db,
        PortalCache cache, CancellationToken ct) =>
        cache.ServeAsync(http, slug, async () =>
        {
            var item = await (
                    from i in db.Items.AsNoTracking()
                    join s in db.Sites on i.SiteId equals s.Id
                    where s.Slug == slug && !s.Closed && i.Slug == itemSlug && i.Status == ContentStatus.Published
                    select i)
                .SingleOrDefaultAsync(ct);
            return item is null ? Problems.NotFound("Item", $"{slug}/{itemSlug}") : TypedResults.Ok(PublicItemResponse.From(item, slug));
        });

    public static Task<IResult> SitemapAsync(string slug, HttpContext http, PortalDbContext db, PortalCache cache,
        IOptions<PortalOptions> options, CancellationToken ct) =>
        cache.ServeAsync(http, slug, async () =>
        {
            var site = await db.Sites.AsNoTracking().SingleOrDefaultAsync(s => s.Slug == slug && !s.Closed, ct);
            if (site is null)
            {
                return Problems.NotFound("Site", slug);
            }

            // The public address of the portal's pages (the web front-end's), where readers and crawlers go.
            var origin = options.Value.PublicOrigin.TrimEnd('/');
            var items = await db.Items.AsNoTracking().Where(i => i.SiteId == site.Id && i.Status == ContentStatus.Published)
                .OrderByDescending(i => i.PublishedAt).Take(50_000) // the protocol's limit per file
                .Select(i => new { i.Slug, i.UpdatedAt }).ToListAsync(ct);
            var xml = new StringBuilder("""<?xml version="1.0" encoding="UTF-8"?>""").Append('\n')
                .Append("""<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">""").Append('\n')
                .Append($"  <url><loc>{SecurityElement.Escape($"{origin}/sites/{site.Slug}")}</loc></url>\n");
            foreach (var item in items)
            {
                xml.Append($"  <url><loc>{SecurityElement.Escape($"{origin}/sites/{site.Slug}/{item.Slug}")}</loc>")
                    .Append($"<lastmod>{item.UpdatedAt.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}</lastmod></url>\n");
            }

            xml.Append("</urlset>\n");
            return TypedResults.Ok(new RawBody(xml.ToString(), "application/xml; charset=utf-8"));
        });

    public static async Task<Results<Created<SiteResponse>, ValidationProblem, ProblemHttpResult>> CreateAsync(HttpRequest http,
        PortalDbContext db, PortalCache cache, TimeProvider time, CancellationToken ct)
    {
        var (request, problem) = await JsonBody.ReadAsync<CreateSiteRequest>(http, ct);
        if (problem is not null)
        {
            return problem;
        }

        var errors = new ValidationErrors();
        SiteKind? kind = request!.Kind switch { "partner" => SiteKind.Partner, "federation" => SiteKind.Federation, _ => null };
        if (kind is null)
        {
            errors.Add("kind", "partner or federation (cooperatives' and unions' sites come from the register).");
        }

        var name = errors.RequireText("name", request.Name, Site.MaxNameLength);
        var slug = request.Slug?.Trim();
        if (string.IsNullOrEmpty(slug))
        {
            slug = Site.Slugify(name);
        }
        else if (!Site.IsSlug(slug))
        {
            errors.Add("slug", $"Lower-case letters, digits and single dashes, at most {Site.MaxSlugLength} characters.");
        }

        if (!errors.IsValid)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        if (await db.Sites.AnyAsync(s => s.Slug == slug, ct))
        {
            return Problems.Conflict("Slug taken", $"A site is already named '{slug}'.");
        }

        var now = time.GetUtcNow();
        var site = new Site { Id = Guid.CreateVersion7(now), Slug = slug, Kind = kind!.Value, Name = name, CreatedAt = now };
        db.Sites.Add(site);
        await db.SaveChangesAsync(ct);
        await cache.SiteChangedAsync(slug);
        return TypedResults.Created($"/api/portal/sites/{slug}",
            new SiteResponse(slug, KindName(site.Kind), name, null, null, null, [], [], false));
    }

    public static async Task<Results<Ok<EditorSiteResponse>, ProblemHttpResult>> GetForEditAsync(string slug, HttpContext http,
        ClaimsPrincipal user, PortalDbContext db, CancellationToken ct)
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

        http.Response.Headers.ETag = Preconditions.ETagOf(site.Version);
        return TypedResults.Ok(Editor(site));
    }

    public static async Task<Results<Ok<EditorSiteResponse>, ValidationProblem, ProblemHttpResult>> UpdateAsync(string slug,
        HttpRequest http, ClaimsPrincipal user, PortalDbContext db, PortalCache cache, CancellationToken ct)
    {
        var site = await db.Sites.SingleOrDefaultAsync(s => s.Slug == slug, ct);
        if (site is null)
        {
            return Problems.NotFound("Site", slug);
        }

        if (!CallerScope.Of(user).CanEdit(site))
        {
            return PortalAccess.NotEditor(site);
        }

        var ifMatch = http.Headers.IfMatch.ToString();
        if (string.IsNullOrWhiteSpace(ifMatch))
        {
            return Preconditions.IfMatchRequired();
        }

        var (request, problem) = await JsonBody.ReadAsync<UpdateSiteRequest>(http, ct);
        if (problem is not null)
        {
            return problem;
        }

        var errors = new ValidationErrors();
        var menu = new List<MenuEntry>();
        var entries = request!.Menu ?? [];
        if (entries.Count > Site.MaxMenuEntries)
        {
            errors.Add("menu", $"At most {Site.MaxMenuEntries} entries.");
        }

        for (var i = 0; i < Math.Min(entries.Count, Site.MaxMenuEntries); i++)
        {
            var label = errors.RequireText($"menu[{i}].label", entries[i]?.Label, 100);
            var page = entries[i]?.Page?.Trim() ?? "";
            if (!Site.IsSlug(page) || page.Length > ContentItem.MaxSlugLength)
            {
                errors.Add($"menu[{i}].page", "The slug of one of the site's items.");
            }

            menu.Add(new MenuEntry(label, page));
        }

        var links = (request.Links ?? []).Select(l => l?.Trim() ?? "").Distinct().ToList();
        if (links.Count > Site.MaxLinks)
        {
            errors.Add("links", $"At most {Site.MaxLinks} sites.");
        }
        else if (links.Any(l => !Site.IsSlug(l)))
        {
            errors.Add("links", "Slugs of sites.");
        }
        else if (links.Count > 0)
        {
            var known = await db.Sites.CountAsync(s => links.Contains(s.Slug) && s.Slug != slug, ct);
            if (known != links.Count)
            {
                errors.Add("links", "Every link names another site of the portal.");
            }
        }

        if (!errors.IsValid)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        if (!Preconditions.Matches(ifMatch, site.Version))
        {
            return Preconditions.Stale("site", $"/api/portal/sites/{slug}/edit");
        }

        site.Menu = menu;
        site.Links = links;
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Preconditions.Stale("site", $"/api/portal/sites/{slug}/edit");
        }

        await cache.SiteChangedAsync(slug);
        http.HttpContext.Response.Headers.ETag = Preconditions.ETagOf(site.Version);
        return TypedResults.Ok(Editor(site));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> SetClosedAsync(string slug, bool closed, PortalDbContext db,
        PortalCache cache, CancellationToken ct)
    {
        var changed = await db.Sites.Where(s => s.Slug == slug).ExecuteUpdateAsync(s => s.SetProperty(x => x.Closed, closed), ct);
        if (changed == 0)
        {
            return Problems.NotFound("Site", slug);
        }

        await cache.SiteChangedAsync(slug);
        return TypedResults.NoContent();
    }

    public static SiteSummary Summary(Site s) => new(s.Slug, KindName(s.Kind), s.Name, s.RegionalUnion, s.CommuneCode, s.NafCode);

    private static EditorSiteResponse Editor(Site s) => new(s.Slug, KindName(s.Kind), s.Name, s.Menu, s.Links, s.Closed, Preconditions.ETagOf(s.Version));
}
