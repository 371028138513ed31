using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Scop.Aspire.Portal.Data;
using Scop.Aspire.Portal.Domain;
using Scop.Aspire.Portal.Features.Caching;
using Scop.Aspire.Portal.Features.Content;
using Scop.Aspire.ServiceDefaults.Http;
using Scop.Aspire.ServiceDefaults.Security;

namespace Scop.Aspire.Portal.Features.Guide;

public sealed record ProposalResponse(Guid Id, string? Entry, int? Number, string Title, string? Summary, string Body,
    string Html, string? Theme, string State, DateTimeOffset ProposedAt, string? ReviewNote, DateTimeOffset? ReviewedAt,
    DateTimeOffset? PublishedAt);

public sealed record GuideVersionSummary(int Number, string Title, DateTimeOffset PublishedAt, bool Current);

public sealed record GuideVersionResponse(string Entry, int Number, string Title, string? Summary, string Html, string? Theme,
    DateTimeOffset PublishedAt, bool Current);

/// <summary>
/// The good-practice guide (the seed's line 11): anyone signed in proposes an entry or a new version of one
/// (<c>POST /api/portal/guide/proposals</c>); confederation staff review it (<c>…/review</c>: accepted or rejected, with
/// a note) and publish what they accepted (<c>…/publish</c>), which makes it the entry's current version on the national
/// site. Every published version stays readable (<c>GET /api/portal/guide/{entry}/versions/{number}</c>), the current
/// one marked.
/// </summary>
public static class GuideEndpoints
{
    public sealed record ProposeGuideVersionRequest(string? Entry, string? Title, string? Summary, string? Body, string? Theme);

    public sealed record ReviewProposalRequest(bool? Accept, string? Note);

    public static RouteGroupBuilder MapGuide(this RouteGroupBuilder group)
    {
        group.MapPost("/guide/proposals", ProposeAsync).WithName("ProposeGuideVersion")
            .WithSummary("Propose a guide entry, or a new version of one (entry)").Accepts<ProposeGuideVersionRequest>("application/json")
            .RequireAuthorization(PlatformPolicies.Person).WithIdempotency<PortalDbContext>();
        group.MapGet("/guide/proposals", ListProposalsAsync).WithName("ListGuideProposals")
            .WithSummary("Proposals: every one for staff, one's own for others").RequireAuthorization(PlatformPolicies.Person);
        group.MapGet("/guide/proposals/{id:guid}", GetProposalAsync).WithName("GetGuideProposal")
            .WithSummary("A proposal: staff, or its proposer").RequireAuthorization(PlatformPolicies.Person);
        group.MapPost("/guide/proposals/{id:guid}/review", ReviewAsync).WithName("ReviewGuideProposal")
            .WithSummary("Accept or reject a proposal, with a note").Accepts<ReviewProposalRequest>("application/json")
            .RequireAuthorization(PlatformPolicies.Staff);
        group.MapPost("/guide/proposals/{id:guid}/publish", PublishAsync).WithName("PublishGuideProposal")
            .WithSummary("Publish an accepted proposal as the entry's current version").RequireAuthorization(PlatformPolicies.Staff);

        group.MapGet("/guide/{entry}/versions", ListVersionsAsync).WithName("ListGuideVersions")
            .WithSummary("An entry's published versions, the current one marked").Produces<List<GuideVersionSummary>>().ProducesProblem(404)
            .AllowAnonymous();
        group.MapGet("/guide/{entry}/versions/{number:int}", GetVersionAsync).WithName("GetGuideVersion")
            .WithSummary("One published version of an entry").Produces<GuideVersionResponse>().ProducesProblem(404).AllowAnonymous();
        return group;
    }

