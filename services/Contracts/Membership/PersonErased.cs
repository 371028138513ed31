namespace Scop.Aspire.Contracts.Membership;

/// <summary>
/// A person exercised their right to erasure: every service removes or anonymises what identifies them, keeping only
/// what it must for statistics, without the link to the person.
/// </summary>
public sealed record PersonErased(
    Guid EventId,
    DateTimeOffset OccurredAt,
    Guid PersonId) : IIntegrationEvent;
