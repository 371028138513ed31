using Scop.Aspire.Contracts;

namespace Scop.Aspire.Portal.Domain;

/// <summary>
/// A durable timer the portal sets for itself: an outbox row published at <paramref name="PublishAt"/>, consumed here,
/// that publishes the item if it is still scheduled for that moment (a new schedule or an unpublish made it moot).
/// </summary>
public sealed record ContentPublicationDue(Guid EventId, DateTimeOffset OccurredAt, Guid ItemId, DateTimeOffset PublishAt)
    : IIntegrationEvent;