    public static async Task<Results<Created<ProposalResponse>, ValidationProblem, ProblemHttpResult>> ProposeAsync(
        HttpRequest http, ClaimsPrincipal user, PortalDbContext db, Markdown markdown, TimeProvider time, CancellationToken ct)
    {
        var (request, problem) = await JsonBody.ReadAsync<ProposeGuideVersionRequest>(http, ct);
        if (problem is not null)
        {
            return problem;
        }

        var r = request!;
        var errors = new ValidationErrors();
        var valid = ItemInput.Validate(new ItemRequest(null, null, r.Title, r.Summary, r.Body, null, null, r.Theme, null), errors,
            fixedKind: ContentKind.Guide);
        Guid? itemId = null;
        if (!string.IsNullOrWhiteSpace(r.Entry))
        {
            itemId = await GuideItems(db).Where(i => i.Slug == r.Entry.Trim()).Select(i => (Guid?)i.Id).SingleOrDefaultAsync(ct);
            if (itemId is null)
            {
                errors.Add("entry", "No entry of the guide has this slug (leave it out to propose a new entry).");
            }
        }

        if (valid is null || !errors.IsValid)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        var now = time.GetUtcNow();
        var (html, text) = markdown.Render(valid.Body);
        var version = new GuideVersion
        {
            Id = Guid.CreateVersion7(now),
            ItemId = itemId,
            Title = valid.Title,
            Summary = valid.Summary,
            BodyMarkdown = valid.Body,
            BodyHtml = html,
            BodyText = text,
            Theme = valid.Theme,
            State = GuideVersionState.Proposed,
            ProposedBy = user.Author(),
            ProposedByPerson = CallerScope.Of(user).Person,
            ProposedAt = now,
        };
        db.GuideVersions.Add(version);
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/portal/guide/proposals/{version.Id}", await ResponseAsync(db, version, ct));
    }

    public static async Task<Results<Ok<PagedList<ProposalResponse>>, ValidationProblem>> ListProposalsAsync(ClaimsPrincipal user,
        PortalDbContext db, CancellationToken ct, string? state = null, int? page = null, int? pageSize = null)
    {
        var (paging, problem) = PageRequest.From(page, pageSize);
        if (problem is not null)
        {
            return problem;
        }

        GuideVersionState? stateFilter = null;
        if (state is not null)
        {
            stateFilter = Enum.GetValues<GuideVersionState>().Cast<GuideVersionState?>()
                .FirstOrDefault(s => s.ToString()!.Equals(state, StringComparison.OrdinalIgnoreCase));
            if (stateFilter is null)
            {
                return JsonBody.Invalid("state", "One of proposed, accepted, rejected, published.");
            }
        }

        var query = db.GuideVersions.AsNoTracking();
        var scope = CallerScope.Of(user);
        if (!scope.Nationwide)
        {
            var author = user.Author();
            var person = scope.Person ?? Guid.Empty; // Guid.Empty is nobody's id
            query = query.Where(v => v.ProposedBy == author || v.ProposedByPerson == person);
        }

        if (stateFilter is { } s)
        {
            query = query.Where(v => v.State == s);
        }

        var total = await query.LongCountAsync(ct);
        var versions = await query.OrderBy(v => v.ProposedAt).ThenBy(v => v.Id).Skip(paging.Skip).Take(paging.PageSize).ToListAsync(ct);
        var slugs = await SlugsAsync(db, versions, ct);
        return TypedResults.Ok(new PagedList<ProposalResponse>(
            versions.Select(v => Response(v, v.ItemId is { } id ? slugs[id] : null)).ToList(), paging.Page, paging.PageSize, total));
    }

    public static async Task<Results<Ok<ProposalResponse>, ProblemHttpResult>> GetProposalAsync(Guid id, ClaimsPrincipal user,
        PortalDbContext db, CancellationToken ct)
    {
        var version = await db.GuideVersions.AsNoTracking().SingleOrDefaultAsync(v => v.Id == id, ct);
        var scope = CallerScope.Of(user);
        if (version is null || !(scope.Nationwide || version.ProposedBy == user.Author() || scope.Is(version.ProposedByPerson)))
        {
            return Problems.NotFound("Proposal", id);
        }

        return TypedResults.Ok(await ResponseAsync(db, version, ct));
    }

