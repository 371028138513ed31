namespace Scop.Aspire.Training.Domain;

/// <summary>
/// The mutual training fund of one year. <see cref="CommittedCents"/> never exceeds <see cref="BudgetCents"/>: a check
/// constraint, and conditional updates that commit money only where it is left.
/// </summary>
public sealed class Fund
{
    public int Year { get; set; }

    public long BudgetCents { get; set; }

    public long CommittedCents { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>What the fund has paid for one person in one year; kept within the ceiling the same way.</summary>
public sealed class FundPersonUsage
{
    public int Year { get; set; }

    public Guid PersonId { get; set; }

    public long UsedCents { get; set; }
}

public enum FundingOutcome
{
    Granted,
    PartlyGranted,
    Refused,
    Released,
}

/// <summary>A decision of the fund on one booking, with its reason, kept for the record.</summary>
public sealed class FundingDecision
{
    public Guid Id { get; set; }

    public int Year { get; set; }

    public Guid BookingId { get; set; }

    public Guid? CooperativeId { get; set; }

    public FundingOutcome Outcome { get; set; }

    public long RequestedCents { get; set; }

    public long GrantedCents { get; set; }

    public required string Reason { get; set; }

    public DateTimeOffset DecidedAt { get; set; }
}
