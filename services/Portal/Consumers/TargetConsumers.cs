using MassTransit;
using Microsoft.EntityFrameworkCore;
using Scop.Aspire.Contracts.Training;
using Scop.Aspire.Portal.Data;
using Scop.Aspire.Portal.Features.Caching;
using Scop.Aspire.Portal.Features.Targets;
using Scop.Aspire.ServiceDefaults.Messaging;

namespace Scop.Aspire.Portal.Consumers;

/// <summary>
/// A person completed a training: they entered training this year, towards the employees' or the managers' target —
/// once a year per person and target, whatever the redeliveries or their other courses.
/// </summary>
public sealed class TrainingCompletedConsumer(PortalDbContext db, TimeProvider time, PortalCache cache)
    : InboxConsumer<TrainingCompleted, PortalDbContext>(db, time)
{
    protected override Task HandleAsync(ConsumeContext<TrainingCompleted> context, CancellationToken ct)
    {
        var completed = context.Message;
        var target = completed.Role == "Manager" ? CongressTargets.TrainingManagers : CongressTargets.TrainingEmployees;
        return TargetFacts.CountAsync(Db, target, completed.PersonId, completed.CompletedOn.Year, completed.RegionalUnion,
            new DateTimeOffset(completed.CompletedOn.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero), ct);
    }

    protected override Task AfterCommitAsync(ConsumeContext<TrainingCompleted> context, CancellationToken ct) =>
        cache.InvalidateAsync(PortalCache.AllSites);
}

/// <summary>
/// The facts the dashboard counts, each once (its key: target, subject, year), at its earliest moment whatever order the
/// events arrive in.
/// </summary>
public static class TargetFacts
{
    /// <summary>
    /// Counts <paramref name="subject"/> towards <paramref name="target"/> in <paramref name="year"/>, adding
    /// <paramref name="quantity"/> to the figure (1: the subject itself; a premium's jobs). A subject already counted
    /// keeps its quantity: stated again, it adds nothing.
    /// </summary>
    public static Task CountAsync(PortalDbContext db, string target, Guid subject, int year, string? regionalUnion,
        DateTimeOffset occurredAt, CancellationToken ct, int quantity = 1) =>
        db.Database.ExecuteSqlAsync(
            $"""
            INSERT INTO target_facts (target, subject_id, year, regional_union, occurred_at, quantity)
            VALUES ({target}, {subject}, {year}, {regionalUnion}, {occurredAt}, {quantity})
            ON CONFLICT (target, subject_id, year) DO UPDATE SET occurred_at = least(target_facts.occurred_at, excluded.occurred_at)
            """, ct);

    /// <summary>A subject counted once towards a target, with quantity 1.</summary>
    public sealed record Fact(Guid Subject, int Year, string? RegionalUnion, DateTimeOffset OccurredAt);

    /// <summary><see cref="CountAsync(PortalDbContext,string,Guid,int,string?,DateTimeOffset,CancellationToken,int)"/> for many subjects in one statement.</summary>
    public static Task CountAsync(PortalDbContext db, string target, IReadOnlyList<Fact> facts, CancellationToken ct)
    {
        if (facts.Count == 0)
        {
            return Task.CompletedTask;
        }

        var subjects = facts.Select(f => f.Subject).ToArray();
        var years = facts.Select(f => f.Year).ToArray();
        var unions = facts.Select(f => f.RegionalUnion).ToArray();
        var occurredAt = facts.Select(f => f.OccurredAt).ToArray();
        return db.Database.ExecuteSqlAsync(
            $"""
            INSERT INTO target_facts (target, subject_id, year, regional_union, occurred_at, quantity)
            SELECT {target}, f.subject, f.year, f.regional_union, f.occurred_at, 1
            FROM unnest({subjects}, {years}, {unions}, {occurredAt}) AS f(subject, year, regional_union, occurred_at)
            ON CONFLICT (target, subject_id, year) DO UPDATE SET occurred_at = least(target_facts.occurred_at, excluded.occurred_at)
            """, ct);
    }

    /// <summary>
    /// A standing subject stops counting from <paramref name="at"/> (a cooperative whose membership lapsed, a label
    /// suspended or ended), or counts again (null).
    /// </summary>
    public static Task SetEndedAsync(PortalDbContext db, string target, Guid subject, DateTimeOffset? at, CancellationToken ct) =>
        db.Database.ExecuteSqlAsync($"UPDATE target_facts SET ended_at = {at} WHERE target = {target} AND subject_id = {subject}", ct);
}