    public static async Task<Results<Ok<ProposalResponse>, ValidationProblem, ProblemHttpResult>> ReviewAsync(Guid id,
        HttpRequest http, ClaimsPrincipal user, PortalDbContext db, TimeProvider time, CancellationToken ct)
    {
        var version = await db.GuideVersions.SingleOrDefaultAsync(v => v.Id == id, ct);
        if (version is null)
        {
            return Problems.NotFound("Proposal", id);
        }

        var (request, problem) = await JsonBody.ReadAsync<ReviewProposalRequest>(http, ct);
        if (problem is not null)
        {
            return problem;
        }

        var errors = new ValidationErrors();
        if (request!.Accept is null)
        {
            errors.Add("accept", "true to accept the proposal, false to reject it.");
        }

        var note = request.Note?.Trim();
        if (note?.Length > 2_000)
        {
            errors.Add("note", "At most 2000 characters.");
        }
        else if (request.Accept == false && string.IsNullOrEmpty(note))
        {
            errors.Add("note", "A rejection says why.");
        }

        if (!errors.IsValid)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        if (version.State != GuideVersionState.Proposed)
        {
            return Problems.Conflict("Already reviewed", $"The proposal is {version.State.ToString().ToLowerInvariant()}: only a proposed version is reviewed.");
        }

        version.State = request.Accept!.Value ? GuideVersionState.Accepted : GuideVersionState.Rejected;
        version.ReviewNote = string.IsNullOrEmpty(note) ? null : note;
        version.ReviewedBy = user.Author();
        version.ReviewedAt = time.GetUtcNow();
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Problems.Conflict("Already reviewed", "Another reviewer decided on this proposal first.");
        }

