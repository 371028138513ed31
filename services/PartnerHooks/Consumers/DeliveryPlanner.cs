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
    public static Task<int> PlanAsync(PartnerHooksDbContext db, CloudEvent cloudEvent, string? partnerCode,
        DateTimeOffset now, CancellationToken ct, Guid? personId = null) =>
        PlanAsync(db, [new EventToPlan(cloudEvent, PersonId: personId)], partnerCode, now, ct);

    /// <summary>
    /// Several events of one type at once, as a consumer's batch brings them: the subscriptions are read once for all
    /// of them. Returns the number of deliveries added.
    /// </summary>
    public static async Task<int> PlanAsync(PartnerHooksDbContext db, IReadOnlyList<EventToPlan> events, string? partnerCode,
        DateTimeOffset now, CancellationToken ct)
    {
        if (events.Count == 0)
        {
            return 0;
        }

        var eventType = events[0].CloudEvent.Type;
        if (events.Any(e => e.CloudEvent.Type != eventType))
        {
            throw new ArgumentException($"Events of one type are planned together; {eventType} came with others.", nameof(events));
        }

        var endpoints = db.Endpoints.Where(e => e.Enabled && e.EventTypes.Contains(eventType));
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

        var current = Activity.Current is { IdFormat: ActivityIdFormat.W3C } activity ? activity.Id : null;
        foreach (var planned in events)
        {
            var body = planned.CloudEvent.Serialize();
            var eventId = Guid.Parse(planned.CloudEvent.Id);
            var traceParent = planned.TraceParent ?? current;
            foreach (var endpointId in endpointIds)
            {
                db.Deliveries.Add(Domain.Delivery.Create(endpointId, eventId, eventType, body, now, traceParent, planned.PersonId));
            }
        }

        // The new rows wake the workers when this commits (see Program: AddCommitWakeup<Delivery>).
        return endpointIds.Count * events.Count;
    }
}

/// <summary>An event to deliver to its subscribers.</summary>
/// <param name="TraceParent">
/// The W3C traceparent its webhooks continue: that of the request behind the event; null for the current activity's.
/// </param>
/// <param name="PersonId">The person whose data the event carries, if any: their erasure will find its deliveries.</param>
public sealed record EventToPlan(CloudEvent CloudEvent, string? TraceParent = null, Guid? PersonId = null);
