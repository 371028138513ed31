using Microsoft.EntityFrameworkCore;
using Scop.Aspire.Training.Data;

namespace Scop.Aspire.Training.Consumers;

/// <summary>
/// What the membership register states about a cooperative, applied to training's copy in the consumer's transaction.
/// Events of different aggregates arrive in any order, so each fact carries the moment the register stated it, and an
/// older fact never overwrites a newer one. When the cooperative's regional union changes, everything of its people
/// here that is scoped by region — bookings, waiting-list entries, welcome-day invitations — moves with it at once.
/// </summary>
public static class RegisterFacts
{
    /// <summary>
    /// The cooperative belongs to <paramref name="union"/> as of <paramref name="statedAt"/>. Returns the union training
    /// now holds for it (a newer fact may have said otherwise). The cooperative's row is locked <c>FOR UPDATE</c>: a hold
    /// in flight reads it under a key-share lock and finishes first, a later one waits and reads the new union, so no
    /// booking keeps the old union once this commits.
    /// </summary>
    public static async Task<string> StateRegionAsync(TrainingDbContext db, Guid cooperativeId, string union,
        DateTimeOffset statedAt, CancellationToken ct)
    {
        await db.Database.ExecuteSqlAsync(
            $"""
            INSERT INTO cooperatives (id, regional_union, region_stated_at) VALUES ({cooperativeId}, {union}, {statedAt})
            ON CONFLICT (id) DO NOTHING
            """, ct);
        var known = await db.Cooperatives.FromSql($"SELECT * FROM cooperatives WHERE id = {cooperativeId} FOR UPDATE")
            .AsNoTracking().SingleAsync(ct);
        if (known.RegionStatedAt >= statedAt)
        {
            return known.RegionalUnion; // what training holds is as recent (the row just written, or a later fact)
        }

        await db.Database.ExecuteSqlAsync(
            $"UPDATE cooperatives SET regional_union = {union}, region_stated_at = {statedAt} WHERE id = {cooperativeId}", ct);
        if (known.RegionalUnion != union)
        {
            await db.Database.ExecuteSqlAsync(
                $"UPDATE bookings SET regional_union = {union} WHERE cooperative_id = {cooperativeId}", ct);
            await db.Database.ExecuteSqlAsync(
                $"UPDATE waitlist_entries SET regional_union = {union} WHERE cooperative_id = {cooperativeId}", ct);
            await db.Database.ExecuteSqlAsync(
                $"UPDATE invitations SET regional_union = {union} WHERE cooperative_id = {cooperativeId}", ct);
        }

        return union;
    }

    /// <summary>
    /// Writes the cooperatives training does not know yet, each with its union and headcount as
    /// <paramref name="joined"/> states them (ids distinct), in one statement; returns the ids written. One it already
    /// knew is left as it is, for <see cref="StateRegionAsync"/> and <see cref="StateDetailsAsync"/> to weigh against
    /// what it holds. A new row needs no lock: no other transaction sees it before this one commits, and it has no
    /// bookings to move.
    /// </summary>
    public static async Task<HashSet<Guid>> StateNewCooperativesAsync(TrainingDbContext db,
        IReadOnlyList<(Guid Id, string Union, int? DeclaredHeadcount, DateTimeOffset StatedAt)> joined, CancellationToken ct)
    {
        var ids = joined.Select(j => j.Id).ToArray();
        var unions = joined.Select(j => j.Union).ToArray();
        var headcounts = joined.Select(j => j.DeclaredHeadcount).ToArray();
        var statedAt = joined.Select(j => j.StatedAt).ToArray();
        var written = await db.Database.SqlQuery<Guid>(
            $"""
            INSERT INTO cooperatives (id, regional_union, region_stated_at, declared_headcount, details_stated_at)
            SELECT j.id, j.regional_union, j.stated_at, j.declared_headcount, j.stated_at
            FROM unnest({ids}, {unions}, {headcounts}, {statedAt}) AS j(id, regional_union, declared_headcount, stated_at)
            ON CONFLICT (id) DO NOTHING
            RETURNING id AS "Value"
            """).ToListAsync(ct);
        return [.. written];
    }

    /// <summary>The headcount the cooperative declared, as of <paramref name="statedAt"/> (the row exists: see <see cref="StateRegionAsync"/>).</summary>
    public static Task StateDetailsAsync(TrainingDbContext db, Guid cooperativeId, int? declaredHeadcount,
        DateTimeOffset statedAt, CancellationToken ct) =>
        db.Database.ExecuteSqlAsync(
            $"""
            UPDATE cooperatives SET declared_headcount = {declaredHeadcount}, details_stated_at = {statedAt}
            WHERE id = {cooperativeId} AND (details_stated_at IS NULL OR details_stated_at < {statedAt})
            """, ct);
}