        return TypedResults.Ok(await ResponseAsync(db, version, ct));
    }

    public static async Task<Results<Ok<ProposalResponse>, ProblemHttpResult>> PublishAsync(Guid id, ClaimsPrincipal user,
        PortalDbContext db, Publication publication, PortalCache cache, TimeProvider time, CancellationToken ct)
    {
        var version = await db.GuideVersions.SingleOrDefaultAsync(v => v.Id == id, ct);
        if (version is null)
        {
            return Problems.NotFound("Proposal", id);
        }

        if (version.State != GuideVersionState.Accepted)
        {
            return Problems.Conflict("Not accepted", $"The proposal is {version.State.ToString().ToLowerInvariant()}: only an accepted proposal is published.");
        }

        var site = await db.Sites.AsNoTracking().SingleAsync(s => s.Slug == Site.ConfederationSlug, ct);
        var now = time.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        ContentItem item;
        if (version.ItemId is { } itemId)
        {
            // Versions of one entry are numbered in turn: the entry's row is locked while the number is taken.
            item = await db.Items.FromSql($"SELECT *, xmin FROM items WHERE id = {itemId} FOR UPDATE").SingleAsync(ct);
        }
        else
        {
            item = new ContentItem
            {
                Id = Guid.CreateVersion7(now),
                SiteId = site.Id,
                Kind = ContentKind.Guide,
                Slug = await Items.FreeSlugAsync(db, site.Id, Site.Slugify(version.Title, 100), ct),
                Title = version.Title,
                BodyMarkdown = "",
                BodyHtml = "",
                BodyText = "",
                UpdatedBy = user.Author(),
                CreatedAt = now,
            };
            db.Items.Add(item);
            version.ItemId = item.Id;
        }

        var number = (await db.GuideVersions.Where(v => v.ItemId == item.Id && v.Number != null).MaxAsync(v => v.Number, ct) ?? 0) + 1;
        version.Number = number;
        version.State = GuideVersionState.Published;
        version.PublishedBy = user.Author();
        version.PublishedAt = now;
        item.Title = version.Title;
        item.Summary = version.Summary;
        item.BodyMarkdown = version.BodyMarkdown;
        item.BodyHtml = version.BodyHtml;
        item.BodyText = version.BodyText;
        item.Theme = version.Theme;
        item.CurrentVersion = number;
        item.UpdatedBy = user.Author();
        item.UpdatedAt = now;
        await publication.PublishAsync(db, item, site, now, ct);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Problems.Conflict("Already published", "Another publication of this proposal came first.");
        }

        await transaction.CommitAsync(ct);
        await cache.SiteChangedAsync(site.Slug);
        return TypedResults.Ok(Response(version, item.Slug));
    }

    public static Task<IResult> ListVersionsAsync(string entry, HttpContext http, PortalDbContext db, PortalCache cache,
        CancellationToken ct) =>
        cache.ServeAsync(http, Site.ConfederationSlug, async () =>
        {
            var item = await GuideItems(db).Where(i => i.Slug == entry && i.Status == ContentStatus.Published).SingleOrDefaultAsync(ct);
            if (item is null)
            {
                return Problems.NotFound("Guide entry", entry);
            }

            var versions = await db.GuideVersions.AsNoTracking().Where(v => v.ItemId == item.Id && v.Number != null)
                .OrderByDescending(v => v.Number).Take(1_000)
                .Select(v => new GuideVersionSummary(v.Number!.Value, v.Title, v.PublishedAt!.Value, v.Number == item.CurrentVersion))
                .ToListAsync(ct);
            return TypedResults.Ok(versions);
        });

    public static Task<IResult> GetVersionAsync(string entry, int number, HttpContext http, PortalDbContext db, PortalCache cache,
        CancellationToken ct) =>
        cache.ServeAsync(http, Site.ConfederationSlug, async () =>
        {
            var item = await GuideItems(db).Where(i => i.Slug == entry && i.Status == ContentStatus.Published).SingleOrDefaultAsync(ct);
            var version = item is null
                ? null
                : await db.GuideVersions.AsNoTracking().SingleOrDefaultAsync(v => v.ItemId == item.Id && v.Number == number, ct);
            return version is null
                ? Problems.NotFound("Guide version", $"{entry}/{number}")
                : TypedResults.Ok(new GuideVersionResponse(entry, number, version.Title, version.Summary, version.BodyHtml,
                    version.Theme, version.PublishedAt!.Value, number == item!.CurrentVersion));
        });

    private static IQueryable<ContentItem> GuideItems(PortalDbContext db) =>
        from i in db.Items.AsNoTracking()
        join s in db.Sites on i.SiteId equals s.Id
        where s.Slug == Site.ConfederationSlug && i.Kind == ContentKind.Guide
        select i;

    private static async Task<ProposalResponse> ResponseAsync(PortalDbContext db, GuideVersion v, CancellationToken ct) =>
        Response(v, v.ItemId is { } id ? await db.Items.Where(i => i.Id == id).Select(i => i.Slug).SingleAsync(ct) : null);

    private static async Task<Dictionary<Guid, string>> SlugsAsync(PortalDbContext db, List<GuideVersion> versions, CancellationToken ct)
    {
        var ids = versions.Where(v => v.ItemId is not null).Select(v => v.ItemId!.Value).Distinct().ToList();
        return await db.Items.Where(i => ids.Contains(i.Id)).ToDictionaryAsync(i => i.Id, i => i.Slug, ct);
    }

    private static ProposalResponse Response(GuideVersion v, string? entry) => new(v.Id, entry, v.Number, v.Title, v.Summary,
        v.BodyMarkdown, v.BodyHtml, v.Theme, v.State.ToString().ToLowerInvariant(), v.ProposedAt, v.ReviewNote, v.ReviewedAt,
        v.PublishedAt);
}
