namespace Scop.Aspire.Contracts.Training;

/// <summary>
/// Seats freed up for a waiting-list entry: they are held for it as booking <paramref name="BookingId"/> until
/// <paramref name="ExpiresAt"/>; confirming the booking accepts the offer.
/// </summary>
public sealed record WaitlistOfferMade(
    Guid EventId,
    DateTimeOffset OccurredAt,
    Guid EntryId,
    Guid SessionId,
    Guid BookingId,
    int Quantity,
    DateTimeOffset ExpiresAt,
    IReadOnlyList<Guid> PersonIds) : IIntegrationEvent;
