using MassTransit;
using Microsoft.EntityFrameworkCore;
using Scop.Aspire.Contracts.Ambassadors;
using Scop.Aspire.Membership.Data;
using Scop.Aspire.Membership.Domain;
using Scop.Aspire.ServiceDefaults;
using Scop.Aspire.ServiceDefaults.Messaging;

namespace Scop.Aspire.Membership.Consumers;

/// <summary>
/// A cooperative was labelled SCOP Ambassade: its signage kit joins the welcome kits' flow (requested, then shipped and
/// delivered by staff), as the kit of an <see cref="CooperativeEventKind.AmbassadeLabel"/> event held on the day of the
/// label — once, whatever the redeliveries (the inbox, and the unique event of a kind and day besides).
/// </summary>
public sealed class SignageKitOrderedConsumer(MembershipDbContext db, TimeProvider time, ILogger<SignageKitOrderedConsumer> logger)
    : InboxConsumer<SignageKitOrdered, MembershipDbContext>(db, time)
{
    protected override async Task HandleAsync(ConsumeContext<SignageKitOrdered> context, CancellationToken ct)
    {
        var ordered = context.Message;
        var cooperative = await Db.Cooperatives.AsNoTracking().SingleOrDefaultAsync(c => c.Id == ordered.CooperativeId, ct);
        if (cooperative is null)
        {
            // The ambassadors service knows cooperatives from this register's own events: one unknown here was erased.
            logger.LogWarning("Signage kit ordered for cooperative {CooperativeId}, which the register does not hold: not shipped.",
                ordered.CooperativeId);
            return;
        }

        var heldOn = ParisCalendar.DateOf(ordered.OccurredAt);
        if (await Db.CooperativeEvents.AnyAsync(e => e.CooperativeId == cooperative.Id && e.Kind == CooperativeEventKind.AmbassadeLabel
            && e.HeldOn == heldOn, ct))
        {
            return;
        }

        var now = Time.GetUtcNow();
        var id = Guid.CreateVersion7(now);
        Db.CooperativeEvents.Add(new CooperativeEvent
        {
            Id = id, CooperativeId = cooperative.Id, RegionalUnion = cooperative.RegionalUnion, Kind = CooperativeEventKind.AmbassadeLabel,
            HeldOn = heldOn, DeclaredAt = now,
            Kit = new KitShipment { Id = Guid.CreateVersion7(now), EventId = id, RequestedAt = now },
        });
    }
}
