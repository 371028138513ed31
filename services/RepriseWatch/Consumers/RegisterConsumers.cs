using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Scop.Aspire.Contracts.Membership;
using Scop.Aspire.RepriseWatch.Data;
using Scop.Aspire.RepriseWatch.Domain;
using Scop.Aspire.RepriseWatch.Features.Opportunities;
using Scop.Aspire.ServiceDefaults.Messaging;

namespace Scop.Aspire.RepriseWatch.Consumers;

/// <summary>
/// A cooperative joined the register: the watch learns it (its SIREN, union and declared headcount), and the open
/// opportunities of that company — by its own SIREN, or the new SIREN a delegate linked to it — are converted by
/// themselves, with the jobs it kept. The inbox makes a redelivered event change nothing.
/// </summary>
public sealed class CooperativeJoinedConsumer(RepriseWatchDbContext db, TimeProvider time, IOptions<RepriseWatchOptions> options)
    : InboxBatchConsumer<CooperativeJoined, RepriseWatchDbContext>(db, time)
{
    protected override async Task HandleAsync(ConsumeContext<CooperativeJoined> context, CancellationToken ct)
    {
        var joined = context.Message;
        var cooperative = await RegisterFacts.StateCooperativeAsync(Db, joined.CooperativeId, joined.Siren,
            joined.RegionalUnion, joined.Headcount, joined.OccurredAt, ct);
        var now = Time.GetUtcNow();
        // The SIREN is cast to the columns' type (character(9)): compared with text, the columns would be cast instead, and
        // their indexes could not serve.
        var opportunities = await Db.Opportunities
            .FromSql($"""
                SELECT *, xmin FROM opportunities
                WHERE (siren = {joined.Siren}::bpchar OR successor_siren = {joined.Siren}::bpchar)
                  AND stage NOT IN ('Converted', 'Lost')
                ORDER BY id FOR UPDATE
                """)
            .ToListAsync(ct);
        foreach (var opportunity in opportunities)
        {
            Pipeline.Convert(Db, opportunity, cooperative, options.Value.StaleAfter, now);
        }
    }
}

/// <summary>A cooperative's register entry changed: the watch follows its union and declared headcount.</summary>
public sealed class CooperativeUpdatedConsumer(RepriseWatchDbContext db, TimeProvider time)
    : InboxConsumer<CooperativeUpdated, RepriseWatchDbContext>(db, time)
{
    protected override Task HandleAsync(ConsumeContext<CooperativeUpdated> context, CancellationToken ct)
    {
        var updated = context.Message;
        return RegisterFacts.StateCooperativeAsync(Db, updated.CooperativeId, siren: null, updated.RegionalUnion,
            updated.Headcount, updated.OccurredAt, ct);
    }
}

/// <summary>A new hire: a person of the register, who may report for their cooperative and volunteer for a pool.</summary>
public sealed class PersonHiredConsumer(RepriseWatchDbContext db, TimeProvider time)
    : InboxConsumer<PersonHired, RepriseWatchDbContext>(db, time)
{
    protected override async Task HandleAsync(ConsumeContext<PersonHired> context, CancellationToken ct)
    {
        var hired = context.Message;
        await RegisterFacts.StateCooperativeAsync(Db, hired.CooperativeId, siren: null, hired.RegionalUnion,
            declaredHeadcount: null, hired.OccurredAt, ct);
        await Db.Database.ExecuteSqlAsync(
            $"""
            INSERT INTO people (id, cooperative_id, left_on, managers_path_completed_on, erased)
            VALUES ({hired.PersonId}, {hired.CooperativeId}, NULL, NULL, false)
            ON CONFLICT (id) DO UPDATE SET cooperative_id = excluded.cooperative_id, left_on = NULL
            WHERE NOT people.erased
            """, ct);
    }
}

/// <summary>A person left their cooperative: they no longer report for it.</summary>
public sealed class PersonLeftConsumer(RepriseWatchDbContext db, TimeProvider time)
    : InboxConsumer<PersonLeft, RepriseWatchDbContext>(db, time)
{
    protected override async Task HandleAsync(ConsumeContext<PersonLeft> context, CancellationToken ct)
    {
        var left = context.Message;
        await Db.Database.ExecuteSqlAsync(
            $"UPDATE people SET left_on = {left.LeftOn} WHERE id = {left.PersonId} AND cooperative_id = {left.CooperativeId}", ct);
    }
}

/// <summary>
/// What the register states about a cooperative, applied to the watch's copy in the consumer's transaction. Events of
/// different aggregates arrive in any order: each fact carries the moment the register stated it, and an older one
/// never overwrites a newer one. A SIREN, once known, stays (it never changes in the register).
/// </summary>
public static class RegisterFacts
{
    public static async Task<KnownCooperative> StateCooperativeAsync(RepriseWatchDbContext db, Guid cooperativeId, string? siren,
        string? union, int? declaredHeadcount, DateTimeOffset statedAt, CancellationToken ct)
    {
        var statesRegion = union is not null;
        await db.Database.ExecuteSqlAsync(
            $"""
            INSERT INTO cooperatives (id, siren, regional_union, region_stated_at, declared_headcount)
            VALUES ({cooperativeId}, {siren}, {union ?? ""}, {statedAt}, {declaredHeadcount})
            ON CONFLICT (id) DO UPDATE SET
                siren = coalesce(cooperatives.siren, excluded.siren),
                regional_union = CASE WHEN {statesRegion} AND cooperatives.region_stated_at < excluded.region_stated_at
                                      THEN excluded.regional_union ELSE cooperatives.regional_union END,
                declared_headcount = CASE WHEN excluded.declared_headcount IS NOT NULL
                                          AND (cooperatives.declared_headcount IS NULL OR cooperatives.region_stated_at <= excluded.region_stated_at)
                                          THEN excluded.declared_headcount ELSE cooperatives.declared_headcount END,
                region_stated_at = CASE WHEN {statesRegion} THEN greatest(cooperatives.region_stated_at, excluded.region_stated_at)
                                        ELSE cooperatives.region_stated_at END
            """, ct);
        return await db.Cooperatives.AsNoTracking().SingleAsync(c => c.Id == cooperativeId, ct);
    }
}
