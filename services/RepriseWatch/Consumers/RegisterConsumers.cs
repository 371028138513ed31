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
    /// <summary>
    /// A batch as a set: one upsert for all its cooperatives and one read of all their open opportunities, instead of
    /// both for each message. Then each message converts its company's opportunities in arrival order, as one at a time
    /// would.
    /// </summary>
    protected override async Task ApplyAsync(IReadOnlyList<ConsumeContext<CooperativeJoined>> fresh, CancellationToken ct)
    {
        var joined = fresh.Select(m => m.Message).ToList();
        // A cooperative twice in one upsert would be updated twice by one statement, which PostgreSQL refuses; two
        // cooperatives of one SIREN break its unique index either way. One at a time, each such batch does what it
        // always did.
        if (joined.DistinctBy(j => j.CooperativeId).Count() < joined.Count
            || joined.DistinctBy(j => j.Siren).Count() < joined.Count)
        {
            await ApplyEachAsync(fresh, ct);
            return;
        }

        var cooperatives = await RegisterFacts.StateCooperativesAsync(Db,
            [.. joined.Select(j => new CooperativeFact(j.CooperativeId, j.Siren, j.RegionalUnion, j.Headcount, j.OccurredAt))], ct);
        string[] sirens = [.. joined.Select(j => j.Siren)];
        // The SIRENs are cast to the columns' type (character(9)): compared with text, the columns would be cast instead,
        // and their indexes could not serve.
        var opportunities = await Db.Opportunities
            .FromSql($"""
                SELECT *, xmin FROM opportunities
                WHERE (siren = ANY({sirens}::bpchar[]) OR successor_siren = ANY({sirens}::bpchar[]))
                  AND stage NOT IN ('Converted', 'Lost')
                ORDER BY id FOR UPDATE
                """)
            .ToListAsync(ct);
        if (opportunities.Count == 0)
        {
            return;
        }

        foreach (var message in fresh)
        {
            var siren = message.Message.Siren;
            // Still open: an opportunity of two of the batch's SIRENs (its own and its successor's) goes to the first.
            var ofItsCompany = opportunities.Where(o => o.IsOpen && (o.Siren == siren || o.SuccessorSiren == siren)).ToList();
            if (ofItsCompany.Count == 0)
            {
                continue;
            }

            // The conversion's event and timer keep the trace they are made under: the registration's, not the batch's.
            using var underItsTrace = SentTrace.StartApplying(message);
            var now = Time.GetUtcNow();
            foreach (var opportunity in ofItsCompany)
            {
                Pipeline.Convert(Db, opportunity, cooperatives[message.Message.CooperativeId], options.Value.StaleAfter, now);
            }
        }
    }

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
        string? union, int? declaredHeadcount, DateTimeOffset statedAt, CancellationToken ct) =>
        (await StateCooperativesAsync(db, [new CooperativeFact(cooperativeId, siren, union, declaredHeadcount, statedAt)], ct))
        [cooperativeId];

    /// <summary>
    /// States several cooperatives in one statement and answers them as they now are, by id. The ids must differ: one
    /// statement cannot update a row twice.
    /// </summary>
    public static async Task<IReadOnlyDictionary<Guid, KnownCooperative>> StateCooperativesAsync(RepriseWatchDbContext db,
        IReadOnlyList<CooperativeFact> facts, CancellationToken ct)
    {
        Guid[] ids = [.. facts.Select(f => f.CooperativeId)];
        string?[] sirens = [.. facts.Select(f => f.Siren)];
        string?[] unions = [.. facts.Select(f => f.RegionalUnion)];
        int?[] headcounts = [.. facts.Select(f => f.DeclaredHeadcount)];
        DateTimeOffset[] statedAts = [.. facts.Select(f => f.StatedAt)];
        // A fact without a union states no region: it proposes '' (a union's name is never empty), and the update keeps
        // the region held. Rows are written in id order, so that concurrent batches lock them in one order.
        var stated = await db.Cooperatives
            .FromSql($"""
                INSERT INTO cooperatives (id, siren, regional_union, region_stated_at, declared_headcount)
                SELECT f.id, f.siren, coalesce(f.regional_union, ''), f.stated_at, f.declared_headcount
                FROM unnest({ids}, {sirens}, {unions}, {headcounts}, {statedAts})
                    AS f(id, siren, regional_union, declared_headcount, stated_at)
                ORDER BY f.id
                ON CONFLICT (id) DO UPDATE SET
                    siren = coalesce(cooperatives.siren, excluded.siren),
                    regional_union = CASE WHEN excluded.regional_union <> ''
                                          AND cooperatives.region_stated_at < excluded.region_stated_at
                                          THEN excluded.regional_union ELSE cooperatives.regional_union END,
                    declared_headcount = CASE WHEN excluded.declared_headcount IS NOT NULL
                                              AND (cooperatives.declared_headcount IS NULL OR cooperatives.region_stated_at <= excluded.region_stated_at)
                                              THEN excluded.declared_headcount ELSE cooperatives.declared_headcount END,
                    region_stated_at = CASE WHEN excluded.regional_union <> ''
                                            THEN greatest(cooperatives.region_stated_at, excluded.region_stated_at)
                                            ELSE cooperatives.region_stated_at END
                RETURNING *
                """)
            .AsNoTracking()
            .ToListAsync(ct);
        return stated.ToDictionary(c => c.Id);
    }
}

/// <summary>What one event states about a cooperative; a null union or headcount states none.</summary>
public sealed record CooperativeFact(Guid CooperativeId, string? Siren, string? RegionalUnion, int? DeclaredHeadcount,
    DateTimeOffset StatedAt);
