namespace Scop.Aspire.RepriseWatch.Domain;

/// <summary>The size of a company by its headcount, in INSEE's bands: the sizes a volunteer would take on.</summary>
public enum CompanySize
{
    Under10,
    From10To49,
    From50To249,
    From250,
}

public static class CompanySizes
{
    public static CompanySize Of(int headcount) => headcount switch
    {
        < 10 => CompanySize.Under10,
        < 50 => CompanySize.From10To49,
        < 250 => CompanySize.From50To249,
        _ => CompanySize.From250,
    };
}

/// <summary>
/// A person of a member cooperative in the pool of future managers (<i>vivier de dirigeant·es</i>): the NAF divisions
/// and the company sizes they would take on. Their region is their cooperative's; their readiness is the managers'
/// path completed in training (<see cref="KnownPerson.ManagersPathCompletedOn"/>). One entry per person.
/// </summary>
public sealed class PoolVolunteer
{
    public const int MaxDivisions = 20;

    public Guid PersonId { get; set; }

    public required string[] NafDivisions { get; set; }

    /// <summary>The <see cref="CompanySize"/> names.</summary>
    public required string[] CompanySizes { get; set; }

    public DateTimeOffset VolunteeredAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}

public enum ProposalOutcome
{
    Proposed,
    Accepted,
    Declined,
    Withdrawn,
}

/// <summary>A candidate of the pool proposed by a delegate for an opportunity, and what came of it.</summary>
public sealed class CandidateProposal
{
    public const int MaxCommentLength = 2000;

    public Guid Id { get; set; }

    public Guid OpportunityId { get; set; }

    public Guid PersonId { get; set; }

    public DateTimeOffset ProposedAt { get; set; }

    public Guid? ProposedByPersonId { get; set; }

    public required string ProposedByRole { get; set; }

    public ProposalOutcome Outcome { get; set; }

    public DateTimeOffset? OutcomeAt { get; set; }

    public string? OutcomeComment { get; set; }
}
