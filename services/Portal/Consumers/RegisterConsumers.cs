using System.Diagnostics;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Scop.Aspire.Contracts.Membership;
using Scop.Aspire.Portal.Data;
using Scop.Aspire.Portal.Domain;
using Scop.Aspire.Portal.Features.Caching;
using Scop.Aspire.Portal.Features.Targets;
using Scop.Aspire.ServiceDefaults.Messaging;

namespace Scop.Aspire.Portal.Consumers;

/// <summary>
/// A cooperative joined: it gets its site (named and placed as the register says, edited by its manager), its regional
/// union gets one if it had none, and the watch feed says so — once, whatever the redeliveries.
/// </summary>
public sealed class CooperativeJoinedConsumer(PortalDbContext db, TimeProvider time, PortalCache cache)
    : InboxBatchConsumer<CooperativeJoined, PortalDbContext>(db, time)
{
    private readonly HashSet<string> changedSites = [];

    /// <summary>
    /// A batch of cooperatives that just joined, in a handful of statements instead of six per cooperative: the unions'
    /// sites, the cooperatives' locks, their sites if any, the slugs taken, the congress count; then the new sites and
    /// feed entries saved together. A cooperative that has a site already (a fact about it came first), or that the
    /// batch names twice, goes the one-at-a-time way.
    /// </summary>
    protected override async Task ApplyAsync(IReadOnlyList<ConsumeContext<CooperativeJoined>> fresh, CancellationToken ct)
    {
        if (fresh.Count == 1 || fresh.DistinctBy(m => m.Message.CooperativeId).Count() < fresh.Count)
        {
            await ApplyEachAsync(fresh, ct);
            return;
        }

        var now = Time.GetUtcNow();
        var joined = fresh.Select(m => m.Message).ToList();
        await CooperativeSites.EnsureUnionSitesAsync(Db, joined.Select(j => j.RegionalUnion), now, ct);
        var withSite = await CooperativeSites.LockAsync(Db, joined.Select(j => j.CooperativeId).ToList(), ct);
        var newcomers = joined.Where(j => !withSite.Contains(j.CooperativeId)).ToList();
        var slugs = await CooperativeSites.FreeSlugsAsync(Db, newcomers.Select(j => (j.CooperativeId, j.Name)), ct);
        await TargetFacts.CountAsync(Db, CongressTargets.MemberCooperatives,
            [.. newcomers.Select(j => new TargetFacts.Fact(j.CooperativeId, j.OccurredAt.Year, j.RegionalUnion, j.OccurredAt))], ct);

        var known = new List<ConsumeContext<CooperativeJoined>>();
        var sites = new List<Site>(newcomers.Count);
        var entries = new List<FeedItem>(newcomers.Count);
        foreach (var message in fresh)
        {
            var cooperative = message.Message;
            if (withSite.Contains(cooperative.CooperativeId))
            {
                known.Add(message);
                continue;
            }

            var site = CooperativeSites.New(cooperative.CooperativeId, slugs[cooperative.CooperativeId], cooperative.Name, now);
            CooperativeSites.State(site, cooperative.Name, cooperative.CommuneCode, cooperative.NafCode, cooperative.RegionalUnion,
                cooperative.OccurredAt);
            sites.Add(site);
            // A new site has no pages cached (only answers 200 are): the listings of every site are what changed.
            entries.Add(FeedItemOf(cooperative, site.Slug, SentTrace.TraceIdOf(message)));
        }

        await CooperativeSites.InsertNewAsync(Db, sites, entries, ct);
        await ApplyEachAsync(known, ct);
    }

    protected override async Task HandleAsync(ConsumeContext<CooperativeJoined> context, CancellationToken ct)
    {
        var joined = context.Message;
        var site = await CooperativeSites.StateAsync(Db, joined.CooperativeId, joined.Name, joined.CommuneCode, joined.NafCode,
            joined.RegionalUnion, joined.OccurredAt, Time.GetUtcNow(), ct);
        changedSites.Add(site.Slug);
        await TargetFacts.CountAsync(Db, CongressTargets.MemberCooperatives, joined.CooperativeId, joined.OccurredAt.Year,
            joined.RegionalUnion, joined.OccurredAt, ct);
        Db.FeedItems.Add(FeedItemOf(joined, site.Slug, Activity.Current?.TraceId.ToString()));
    }

    /// <summary>The watch feed's entry: the cooperative joined, under the trace of the request that registered it.</summary>
    private FeedItem FeedItemOf(CooperativeJoined joined, string slug, string? traceId) => new()
    {
        Id = joined.EventId,
        Kind = FeedItem.CooperativeJoinedKind,
        Title = $"{joined.Name} ({joined.LegalForm}) rejoint le mouvement",
        SubjectId = joined.CooperativeId,
        Region = joined.RegionalUnion,
        Sector = CooperativeSites.Division(joined.NafCode),
        Link = $"/api/portal/sites/{slug}",
        OccurredAt = joined.OccurredAt,
        PublishedAt = Time.GetUtcNow(),
        TraceId = traceId,
    };

    protected override Task AfterCommitAsync(IReadOnlyList<ConsumeContext<CooperativeJoined>> applied, CancellationToken ct) =>
        cache.SitesChangedAsync(changedSites);
}

