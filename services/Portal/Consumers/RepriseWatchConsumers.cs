using MassTransit;
using Scop.Aspire.Contracts.RepriseWatch;
using Scop.Aspire.Portal.Data;
using Scop.Aspire.Portal.Features.Caching;
using Scop.Aspire.Portal.Features.Targets;
using Scop.Aspire.ServiceDefaults.Messaging;

namespace Scop.Aspire.Portal.Consumers;

/// <summary>
/// A takeover became a cooperative: one more takeover converted, in the year it converted and in its regional union —
/// once per opportunity, whatever the redeliveries, and in its own year however late it arrives.
/// </summary>
public sealed class TakeoverOpportunityConvertedConsumer(PortalDbContext db, TimeProvider time, PortalCache cache)
    : InboxConsumer<TakeoverOpportunityConverted, PortalDbContext>(db, time)
{
    protected override Task HandleAsync(ConsumeContext<TakeoverOpportunityConverted> context, CancellationToken ct)
    {
        var converted = context.Message;
        // The dashboard's months are UTC months: the year is the UTC one too, so the month of the fact lies in its year.
        return TargetFacts.CountAsync(Db, CongressTargets.TakeoversConverted, converted.OpportunityId,
            converted.OccurredAt.UtcDateTime.Year, converted.RegionalUnion, converted.OccurredAt, ct);
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
