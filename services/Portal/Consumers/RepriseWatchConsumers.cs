using System.Diagnostics;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Scop.Aspire.Contracts.RepriseWatch;
using Scop.Aspire.Portal.Data;
using Scop.Aspire.Portal.Domain;
using Scop.Aspire.Portal.Features.Caching;
using Scop.Aspire.Portal.Features.Targets;
using Scop.Aspire.ServiceDefaults.Messaging;

namespace Scop.Aspire.Portal.Consumers;

/// <summary>
/// A company that may be taken over by its employees was reported: the watch feed says so as its confidentiality
/// allows. The event names the company only when its opportunity is open; otherwise the entry says no more than a
/// size band, a sector and a union — not the commune, where a sector and a headcount could name it.
/// </summary>
public sealed class TakeoverOpportunityReportedConsumer(PortalDbContext db, TimeProvider time, PortalCache cache)
    : InboxConsumer<TakeoverOpportunityReported, PortalDbContext>(db, time)
{
    protected override Task HandleAsync(ConsumeContext<TakeoverOpportunityReported> context, CancellationToken ct)
    {
        var reported = context.Message;
        var size = reported.Headcount switch { < 10 => "de moins de 10 salariés", < 50 => "de 10 à 49 salariés", _ => "de 50 salariés ou plus" };
        Db.FeedItems.Add(new FeedItem
        {
            Id = reported.EventId,
            Kind = FeedItem.TakeoverReportedKind,
            Title = reported.CompanyName is { } name
                ? $"{name} : une reprise par les salariés à l'étude"
                : $"Une entreprise {size} à reprendre par ses salariés",
            SubjectId = reported.OpportunityId,
            Region = reported.RegionalUnion,
            Sector = CooperativeSites.Division(reported.NafCode),
            OccurredAt = reported.OccurredAt,
            PublishedAt = Time.GetUtcNow(),
            TraceId = Activity.Current?.TraceId.ToString(),
        });
        return Task.CompletedTask;
    }

    protected override Task AfterCommitAsync(ConsumeContext<TakeoverOpportunityReported> context, CancellationToken ct) =>
        cache.InvalidateAsync(PortalCache.AllSites);
}

/// <summary>
/// A takeover became a cooperative: one more takeover converted, in the year it converted and in its regional union —
/// once per opportunity, whatever the redeliveries, and in its own year however late it arrives; and the watch feed says
/// so (the company named only if its opportunity was open), linked to the new cooperative's site.
/// </summary>
public sealed class TakeoverOpportunityConvertedConsumer(PortalDbContext db, TimeProvider time, PortalCache cache)
    : InboxConsumer<TakeoverOpportunityConverted, PortalDbContext>(db, time)
{
    protected override async Task HandleAsync(ConsumeContext<TakeoverOpportunityConverted> context, CancellationToken ct)
    {
        var converted = context.Message;
        // The dashboard's months are UTC months: the year is the UTC one too, so the month of the fact lies in its year.
        await TargetFacts.CountAsync(Db, CongressTargets.TakeoversConverted, converted.OpportunityId,
            converted.OccurredAt.UtcDateTime.Year, converted.RegionalUnion, converted.OccurredAt, ct);
        var site = await Db.Sites.AsNoTracking().Where(s => s.CooperativeId == converted.CooperativeId)
            .Select(s => new { s.Slug, s.NafCode }).SingleOrDefaultAsync(ct);
        Db.FeedItems.Add(new FeedItem
        {
            Id = converted.EventId,
            Kind = FeedItem.TakeoverConvertedKind,
            Title = $"{converted.CompanyName ?? "Une entreprise"} reprise en SCOP par ses salariés : {converted.JobsKept} emplois maintenus",
            SubjectId = converted.OpportunityId,
            Region = converted.RegionalUnion,
            Sector = CooperativeSites.Division(site?.NafCode),
            Link = site is null ? null : $"/api/portal/sites/{site.Slug}",
            OccurredAt = converted.OccurredAt,
            PublishedAt = Time.GetUtcNow(),
            TraceId = Activity.Current?.TraceId.ToString(),
        });
    }

    protected override Task AfterCommitAsync(ConsumeContext<TakeoverOpportunityConverted> context, CancellationToken ct) =>
        cache.InvalidateAsync(PortalCache.AllSites);
}

/// <summary>
/// A cooperative was granted its job premium: the jobs it created or kept count towards the jobs target, in the premium's
/// year and union — once per premium, whatever the redeliveries.
/// </summary>
public sealed class JobPremiumGrantedConsumer(PortalDbContext db, TimeProvider time, PortalCache cache)
    : InboxConsumer<JobPremiumGranted, PortalDbContext>(db, time)
{
    protected override Task HandleAsync(ConsumeContext<JobPremiumGranted> context, CancellationToken ct)
    {
        var granted = context.Message;
        return TargetFacts.CountAsync(Db, CongressTargets.JobsKept, granted.PremiumId, granted.Year, granted.RegionalUnion,
            WithinYear(granted.OccurredAt, granted.Year), ct, quantity: granted.Jobs);
    }

    protected override Task AfterCommitAsync(ConsumeContext<JobPremiumGranted> context, CancellationToken ct) =>
        cache.InvalidateAsync(PortalCache.AllSites);

    /// <summary>
    /// The premium's year is Paris's, the dashboard's months are UTC: granted in the first hour of 1 January in Paris
    /// (still 31 December in UTC), a premium counts in January of its year, not in its December.
    /// </summary>
    private static DateTimeOffset WithinYear(DateTimeOffset at, int year)
    {
        var start = new DateTimeOffset(year, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var end = start.AddYears(1).AddSeconds(-1); // short of the next year, whatever rounding PostgreSQL applies
        return at < start ? start : at > end ? end : at;
    }
}
