using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Scop.Aspire.Contracts.RepriseWatch;
using Scop.Aspire.RepriseWatch.Data;
using Scop.Aspire.RepriseWatch.Domain;
using Scop.Aspire.ServiceDefaults.Messaging;

namespace Scop.Aspire.RepriseWatch.Consumers;

/// <summary>
/// An opportunity's stale timer went off: if it is still open, was not flagged yet, and nothing happened to it for
/// <c>StaleAfterDays</c> (a later report or move set a later timer, and this one finds it active), it is flagged stale
/// and its union's delegates are told by <c>TakeoverOpportunityStale</c>.
/// </summary>
public sealed class StaleCheckConsumer(RepriseWatchDbContext db, TimeProvider time, IOptions<RepriseWatchOptions> options)
    : InboxConsumer<StaleCheckDue, RepriseWatchDbContext>(db, time)
{
    protected override async Task HandleAsync(ConsumeContext<StaleCheckDue> context, CancellationToken ct)
    {
        var now = Time.GetUtcNow();
        var opportunity = await Db.Opportunities
            .FromSql($"SELECT *, xmin FROM opportunities WHERE id = {context.Message.OpportunityId} FOR UPDATE")
            .SingleOrDefaultAsync(ct);
        if (opportunity is not { IsOpen: true, StaleSince: null } || opportunity.LastActivityAt + options.Value.StaleAfter > now)
        {
            return;
        }

        opportunity.FlagStale(now);
        Db.AddIntegrationEvent(new TakeoverOpportunityStale(Guid.CreateVersion7(now), now, opportunity.Id,
            opportunity.RegionalUnion, opportunity.Stage.ToString(), opportunity.LastActivityAt), opportunity.Id.ToString());
    }
}
