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
    protected override Task HandleAsync(ConsumeContext<CooperativeJoined> context, CancellationToken ct) =>
        DeliveryPlanner.PlanAsync(Db, PayloadMappers.Map(context.Message), partnerCode: null, Time.GetUtcNow(), ct);
}
