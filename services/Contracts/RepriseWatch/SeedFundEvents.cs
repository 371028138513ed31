namespace Scop.Aspire.Contracts.RepriseWatch;

// The seed fund's financing requests. Each part names the partners who fund its compartment: partner-hooks tells each
// partner of the parts it funds only. The company's name and SIREN travel only when the opportunity is Open.

/// <summary>What a financing request takes from one compartment, and who funds that compartment.</summary>
public sealed record SeedFundPart(Guid CompartmentId, string CompartmentName, long Amount, IReadOnlyList<string> PartnerCodes);

/// <summary>A delegate asked the seed fund to finance a takeover: the amounts (whole euros) are committed, awaiting staff.</summary>
public sealed record SeedFundFinancingRequested(
    Guid EventId,
    DateTimeOffset OccurredAt,
    Guid RequestId,
    Guid OpportunityId,
    string RegionalUnion,
    string NafCode,
    int? JobsAtStake,
    string? Siren,
    string? CompanyName,
    long Amount,
    IReadOnlyList<SeedFundPart> Parts) : IIntegrationEvent;

/// <summary>Staff approved the request, or refused it and its amounts went back to their compartments.</summary>
public sealed record SeedFundFinancingDecided(
    Guid EventId,
    DateTimeOffset OccurredAt,
    Guid RequestId,
    Guid OpportunityId,
    string RegionalUnion,
    bool Approved,
    long Amount,
    IReadOnlyList<SeedFundPart> Parts) : IIntegrationEvent;
