using Scop.Aspire.ReferenceData;

namespace Scop.Aspire.Ambassadors.Domain;

public enum LabelStatus
{
    /// <summary>The manager applied; the union's delegate visits and reviews.</summary>
    Applied,

    /// <summary>Labelled: in the public directory until its label ends.</summary>
    Labelled,

    Refused,

    /// <summary>Out of the directory for a while, with a reason; reinstated or withdrawn.</summary>
    Suspended,

    /// <summary>Withdrawn for good, with a reason.</summary>
    Withdrawn,

    /// <summary>The label reached its end without a renewal.</summary>
    Expired,
}

/// <summary>Where an Ambassade's position comes from.</summary>
public enum AmbassadePositionSource
{
    /// <summary>The position of its address's commune (the reference data).</summary>
    Commune,

    /// <summary>A point its manager set (the door of the cooperative).</summary>
    Manager,
}

/// <summary>
/// A cooperative's SCOP Ambassade label, from the application to its end: who applied, the union delegate's visit and
/// checklist, the decision, the label's years, suspensions and withdrawal. Its position (the commune's, or a point its
/// manager set) is what the nearest search measures from; the database keeps the geography beside the two numbers.
/// </summary>
public sealed class Ambassade
{
    public const int MaxTextLength = 2000;
    public const int MaxReasonLength = 500;

    public Guid Id { get; set; }

    public Guid CooperativeId { get; set; }

    /// <summary>The cooperative's name, a legal entity's: the public directory shows it.</summary>
    public required string Name { get; set; }

    public required string LegalForm { get; set; }

    public required string NafCode { get; set; }

    /// <summary>The NAF division (two digits) of <see cref="NafCode"/>: the directory's sector filter.</summary>
    public required string NafDivision { get; set; }

    public required string CommuneCode { get; set; }

    public required string Departement { get; set; }

    public required string Region { get; set; }

    public required string RegionalUnion { get; set; }

    /// <summary>Null only for a commune without a known position whose manager set no point (never 0,0).</summary>
    public double? Latitude { get; set; }

    public double? Longitude { get; set; }

    public AmbassadePositionSource PositionSource { get; set; }

    public LabelStatus Status { get; set; }

    /// <summary>Why the cooperative applies: what it can offer project holders (the manager's words).</summary>
    public string? Motivation { get; set; }

    /// <summary>The person (register id) who applied, from their token.</summary>
    public Guid? AppliedBy { get; set; }

    public DateTimeOffset AppliedAt { get; set; }

    public DateOnly? VisitOn { get; set; }

    public bool? SignageInPlace { get; set; }

    public bool? CanWelcomeAndInform { get; set; }

    public bool? LocalRepresentation { get; set; }

    /// <summary>The cooperative's membership was current at the review, as membership's events told this service.</summary>
    public bool? MembershipCurrent { get; set; }

    public Guid? ReviewedBy { get; set; }

    public DateTimeOffset? ReviewedAt { get; set; }

    public Guid? DecidedBy { get; set; }

    public DateTimeOffset? DecidedAt { get; set; }

    /// <summary>The reason of a refusal, suspension or withdrawal.</summary>
    public string? Reason { get; set; }

    public DateOnly? LabelledOn { get; set; }

    /// <summary>The last day of the label; renewal extends it.</summary>
    public DateOnly? LabelEndsOn { get; set; }

    /// <summary>The manager asked for the label's renewal (after the renewal reminder, or before it).</summary>
    public DateTimeOffset? RenewalRequestedAt { get; set; }

    /// <summary>Optimistic concurrency (PostgreSQL's xmin): the ETag.</summary>
    public uint Version { get; set; }

    /// <summary>A delegate's decision is awaited: a first application, or the renewal of the label in force.</summary>
    public bool AwaitsDecision => Status == LabelStatus.Applied || (Status == LabelStatus.Labelled && RenewalRequestedAt is not null);

