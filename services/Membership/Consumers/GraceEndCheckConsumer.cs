using MassTransit;
using Microsoft.EntityFrameworkCore;
using Scop.Aspire.Contracts;
using Scop.Aspire.Contracts.Membership;
using Scop.Aspire.Membership.Data;
using Scop.Aspire.ServiceDefaults.Messaging;
using Scop.Aspire.ServiceDefaults;

namespace Scop.Aspire.Membership.Consumers;

/// <summary>
/// The service's own durable timer: published by the outbox relay when the grace period after
/// <paramref name="TermEndsOn"/> is over. Internal to the membership service, hence not in the contracts.
/// </summary>
public sealed record GraceEndCheck(Guid EventId, DateTimeOffset OccurredAt, Guid MembershipId, DateOnly TermEndsOn)
    : IIntegrationEvent;

/// <summary>
/// At the end of a grace period, computes the status again: if no renewal came in between, publishes
/// MembershipLapsed — exactly once: the inbox drops a redelivery, the membership row records the lapse reported (a
/// second timer for the same term finds it), and its row version makes two concurrent checks conflict.
/// </summary>
public sealed class GraceEndCheckConsumer(MembershipDbContext db, TimeProvider time)
    : InboxConsumer<GraceEndCheck, MembershipDbContext>(db, time)
{
    protected override async Task HandleAsync(ConsumeContext<GraceEndCheck> context, CancellationToken ct)
    {
        var check = context.Message;
        var membership = await Db.Memberships.Include(m => m.Terms).SingleOrDefaultAsync(m => m.Id == check.MembershipId, ct);
        var now = Time.GetUtcNow();
        if (membership is null || !membership.TryReportLapse(check.TermEndsOn, ParisCalendar.DateOf(now)))
        {
            return; // renewed in between, or already reported
        }

        Db.AddIntegrationEvent(new MembershipLapsed(Guid.CreateVersion7(now), now, membership.Id, membership.CooperativeId,
            membership.RegionalUnion, check.TermEndsOn), membership.Id.ToString());
    }
}

public sealed class GraceEndCheckConsumerDefinition : ConsumerDefinition<GraceEndCheckConsumer>
{
    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpoint,
        IConsumerConfigurator<GraceEndCheckConsumer> consumer, IRegistrationContext context) =>
        endpoint.UseMessageRetry(retry => retry.Intervals(50, 200, 1000)); // a concurrency conflict is retried
}
