using MassTransit;
using Scop.Aspire.Contracts.Membership;
using Scop.Aspire.PartnerHooks.Data;
using Scop.Aspire.PartnerHooks.Payloads;
using Scop.Aspire.ServiceDefaults.Messaging;

namespace Scop.Aspire.PartnerHooks.Consumers;

/// <summary>A cooperative joined: every endpoint subscribed to <c>scop.membership.cooperative.joined</c> is told.</summary>
public sealed class CooperativeJoinedConsumer(PartnerHooksDbContext db, TimeProvider time)
    : InboxBatchConsumer<CooperativeJoined, PartnerHooksDbContext>(db, time)
{
    /// <summary>
    /// The whole batch planned at once: one read of the subscriptions instead of one a message. Each webhook continues
    /// the trace of the registration behind its own event, not the batch's.
    /// </summary>
    protected override Task ApplyAsync(IReadOnlyList<ConsumeContext<CooperativeJoined>> fresh, CancellationToken ct) =>
        DeliveryPlanner.PlanAsync(Db,
            [.. fresh.Select(m => new EventToPlan(PayloadMappers.Map(m.Message), SentTrace.ParentOf(m)))],
            partnerCode: null, Time.GetUtcNow(), ct);

    protected override Task HandleAsync(ConsumeContext<CooperativeJoined> context, CancellationToken ct) =>
        DeliveryPlanner.PlanAsync(Db, PayloadMappers.Map(context.Message), partnerCode: null, Time.GetUtcNow(), ct);
}
