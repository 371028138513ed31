namespace Scop.Aspire.Contracts.RepriseWatch;

// The seed fund and the job premium. Each seed-fund part names the partners who fund its compartment: partner-hooks tells each
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

/// <summary>
/// The movement granted a cooperative its job premium for <paramref name="Jobs"/> jobs created or kept; the partner bank
/// <paramref name="PartnerCode"/> is asked to double <paramref name="Amount"/> (whole euros) with an interest-free loan.
/// </summary>
public sealed record JobPremiumGranted(
    Guid EventId,
    DateTimeOffset OccurredAt,
    Guid PremiumId,
    Guid CooperativeId,
    string Siren,
    string RegionalUnion,
    int Year,
    int Jobs,
    long Amount,
    long RegionalTopUp,
    string PartnerCode) : IIntegrationEvent;

/// <summary>The bank answered: the loan that doubles the premium was granted (with its reference) or refused.</summary>
public sealed record JobPremiumLoanAnswered(
    Guid EventId,
    DateTimeOffset OccurredAt,
    Guid PremiumId,
    Guid CooperativeId,
    string RegionalUnion,
    int Year,
    bool Accepted,
    string? LoanReference) : IIntegrationEvent;
