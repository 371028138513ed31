using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Scop.Aspire.PartnerHooks.Data;
using Scop.Aspire.PartnerHooks.Payloads;

namespace Scop.Aspire.PartnerHooks.Consumers;

/// <summary>
/// Turns an arriving event into one delivery per enabled endpoint subscribed to its type (and, for an event addressed
/// to one partner, only that partner's endpoints). The rows are added to the consumer's unit of work, so they commit
/// with its inbox row: an event is planned once, durably, or not at all.
/// </summary>
public static class DeliveryPlanner
{
    /// <param name="personId">The person whose data the event carries, if any: their erasure will find its deliveries.</param>
    public static async Task<int> PlanAsync(PartnerHooksDbContext db, CloudEvent cloudEvent, string? partnerCode,
        DateTimeOffset now, CancellationToken ct, Guid? personId = null)
    {
        var endpoints = db.Endpoints.Where(e => e.Enabled && e.EventTypes.Contains(cloudEvent.Type));
        if (partnerCode is not null)
        {
            var partnerIds = db.Partners.Where(p => p.Code == partnerCode).Select(p => p.Id);
            endpoints = endpoints.Where(e => partnerIds.Contains(e.PartnerId));
        }

        var endpointIds = await endpoints.Select(e => e.Id).ToListAsync(ct);
        if (endpointIds.Count == 0)
        {
            return 0;
        }

        var body = cloudEvent.Serialize();
        var eventId = Guid.Parse(cloudEvent.Id);
        var traceParent = Activity.Current is { IdFormat: ActivityIdFormat.W3C } activity ? activity.Id : null;
        foreach (var endpointId in endpointIds)
        {
            db.Deliveries.Add(Domain.Delivery.Create(endpointId, eventId, cloudEvent.Type, body, now, traceParent, personId));
        }

        // The new rows wake the workers when this commits (see Program: AddCommitWakeup<Delivery>).
        return endpointIds.Count;
    }
}
