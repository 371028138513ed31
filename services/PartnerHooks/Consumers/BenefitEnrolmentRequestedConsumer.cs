using MassTransit;
using Scop.Aspire.Contracts.Membership;
using Scop.Aspire.PartnerHooks.Data;
using Scop.Aspire.PartnerHooks.Payloads;
using Scop.Aspire.ServiceDefaults.Messaging;

namespace Scop.Aspire.PartnerHooks.Consumers;

/// <summary>
/// A member asked for a partner's benefit: only that partner's endpoints subscribed to
/// <c>scop.membership.benefit-enrolment.requested</c> receive it, with the minimised, consented payload.
/// </summary>
public sealed class BenefitEnrolmentRequestedConsumer(PartnerHooksDbContext db, TimeProvider time)
    : InboxConsumer<BenefitEnrolmentRequested, PartnerHooksDbContext>(db, time)
{
    protected override Task HandleAsync(ConsumeContext<BenefitEnrolmentRequested> context, CancellationToken ct) =>
        DeliveryPlanner.PlanAsync(Db, PayloadMappers.Map(context.Message), context.Message.PartnerCode, Time.GetUtcNow(), ct,
            context.Message.PersonId);
}