/// <summary>A cooperative's register entry changed: its site follows (name, commune, sector, regional union).</summary>
public sealed class CooperativeUpdatedConsumer(PortalDbContext db, TimeProvider time, PortalCache cache)
    : InboxConsumer<CooperativeUpdated, PortalDbContext>(db, time)
{
    private string? changedSite;

    protected override async Task HandleAsync(ConsumeContext<CooperativeUpdated> context, CancellationToken ct)
    {
        var updated = context.Message;
        changedSite = (await CooperativeSites.StateAsync(Db, updated.CooperativeId, updated.Name, updated.CommuneCode,
            updated.NafCode, updated.RegionalUnion, updated.OccurredAt, Time.GetUtcNow(), ct)).Slug;
    }

    protected override Task AfterCommitAsync(ConsumeContext<CooperativeUpdated> context, CancellationToken ct) =>
        changedSite is null ? Task.CompletedTask : cache.SiteChangedAsync(changedSite);
}

/// <summary>A cooperative's membership lapsed: it has left the movement, and its site closes (nothing of it stays public).</summary>
public sealed class MembershipLapsedConsumer(PortalDbContext db, TimeProvider time, PortalCache cache)
    : InboxConsumer<MembershipLapsed, PortalDbContext>(db, time)
{
    private string? changedSite;

    protected override async Task HandleAsync(ConsumeContext<MembershipLapsed> context, CancellationToken ct)
    {
        changedSite = await CooperativeSites.SetClosedAsync(Db, context.Message.CooperativeId, true, context.Message.OccurredAt, ct);
        if (changedSite is not null)
        {
            await TargetFacts.SetEndedAsync(Db, CongressTargets.MemberCooperatives, context.Message.CooperativeId, context.Message.OccurredAt, ct);
        }
    }

    protected override Task AfterCommitAsync(ConsumeContext<MembershipLapsed> context, CancellationToken ct) =>
        changedSite is null ? Task.CompletedTask : cache.SiteChangedAsync(changedSite);
}

/// <summary>A cooperative renewed after a lapse: its site opens again.</summary>
public sealed class MembershipRenewedConsumer(PortalDbContext db, TimeProvider time, PortalCache cache)
    : InboxConsumer<MembershipRenewed, PortalDbContext>(db, time)
{
    private string? changedSite;

    protected override async Task HandleAsync(ConsumeContext<MembershipRenewed> context, CancellationToken ct)
    {
        changedSite = await CooperativeSites.SetClosedAsync(Db, context.Message.CooperativeId, false, context.Message.OccurredAt, ct);
        if (changedSite is not null)
        {
            await TargetFacts.SetEndedAsync(Db, CongressTargets.MemberCooperatives, context.Message.CooperativeId, null, ct);
        }
    }

    protected override Task AfterCommitAsync(ConsumeContext<MembershipRenewed> context, CancellationToken ct) =>
        changedSite is null ? Task.CompletedTask : cache.SiteChangedAsync(changedSite);
}

/// <summary>The register's facts about cooperatives, as their sites keep them.</summary>
public static class CooperativeSites
{
    /// <summary>"62.01Z" → "62": the NAF division, the sector readers filter on.</summary>
    public static string? Division(string? nafCode) => nafCode is { Length: >= 2 } ? nafCode[..2] : null;

