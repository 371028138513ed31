namespace Scop.Aspire.Contracts.Membership;

/// <summary>
/// A cooperative registered with the movement. <paramref name="RegionalUnion"/> (the union of its commune's région,
/// whose delegates act for it) and <paramref name="Headcount"/> (the number of people it declared) were added later:
/// null in events published before.
/// </summary>
[PublishedInPacks]
public sealed record CooperativeJoined(
    Guid EventId,
    DateTimeOffset OccurredAt,
    Guid CooperativeId,
    string Name,
    string Siren,
    string LegalForm,
    string CommuneCode,
    string NafCode,
    string? RegionalUnion = null,
    int? Headcount = null) : IIntegrationEvent;
