namespace Scop.Aspire.Contracts.Membership;

/// <summary>
/// A cooperative's register entry changed (name, commune, sector, declared headcount). When its new commune lies in
/// another région, <paramref name="RegionalUnion"/> differs from <paramref name="PreviousRegionalUnion"/>: the
/// cooperative, its people and everything of theirs now belong to the new union, whose delegates act for them, and
/// the old union's delegates no longer do. Services that keep copies scoped by region move them.
/// </summary>
public sealed record CooperativeUpdated(
    Guid EventId,
    DateTimeOffset OccurredAt,
    Guid CooperativeId,
    string Name,
    string CommuneCode,
    string NafCode,
    string RegionalUnion,
    string PreviousRegionalUnion,
    int? Headcount) : IIntegrationEvent;
