namespace Scop.Aspire.RepriseWatch.Domain;

/// <summary>
/// A year of the job premium (<i>prime à l'emploi</i>): the amount granted per job, the budget, what was granted so
/// far, and the partner bank asked to double each premium with an interest-free loan. <see cref="Granted"/> never exceeds
/// <see cref="Budget"/>: a premium takes its amount by a conditional update, and the table checks it besides.
/// </summary>
public sealed class PremiumYear
{
    public const int FirstYear = 2020;
    public const int LastYear = 2100;

    public int Year { get; init; }

    public long AmountPerJob { get; set; }

    public long Budget { get; set; }

    public long Granted { get; init; }

    public required string PartnerCode { get; set; }
}

/// <summary>A regional union's top-up of the premiums of its cooperatives in a year: an amount per job, up to a ceiling per premium.</summary>
public sealed class RegionalTopUp
{
    public int Year { get; init; }

    public required string RegionalUnion { get; init; }

    public long AmountPerJob { get; set; }

    public long Ceiling { get; set; }

    public long For(int jobs) => Math.Min(jobs * AmountPerJob, Ceiling);
}

public enum LoanStatus
{
    /// <summary>The bank was asked (by webhook) to double the premium; it has not answered yet.</summary>
    Asked,
    Accepted,
    Refused,
}

/// <summary>
/// A premium granted to a cooperative — new, or the outcome of a converted takeover — for the jobs it created or kept,
/// once per cooperative, and the partner bank's answer to doubling it with an interest-free loan.
/// </summary>
public sealed class JobPremium
{
    public const int MaxReferenceLength = 100;
    public const int MaxReasonLength = 2_000;

    public Guid Id { get; init; }

    public Guid CooperativeId { get; init; }

    public required string Siren { get; init; }

    public required string RegionalUnion { get; init; }

    /// <summary>The takeover the cooperative came from, when it came from one.</summary>
    public Guid? OpportunityId { get; init; }

    public int Year { get; init; }

    public int Jobs { get; init; }

    public long AmountPerJob { get; init; }

    /// <summary>What the movement grants: <see cref="Jobs"/> × <see cref="AmountPerJob"/>, from the year's budget.</summary>
    public long Amount { get; init; }

    /// <summary>What the cooperative's regional union adds under its top-up rule of the year (0 without one).</summary>
    public long RegionalTopUp { get; init; }

    public DateTimeOffset GrantedAt { get; init; }

    public Guid? GrantedByPersonId { get; init; }

    public required string GrantedByRole { get; init; }

    /// <summary>The bank asked to double it.</summary>
    public required string PartnerCode { get; init; }

    public LoanStatus LoanStatus { get; init; }

    public string? LoanReference { get; init; }

    public string? LoanRefusalReason { get; init; }

    public DateTimeOffset? LoanAnsweredAt { get; init; }
}
