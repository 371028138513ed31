using MassTransit;
using Scop.Aspire.Contracts.Membership;
using Scop.Aspire.ServiceDefaults.Messaging;
using Scop.Aspire.Training.Data;

namespace Scop.Aspire.Training.Consumers;

/// <summary>A cooperative joined the register: training learns its regional union and declared headcount.</summary>
public sealed class CooperativeJoinedConsumer(TrainingDbContext db, TimeProvider time)
    : InboxBatchConsumer<CooperativeJoined, TrainingDbContext>(db, time)
{
    /// <summary>
    /// A burst of registrations is mostly cooperatives training has never heard of: those are written with one
    /// statement for the batch. The others — known through an earlier event, or named again later in the batch — are
    /// applied one at a time as before, after it, in the order they arrived, so each cooperative's facts still come in
    /// their order.
    /// </summary>
    protected override async Task ApplyAsync(IReadOnlyList<ConsumeContext<CooperativeJoined>> fresh, CancellationToken ct)
    {
        var withUnion = fresh.Where(m => m.Message.RegionalUnion is not null).ToList(); // the others: see HandleAsync
        var firstOfEach = withUnion.DistinctBy(m => m.Message.CooperativeId).ToList();
        var written = firstOfEach.Count == 0
            ? []
            : await RegisterFacts.StateNewCooperativesAsync(Db, [.. firstOfEach.Select(m =>
                (m.Message.CooperativeId, m.Message.RegionalUnion!, m.Message.Headcount, m.Message.OccurredAt))], ct);
        // A written cooperative's first message is the one written; the others are applied as before.
        var oneAtATime = withUnion.Where(m => !written.Remove(m.Message.CooperativeId)).ToList();
        if (oneAtATime.Count > 0)
        {
            await ApplyEachAsync(oneAtATime, ct);
        }
    }

    protected override async Task HandleAsync(ConsumeContext<CooperativeJoined> context, CancellationToken ct)
    {
        var joined = context.Message;
        if (joined.RegionalUnion is not { } union)
        {
            return; // published before events named the union: the cooperative's first PersonHired will
        }

        await RegisterFacts.StateRegionAsync(Db, joined.CooperativeId, union, joined.OccurredAt, ct);
        await RegisterFacts.StateDetailsAsync(Db, joined.CooperativeId, joined.Headcount, joined.OccurredAt, ct);
    }
}

/// <summary>
/// A cooperative's register entry changed: its declared headcount, and, when it moved to another région, its regional
/// union — its bookings, waiting-list entries and invitations here move with it, in this transaction.
/// </summary>
public sealed class CooperativeUpdatedConsumer(TrainingDbContext db, TimeProvider time)
    : InboxConsumer<CooperativeUpdated, TrainingDbContext>(db, time)
{
    protected override async Task HandleAsync(ConsumeContext<CooperativeUpdated> context, CancellationToken ct)
    {
        var updated = context.Message;
        await RegisterFacts.StateRegionAsync(Db, updated.CooperativeId, updated.RegionalUnion, updated.OccurredAt, ct);
        await RegisterFacts.StateDetailsAsync(Db, updated.CooperativeId, updated.Headcount, updated.OccurredAt, ct);
    }
}