    /// <summary>The checklist's criteria the review did not find met (all of them before a review).</summary>
    public IReadOnlyList<string> MissingCriteria()
    {
        var missing = new List<string>();
        if (SignageInPlace != true)
        {
            missing.Add("signageInPlace");
        }

        if (CanWelcomeAndInform != true)
        {
            missing.Add("canWelcomeAndInform");
        }

        if (LocalRepresentation != true)
        {
            missing.Add("localRepresentation");
        }

        return missing;
    }

    /// <summary>The manager asks for the renewal of the label in force: a new review and decision, the label running meanwhile.</summary>
    public void RequestRenewal(Guid? by, string? motivation, DateTimeOffset now)
    {
        RenewalRequestedAt = now;
        AppliedBy = by;
        Motivation = motivation ?? Motivation;
        ClearReview();
    }

    public void Review(Guid? by, DateOnly visitOn, bool signage, bool welcome, bool representation, bool membershipCurrent,
        DateTimeOffset now)
    {
        VisitOn = visitOn;
        SignageInPlace = signage;
        CanWelcomeAndInform = welcome;
        LocalRepresentation = representation;
        MembershipCurrent = membershipCurrent;
        ReviewedBy = by;
        ReviewedAt = now;
    }

    /// <summary>
    /// Grants the label for <paramref name="years"/> from <paramref name="today"/>, or, for a renewal, extends it by as
    /// many years from the end of the current term. Answers whether it was a renewal.
    /// </summary>
    public bool Approve(Guid? by, int years, DateOnly today, DateTimeOffset now)
    {
        var renewal = Status == LabelStatus.Labelled;
        if (renewal)
        {
            LabelEndsOn = LabelEndsOn!.Value.AddYears(years);
            RenewalRequestedAt = null;
        }
        else
        {
            Status = LabelStatus.Labelled;
            LabelledOn = today;
            LabelEndsOn = today.AddYears(years).AddDays(-1);
        }

        Decide(by, null, now);
        return renewal;
    }

    /// <summary>Refuses the application (it ends), or the renewal (the label runs to its end). Answers whether it was a renewal.</summary>
    public bool Refuse(Guid? by, string reason, DateTimeOffset now)
    {
        var renewal = Status == LabelStatus.Labelled;
        if (renewal)
        {
            RenewalRequestedAt = null;
        }
        else
        {
            Status = LabelStatus.Refused;
        }

        Decide(by, reason, now);
        return renewal;
    }

    public void Suspend(Guid? by, string reason, DateTimeOffset now)
    {
        Status = LabelStatus.Suspended;
        Decide(by, reason, now);
    }

    public void Reinstate(Guid? by, DateTimeOffset now)
    {
        Status = LabelStatus.Labelled;
        Decide(by, null, now);
    }

    public void Withdraw(Guid? by, string reason, DateTimeOffset now)
    {
        Status = LabelStatus.Withdrawn;
        RenewalRequestedAt = null;
        Decide(by, reason, now);
    }

    /// <summary>The manager set the door of the cooperative as the Ambassade's position.</summary>
    public void PlaceAt(GeoPoint point)
    {
        Latitude = point.Latitude;
        Longitude = point.Longitude;
        PositionSource = AmbassadePositionSource.Manager;
    }

    /// <summary>Back to its commune's position (null where the commune has none).</summary>
    public void PlaceAtCommune(GeoPoint? commune)
    {
        Latitude = commune?.Latitude;
        Longitude = commune?.Longitude;
        PositionSource = AmbassadePositionSource.Commune;
    }

    /// <summary>Its last day passed without a renewal (a renewal asked for but not granted by then lapses with it).</summary>
    public void Expire()
    {
        Status = LabelStatus.Expired;
        RenewalRequestedAt = null;
    }

    private void Decide(Guid? by, string? reason, DateTimeOffset now)
    {
        DecidedBy = by;
        DecidedAt = now;
        Reason = reason;
    }

    private void ClearReview()
    {
        VisitOn = null;
        SignageInPlace = null;
        CanWelcomeAndInform = null;
        LocalRepresentation = null;
        MembershipCurrent = null;
        ReviewedBy = null;
        ReviewedAt = null;
    }
}
