namespace Scop.Aspire.Contracts.Training;

/// <summary>
/// A booking lost its seats without its holder asking: the session was cancelled (<c>SessionCancelled</c>) or the hold
/// or waiting-list offer expired (<c>HoldExpired</c>). Notifications go to <paramref name="PersonIds"/>.
/// </summary>
public sealed record BookingReleased(
    Guid EventId,
    DateTimeOffset OccurredAt,
    Guid BookingId,
    Guid SessionId,
    string Reason,
    IReadOnlyList<Guid> PersonIds) : IIntegrationEvent;
