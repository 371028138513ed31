namespace Scop.Aspire.RepriseWatch.Domain;

/// <summary>Whom a compartment of the seed fund serves: every union, one union, or a few together.</summary>
public enum CompartmentReach
{
    National,
    Regional,
    InterRegional,
}

/// <summary>Who funds a compartment.</summary>
public enum FunderKind
{
    Bank,
    Mutual,
    Region,
}

public enum FinancingStatus
{
    /// <summary>Asked for: its amounts are committed in their compartments, awaiting staff's decision.</summary>
    Requested,

    Approved,

    /// <summary>Refused by staff: its amounts went back to their compartments.</summary>
    Refused,
}

/// <summary>
/// A compartment of the seed fund (<i>fonds d'amorçage</i>): what its funders put in (<see cref="Holds"/>) and what
/// financing requests took from it (<see cref="Committed"/>, requested and approved alike). Amounts are in whole euros.
/// <see cref="Committed"/> never exceeds <see cref="Holds"/>: the database refuses it (a check constraint), and a request
/// takes its amount by a conditional update, so of concurrent requests those that fit succeed and the others are refused.
/// </summary>
public sealed class FundCompartment
{
    public const int MaxNameLength = 200;
    public const int MaxUnions = 13;

    public Guid Id { get; init; }

    public required string Name { get; init; }

    public CompartmentReach Reach { get; init; }

    /// <summary>The unions it serves: none for a national compartment, one for a regional one, two or more otherwise.</summary>
    public string[] RegionalUnions { get; init; } = [];

    public long Holds { get; init; }

    public long Committed { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public bool Serves(string regionalUnion) => Reach == CompartmentReach.National || RegionalUnions.Contains(regionalUnion);
}

/// <summary>A funder's contribution to a compartment: a partner (bank, mutual, region) and the amount it commits.</summary>
public sealed class FundContribution
{
    public const int MaxFunderNameLength = 200;

    public Guid Id { get; init; }

    public Guid CompartmentId { get; init; }

    /// <summary>The partner's code, as partner-hooks and its machine client know it (<c>credit-cooperatif</c>).</summary>
    public required string PartnerCode { get; init; }

    public FunderKind Kind { get; init; }

    public required string FunderName { get; init; }

    public long Amount { get; init; }

    public DateTimeOffset CommittedAt { get; init; }
}

/// <summary>A request to finance a takeover from one or more compartments, decided by federation or confederation staff.</summary>
public sealed class FinancingRequest
{
    public const int MaxParts = 10;
    public const int MaxCommentLength = 2_000;

    public Guid Id { get; init; }

    public Guid OpportunityId { get; init; }

    public required string RegionalUnion { get; init; }

    public long Amount { get; init; }

    public FinancingStatus Status { get; set; }

    public DateTimeOffset RequestedAt { get; init; }

    public Guid? RequestedByPersonId { get; init; }

    public required string RequestedByRole { get; init; }

    public string? Comment { get; init; }

    public DateTimeOffset? DecidedAt { get; set; }

    public Guid? DecidedByPersonId { get; set; }

    public string? DecidedByRole { get; set; }

    public string? DecisionComment { get; set; }

    public List<FinancingPart> Parts { get; init; } = [];
}

/// <summary>What a request takes from one compartment.</summary>
public sealed class FinancingPart
{
    public Guid RequestId { get; init; }

    public Guid CompartmentId { get; init; }

    public long Amount { get; init; }
}