    /// <summary>
    /// The cooperative's site as the register states it at <paramref name="statedAt"/>: made if new, else changed unless
    /// a later fact was applied already (events may arrive out of order). The union's own site is made if missing.
    /// </summary>
    public static async Task<Site> StateAsync(PortalDbContext db, Guid cooperativeId, string name, string communeCode,
        string nafCode, string? regionalUnion, DateTimeOffset statedAt, DateTimeOffset now, CancellationToken ct)
    {
        await EnsureUnionSitesAsync(db, [regionalUnion], now, ct);
        // Facts about one cooperative apply one at a time, even before its site exists (a row lock needs a row).
        await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock(hashtextextended({cooperativeId.ToString()}, 0))", ct);
        var site = await db.Sites.FromSql($"SELECT *, xmin FROM sites WHERE cooperative_id = {cooperativeId} FOR UPDATE").SingleOrDefaultAsync(ct);
        if (site is null)
        {
            site = New(cooperativeId, (await FreeSlugsAsync(db, [(cooperativeId, name)], ct))[cooperativeId], name, now);
            db.Sites.Add(site);
        }
        else if (site.RegisterStatedAt > statedAt)
        {
            return site; // a later fact is already applied
        }

        State(site, name, communeCode, nafCode, regionalUnion, statedAt);
        return site;
    }

    /// <summary>Each regional union named gets its own site if it had none.</summary>
    public static Task EnsureUnionSitesAsync(PortalDbContext db, IEnumerable<string?> regionalUnions, DateTimeOffset now,
        CancellationToken ct)
    {
        // In one order, so that two batches making the same unions' sites wait for each other instead of deadlocking.
        var unions = regionalUnions.OfType<string>().Distinct().Order(StringComparer.Ordinal).ToArray();
        if (unions.Length == 0)
        {
            return Task.CompletedTask;
        }

        var names = unions.Select(u => u.ToUpperInvariant()).ToArray();
        var siteIds = unions.Select(_ => Guid.CreateVersion7(now)).ToArray();
        return db.Database.ExecuteSqlAsync(
            $"""
            INSERT INTO sites (id, slug, kind, name, regional_union, closed, menu, links, created_at)
            SELECT u.id, u.slug, 'RegionalUnion', u.name, u.slug, false, '[]', {Array.Empty<string>()}, {now}
            FROM unnest({siteIds}, {unions}, {names}) WITH ORDINALITY AS u(id, slug, name, n)
            ORDER BY u.n
            ON CONFLICT (slug) DO NOTHING
            """, ct);
    }

    /// <summary>
    /// Takes the cooperatives' locks, so that facts about one cooperative apply one at a time even before its site exists
    /// (a row lock needs a row), then locks the sites they have. Returns the cooperatives that have a site.
    /// </summary>
    public static async Task<HashSet<Guid>> LockAsync(PortalDbContext db, IReadOnlyCollection<Guid> cooperativeIds,
        CancellationToken ct)
    {
        // In the order of the lock keys, so that two batches naming the same cooperatives cannot deadlock (OFFSET 0 keeps
        // the ordered list from being merged into the outer query, which would take the locks in any order).
        var ids = cooperativeIds.Select(id => id.ToString()).ToArray();
        await db.Database.ExecuteSqlAsync(
            $"""
            SELECT pg_advisory_xact_lock(k.key)
            FROM (SELECT hashtextextended(id, 0) AS key FROM unnest({ids}) AS c(id) ORDER BY 1 OFFSET 0) AS k
            """, ct);
        // A statement of its own: its snapshot, taken once the locks are held, sees a site another cooperative's fact
        // committed meanwhile.
        var guids = cooperativeIds.ToArray();
        return (await db.Database.SqlQuery<Guid>(
            $"""SELECT cooperative_id AS "Value" FROM sites WHERE cooperative_id = ANY({guids}) FOR UPDATE""")
            .ToListAsync(ct)).ToHashSet();
    }

    /// <summary>
    /// A slug free for each new cooperative's site: its name's, or with the end of its id when another site (or another
    /// cooperative of the same batch) has it.
    /// </summary>
    public static async Task<Dictionary<Guid, string>> FreeSlugsAsync(PortalDbContext db,
        IEnumerable<(Guid CooperativeId, string Name)> cooperatives, CancellationToken ct)
    {
        var wanted = cooperatives.Select(c => (c.CooperativeId, Slug: Site.Slugify(c.Name))).ToList();
        var candidates = wanted.Select(w => w.Slug).Distinct().ToArray();
        var taken = candidates.Length == 0
            ? []
            : (await db.Database.SqlQuery<string>($"""SELECT slug AS "Value" FROM sites WHERE slug = ANY({candidates})""")
                .ToListAsync(ct)).ToHashSet();
        var slugs = new Dictionary<Guid, string>(wanted.Count);
        foreach (var (cooperativeId, slug) in wanted)
        {
            slugs[cooperativeId] = taken.Add(slug) ? slug : $"{slug}-{cooperativeId.ToString("N")[^6..]}";
        }

        return slugs;
    }

