using System.Diagnostics;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Scop.Aspire.Contracts.Ambassadors;
using Scop.Aspire.Portal.Data;
using Scop.Aspire.Portal.Domain;
using Scop.Aspire.Portal.Features.Caching;
using Scop.Aspire.Portal.Features.Targets;
using Scop.Aspire.ServiceDefaults.Messaging;

namespace Scop.Aspire.Portal.Consumers;

// The ambassadors service's facts: labelled Ambassades and inter-SCOP clubs towards their Congress targets, and the feed.

/// <summary>
/// A cooperative became a SCOP Ambassade: one more labelled Ambassade from its label's first day, in its union, and the
/// watch feed says so — once, whatever the redeliveries. A renewal changes neither: the label was counted when granted.
/// </summary>
public sealed class AmbassadeLabelledConsumer(PortalDbContext db, TimeProvider time, PortalCache cache)
    : InboxConsumer<AmbassadeLabelled, PortalDbContext>(db, time)
{
    protected override async Task HandleAsync(ConsumeContext<AmbassadeLabelled> context, CancellationToken ct)
    {
        var labelled = context.Message;
        if (labelled.Renewal)
        {
            return;
        }

        var firstDay = new DateTimeOffset(labelled.LabelledOn.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        await TargetFacts.CountAsync(Db, CongressTargets.Ambassades, labelled.AmbassadeId, labelled.LabelledOn.Year,
            labelled.RegionalUnion, firstDay, ct);
        var site = await Db.Sites.AsNoTracking().Where(s => s.CooperativeId == labelled.CooperativeId)
            .Select(s => new { s.Slug, s.NafCode }).SingleOrDefaultAsync(ct);
        Db.FeedItems.Add(new FeedItem
        {
            Id = labelled.EventId,
            Kind = FeedItem.AmbassadeLabelledKind,
            Title = $"{labelled.Name} devient SCOP Ambassade",
            SubjectId = labelled.CooperativeId,
            Region = labelled.RegionalUnion,
            Sector = CooperativeSites.Division(site?.NafCode),
            Link = site is null ? null : $"/api/portal/sites/{site.Slug}",
            OccurredAt = labelled.OccurredAt,
            PublishedAt = Time.GetUtcNow(),
            TraceId = Activity.Current?.TraceId.ToString(),
        });
    }

    protected override Task AfterCommitAsync(ConsumeContext<AmbassadeLabelled> context, CancellationToken ct) =>
        cache.InvalidateAsync(PortalCache.AllSites);
}

/// <summary>A label was suspended: the Ambassade stops counting until it is reinstated.</summary>
public sealed class AmbassadeSuspendedConsumer(PortalDbContext db, TimeProvider time, PortalCache cache)
    : InboxConsumer<AmbassadeSuspended, PortalDbContext>(db, time)
{
    protected override Task HandleAsync(ConsumeContext<AmbassadeSuspended> context, CancellationToken ct) =>
        TargetFacts.SetEndedAsync(Db, CongressTargets.Ambassades, context.Message.AmbassadeId, context.Message.OccurredAt, ct);

    protected override Task AfterCommitAsync(ConsumeContext<AmbassadeSuspended> context, CancellationToken ct) =>
        cache.InvalidateAsync(PortalCache.AllSites);
}

/// <summary>A suspended label is in force again: the Ambassade counts again.</summary>
public sealed class AmbassadeReinstatedConsumer(PortalDbContext db, TimeProvider time, PortalCache cache)
    : InboxConsumer<AmbassadeReinstated, PortalDbContext>(db, time)
{
    protected override Task HandleAsync(ConsumeContext<AmbassadeReinstated> context, CancellationToken ct) =>
        TargetFacts.SetEndedAsync(Db, CongressTargets.Ambassades, context.Message.AmbassadeId, null, ct);

    protected override Task AfterCommitAsync(ConsumeContext<AmbassadeReinstated> context, CancellationToken ct) =>
        cache.InvalidateAsync(PortalCache.AllSites);
}

/// <summary>A label was withdrawn for good: the Ambassade stops counting.</summary>
public sealed class AmbassadeWithdrawnConsumer(PortalDbContext db, TimeProvider time, PortalCache cache)
    : InboxConsumer<AmbassadeWithdrawn, PortalDbContext>(db, time)
{
    protected override Task HandleAsync(ConsumeContext<AmbassadeWithdrawn> context, CancellationToken ct) =>
        TargetFacts.SetEndedAsync(Db, CongressTargets.Ambassades, context.Message.AmbassadeId, context.Message.OccurredAt, ct);

    protected override Task AfterCommitAsync(ConsumeContext<AmbassadeWithdrawn> context, CancellationToken ct) =>
        cache.InvalidateAsync(PortalCache.AllSites);
}

/// <summary>A label reached its end unrenewed: the Ambassade stops counting the day after its last day.</summary>
public sealed class AmbassadeExpiredConsumer(PortalDbContext db, TimeProvider time, PortalCache cache)
    : InboxConsumer<AmbassadeExpired, PortalDbContext>(db, time)
{
    protected override Task HandleAsync(ConsumeContext<AmbassadeExpired> context, CancellationToken ct) =>
        TargetFacts.SetEndedAsync(Db, CongressTargets.Ambassades, context.Message.AmbassadeId,
            new DateTimeOffset(context.Message.LabelEndedOn.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero), ct);

    protected override Task AfterCommitAsync(ConsumeContext<AmbassadeExpired> context, CancellationToken ct) =>
        cache.InvalidateAsync(PortalCache.AllSites);
}

/// <summary>
/// An inter-SCOP club opened: one more club from its opening day, in its union, and the watch feed says so — once,
/// whatever the redeliveries. A dormant club still counts: it is open, and a meeting wakes it.
/// </summary>
public sealed class ClubOpenedConsumer(PortalDbContext db, TimeProvider time, PortalCache cache)
    : InboxConsumer<ClubOpened, PortalDbContext>(db, time)
{
    protected override async Task HandleAsync(ConsumeContext<ClubOpened> context, CancellationToken ct)
    {
        var opened = context.Message;
        await TargetFacts.CountAsync(Db, CongressTargets.Clubs, opened.ClubId, opened.OpenedOn.Year, opened.RegionalUnion,
            new DateTimeOffset(opened.OpenedOn.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero), ct);
        Db.FeedItems.Add(new FeedItem
        {
            Id = opened.EventId,
            Kind = FeedItem.ClubOpenedKind,
            Title = $"Nouveau club inter-SCOP : {opened.Name} ({opened.EpciName})",
            SubjectId = opened.ClubId,
            Region = opened.RegionalUnion,
            OccurredAt = opened.OccurredAt,
            PublishedAt = Time.GetUtcNow(),
            TraceId = Activity.Current?.TraceId.ToString(),
        });
    }

    protected override Task AfterCommitAsync(ConsumeContext<ClubOpened> context, CancellationToken ct) =>
        cache.InvalidateAsync(PortalCache.AllSites);
}

/// <summary>A club was closed: it stops counting from its closing day.</summary>
public sealed class ClubClosedConsumer(PortalDbContext db, TimeProvider time, PortalCache cache)
    : InboxConsumer<ClubClosed, PortalDbContext>(db, time)
{
    protected override Task HandleAsync(ConsumeContext<ClubClosed> context, CancellationToken ct) =>
        TargetFacts.SetEndedAsync(Db, CongressTargets.Clubs, context.Message.ClubId,
            new DateTimeOffset(context.Message.ClosedOn.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero), ct);

    protected override Task AfterCommitAsync(ConsumeContext<ClubClosed> context, CancellationToken ct) =>
        cache.InvalidateAsync(PortalCache.AllSites);
}
