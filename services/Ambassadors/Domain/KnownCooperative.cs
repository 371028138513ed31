namespace Scop.Aspire.Ambassadors.Domain;

/// <summary>
/// A cooperative as the membership register's events told this service: what it is called, where and in what sector
/// it works, its regional union, and whether its membership of the movement is current (an Ambassade's condition).
/// Each fact keeps the moment the register stated it, so a late, older event changes nothing.
/// </summary>
public sealed class KnownCooperative
{
    public Guid Id { get; set; }

    public required string Name { get; set; }

    public required string LegalForm { get; set; }

    public required string CommuneCode { get; set; }

    public required string NafCode { get; set; }

    public required string RegionalUnion { get; set; }

    public DateTimeOffset DetailsStatedAt { get; set; }

    /// <summary>The last paid term's end (activation or renewal); null until the first dues.</summary>
    public DateOnly? MembershipTermEndsOn { get; set; }

    /// <summary>Membership's lapse (its grace period ended unpaid) after the last term.</summary>
    public bool MembershipLapsed { get; set; }

    public DateTimeOffset? MembershipStatedAt { get; set; }

    /// <summary>
    /// The register's events told this service of the cooperative itself, not only of its dues (a membership fact may
    /// arrive before the details it belongs with).
    /// </summary>
    public bool DetailsKnown => Name.Length > 0 && RegionalUnion.Length > 0;

    /// <summary>
    /// The membership is current as membership's events say: dues paid for a term and no lapse since. The grace period
    /// after a term's end is membership's rule: its <c>MembershipLapsed</c> says when it is over.
    /// </summary>
    public bool MembershipCurrent => MembershipTermEndsOn is not null && !MembershipLapsed;
}