    /// <summary>
    /// New cooperatives' sites (no menu, no links yet) and their feed entries, one statement per table for the whole
    /// batch. Through EF Core, each row was an INSERT of its own: PostgreSQL set up and tore down its executor and opened
    /// the table's indexes once per row, and EF Core tracked, compared and numbered every entity, for rows it never reads
    /// again.
    /// </summary>
    public static async Task InsertNewAsync(PortalDbContext db, IReadOnlyList<Site> sites, IReadOnlyList<FeedItem> entries,
        CancellationToken ct)
    {
        if (sites.Any(site => site.Kind != SiteKind.Cooperative || site.CooperativeId is null || site.RegisterStatedAt is null
                || site.Menu.Count > 0 || site.Links.Count > 0))
        {
            throw new ArgumentException("Only new cooperatives' sites, stated by the register and without menu or links, are inserted this way.", nameof(sites));
        }

        if (sites.Count > 0)
        {
            var kind = nameof(SiteKind.Cooperative);
            await db.Database.ExecuteSqlAsync(
                $"""
                INSERT INTO sites (id, slug, kind, name, regional_union, cooperative_id, commune_code, naf_code, closed, menu, links,
                                   created_at, register_stated_at)
                SELECT s.id, s.slug, {kind}, s.name, s.regional_union, s.cooperative_id, s.commune_code, s.naf_code, false, '[]',
                       {Array.Empty<string>()}, s.created_at, s.register_stated_at
                FROM unnest({sites.Select(s => s.Id).ToArray()}, {sites.Select(s => s.Slug).ToArray()},
                            {sites.Select(s => s.Name).ToArray()}, {sites.Select(s => s.RegionalUnion).ToArray()},
                            {sites.Select(s => s.CooperativeId!.Value).ToArray()}, {sites.Select(s => s.CommuneCode).ToArray()},
                            {sites.Select(s => s.NafCode).ToArray()}, {sites.Select(s => s.CreatedAt).ToArray()},
                            {sites.Select(s => s.RegisterStatedAt!.Value).ToArray()})
                     AS s(id, slug, name, regional_union, cooperative_id, commune_code, naf_code, created_at, register_stated_at)
                """, ct);
        }

        if (entries.Count > 0)
        {
            await db.Database.ExecuteSqlAsync(
                $"""
                INSERT INTO feed_items (id, kind, title, subject_id, occurred_at, published_at, trace_id, link, region, sector)
                SELECT * FROM unnest({entries.Select(e => e.Id).ToArray()}, {entries.Select(e => e.Kind).ToArray()},
                                     {entries.Select(e => e.Title).ToArray()}, {entries.Select(e => e.SubjectId).ToArray()},
                                     {entries.Select(e => e.OccurredAt).ToArray()}, {entries.Select(e => e.PublishedAt).ToArray()},
                                     {entries.Select(e => e.TraceId).ToArray()}, {entries.Select(e => e.Link).ToArray()},
                                     {entries.Select(e => e.Region).ToArray()}, {entries.Select(e => e.Sector).ToArray()})
                """, ct);
        }
    }

    public static Site New(Guid cooperativeId, string slug, string name, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(now),
        Slug = slug,
        Kind = SiteKind.Cooperative,
        Name = name,
        CooperativeId = cooperativeId,
        CreatedAt = now,
    };

    /// <summary>The register's facts as of <paramref name="statedAt"/> on the cooperative's site.</summary>
    public static void State(Site site, string name, string communeCode, string nafCode, string? regionalUnion,
        DateTimeOffset statedAt)
    {
        site.Name = name;
        site.CommuneCode = communeCode;
        site.NafCode = nafCode;
        site.RegionalUnion = regionalUnion ?? site.RegionalUnion;
        site.RegisterStatedAt = statedAt;
    }

    public static async Task<string?> SetClosedAsync(PortalDbContext db, Guid cooperativeId, bool closed, DateTimeOffset statedAt,
        CancellationToken ct)
    {
        var site = await db.Sites.FromSql($"SELECT *, xmin FROM sites WHERE cooperative_id = {cooperativeId} FOR UPDATE").SingleOrDefaultAsync(ct);
        if (site is null || site.RegisterStatedAt > statedAt)
        {
            return null;
        }

        site.Closed = closed;
        site.RegisterStatedAt = statedAt;
        return site.Slug;
    }
}
