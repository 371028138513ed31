using MassTransit;
using Scop.Aspire.Contracts.RepriseWatch;
using Scop.Aspire.PartnerHooks.Data;
using Scop.Aspire.PartnerHooks.Payloads;
using Scop.Aspire.ServiceDefaults.Messaging;

namespace Scop.Aspire.PartnerHooks.Consumers;

/// <summary>
/// The seed fund was asked to finance a takeover: each partner who funds a compartment it takes from is told, on its
/// endpoints subscribed to <c>scop.reprise-watch.seed-fund.requested</c>, of its own parts only.
/// </summary>
public sealed class SeedFundFinancingRequestedConsumer(PartnerHooksDbContext db, TimeProvider time)
    : InboxConsumer<SeedFundFinancingRequested, PartnerHooksDbContext>(db, time)
{
    protected override async Task HandleAsync(ConsumeContext<SeedFundFinancingRequested> context, CancellationToken ct)
    {
        foreach (var partner in PayloadMappers.FundersOf(context.Message.Parts))
        {
            await DeliveryPlanner.PlanAsync(Db, PayloadMappers.Map(context.Message, partner), partner, Time.GetUtcNow(), ct);
        }
    }
}

/// <summary>Staff approved or refused a financing request: its funders are told as of the request (<c>…seed-fund.approved</c>, <c>…refused</c>).</summary>
public sealed class SeedFundFinancingDecidedConsumer(PartnerHooksDbContext db, TimeProvider time)
    : InboxConsumer<SeedFundFinancingDecided, PartnerHooksDbContext>(db, time)
{
    protected override async Task HandleAsync(ConsumeContext<SeedFundFinancingDecided> context, CancellationToken ct)
    {
        foreach (var partner in PayloadMappers.FundersOf(context.Message.Parts))
        {
            await DeliveryPlanner.PlanAsync(Db, PayloadMappers.Map(context.Message, partner), partner, Time.GetUtcNow(), ct);
        }
    }
}

/// <summary>A job premium was granted: the bank asked to double it is told, on its endpoints subscribed to <c>scop.reprise-watch.job-premium.granted</c>.</summary>
public sealed class JobPremiumGrantedConsumer(PartnerHooksDbContext db, TimeProvider time)
    : InboxConsumer<JobPremiumGranted, PartnerHooksDbContext>(db, time)
{
    protected override Task HandleAsync(ConsumeContext<JobPremiumGranted> context, CancellationToken ct) =>
        DeliveryPlanner.PlanAsync(Db, PayloadMappers.Map(context.Message), context.Message.PartnerCode, Time.GetUtcNow(), ct);
}
