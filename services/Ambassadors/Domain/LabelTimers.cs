using Scop.Aspire.Contracts;

namespace Scop.Aspire.Ambassadors.Domain;

/// <summary>
/// A durable timer the service sets for itself when a label is granted or renewed: an outbox row published
/// <c>Scop:Ambassadors:RenewalNotice</c> before the label's end. Consumed here, inbox-protected: if the label still ends
/// on <paramref name="LabelEndsOn"/> and no renewal was asked for, its manager is asked (<c>AmbassadeRenewalDue</c>).
/// </summary>
public sealed record LabelRenewalNoticeDue(Guid EventId, DateTimeOffset OccurredAt, Guid AmbassadeId, DateOnly LabelEndsOn)
    : IIntegrationEvent;

/// <summary>
/// The other timer of a granted or renewed label, published the day after its last day: if the label still ends on
/// <paramref name="LabelEndsOn"/> (no renewal extended it) and is in force or suspended, it expires.
/// </summary>
public sealed record LabelEndDue(Guid EventId, DateTimeOffset OccurredAt, Guid AmbassadeId, DateOnly LabelEndsOn)
    : IIntegrationEvent;
