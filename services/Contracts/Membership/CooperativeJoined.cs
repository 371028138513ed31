namespace Scop.Aspire.Contracts.Membership;

/// <summary>A cooperative registered with the movement.</summary>
public sealed record CooperativeJoined(
    Guid EventId,
    DateTimeOffset OccurredAt,
    Guid CooperativeId,
    string Name,
    string Siren,
    string LegalForm,
    string CommuneCode,
    string NafCode) : IIntegrationEvent;
