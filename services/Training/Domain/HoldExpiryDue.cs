using Scop.Aspire.Contracts;

namespace Scop.Aspire.Training.Domain;

/// <summary>
/// A durable timer the service sets for itself: an outbox row published at <c>HoldExpiresAt</c>, consumed here, that
/// releases the hold if it is still unconfirmed. It survives restarts, and the inbox makes it fire once.
/// </summary>
public sealed record HoldExpiryDue(Guid EventId, DateTimeOffset OccurredAt, Guid BookingId) : IIntegrationEvent;
