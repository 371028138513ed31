using MassTransit;
using Scop.Aspire.Contracts.Membership;
using Scop.Aspire.ServiceDefaults.Messaging;
using Scop.Aspire.Training.Data;

namespace Scop.Aspire.Training.Consumers;

/// <summary>A cooperative joined the register: training learns its regional union and declared headcount.</summary>
public sealed class CooperativeJoinedConsumer(TrainingDbContext db, TimeProvider time)
    : InboxBatchConsumer<CooperativeJoined, TrainingDbContext>(db, time)
{
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
