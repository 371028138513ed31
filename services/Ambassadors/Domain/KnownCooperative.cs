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
}
