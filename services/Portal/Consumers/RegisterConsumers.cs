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

    protected override async Task HandleAsync(ConsumeContext<CooperativeJoined> context, CancellationToken ct)
    {
        var joined = context.Message;
        var site = await CooperativeSites.StateAsync(Db, joined.CooperativeId, joined.Name, joined.CommuneCode, joined.NafCode,
            joined.RegionalUnion, joined.OccurredAt, Time.GetUtcNow(), ct);
        changedSites.Add(site.Slug);
        await TargetFacts.CountAsync(Db, CongressTargets.MemberCooperatives, joined.CooperativeId, joined.OccurredAt.Year,
            joined.RegionalUnion, joined.OccurredAt, ct);
        Db.FeedItems.Add(new FeedItem
        {
            Id = joined.EventId,
            Kind = FeedItem.CooperativeJoinedKind,
            Title = $"{joined.Name} ({joined.LegalForm}) rejoint le mouvement",
            SubjectId = joined.CooperativeId,
            Region = joined.RegionalUnion,
            Sector = CooperativeSites.Division(joined.NafCode),
            Link = $"/api/portal/sites/{site.Slug}",
            OccurredAt = joined.OccurredAt,
            PublishedAt = Time.GetUtcNow(),
            TraceId = Activity.Current?.TraceId.ToString(),
        });
    }

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
        if (regionalUnion is not null)
        {
            await db.Database.ExecuteSqlAsync(
                $"""
                INSERT INTO sites (id, slug, kind, name, regional_union, closed, menu, links, created_at)
                VALUES ({Guid.CreateVersion7(now)}, {regionalUnion}, 'RegionalUnion', {regionalUnion.ToUpperInvariant()},
                        {regionalUnion}, false, '[]', {Array.Empty<string>()}, {now})
                ON CONFLICT (slug) DO NOTHING
                """, ct);
        }

        // Facts about one cooperative apply one at a time, even before its site exists (a row lock needs a row).
        await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock(hashtextextended({cooperativeId.ToString()}, 0))", ct);
        var site = await db.Sites.FromSql($"SELECT *, xmin FROM sites WHERE cooperative_id = {cooperativeId} FOR UPDATE").SingleOrDefaultAsync(ct);
        if (site is null)
        {
            var slug = Site.Slugify(name);
            if (await db.Sites.AnyAsync(s => s.Slug == slug, ct))
            {
                slug = $"{slug}-{cooperativeId.ToString("N")[^6..]}";
            }

            site = new Site
            {
                Id = Guid.CreateVersion7(now),
                Slug = slug,
                Kind = SiteKind.Cooperative,
                Name = name,
                CooperativeId = cooperativeId,
                CreatedAt = now,
            };
            db.Sites.Add(site);
        }
        else if (site.RegisterStatedAt > statedAt)
        {
            return site; // a later fact is already applied
        }

        site.Name = name;
        site.CommuneCode = communeCode;
        site.NafCode = nafCode;
        site.RegionalUnion = regionalUnion ?? site.RegionalUnion;
        site.RegisterStatedAt = statedAt;
        return site;
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
