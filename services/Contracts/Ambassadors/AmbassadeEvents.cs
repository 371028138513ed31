namespace Scop.Aspire.Contracts.Ambassadors;

// The SCOP Ambassade label's workflow, one event per step. Every event names the Ambassade, its cooperative and the
// regional union whose delegates review it. Reasons are the delegates' words about a cooperative (a legal entity),
// never about a person.

/// <summary>
/// A cooperative's manager applied for the label (<paramref name="Renewal"/> false), or asked for the renewal of the
/// label in force (<paramref name="Renewal"/> true).
/// </summary>
public sealed record AmbassadeApplied(
    Guid EventId,
    DateTimeOffset OccurredAt,
    Guid AmbassadeId,
    Guid CooperativeId,
    string RegionalUnion,
    bool Renewal) : IIntegrationEvent;

/// <summary>
/// The union's delegate visited the cooperative and filled the checklist; <paramref name="MembershipCurrent"/> is what
/// the membership register's events said at the review.
/// </summary>
public sealed record AmbassadeReviewed(
    Guid EventId,
    DateTimeOffset OccurredAt,
    Guid AmbassadeId,
    Guid CooperativeId,
    string RegionalUnion,
    DateOnly VisitOn,
    bool SignageInPlace,
    bool CanWelcomeAndInform,
    bool LocalRepresentation,
    bool MembershipCurrent) : IIntegrationEvent;

/// <summary>The label was granted (or renewed: <paramref name="Renewal"/>) until <paramref name="LabelEndsOn"/>, its last day.</summary>
public sealed record AmbassadeLabelled(
    Guid EventId,
    DateTimeOffset OccurredAt,
    Guid AmbassadeId,
    Guid CooperativeId,
    string RegionalUnion,
    string Name,
    string CommuneCode,
    string Region,
    DateOnly LabelledOn,
    DateOnly LabelEndsOn,
    bool Renewal) : IIntegrationEvent;

/// <summary>The application (or the renewal: the label then runs to its end) was refused, with a reason.</summary>
public sealed record AmbassadeRefused(
    Guid EventId,
    DateTimeOffset OccurredAt,
    Guid AmbassadeId,
    Guid CooperativeId,
    string RegionalUnion,
    string Reason,
    bool Renewal) : IIntegrationEvent;

/// <summary>The label ends on <paramref name="LabelEndsOn"/> and no renewal was asked for: its manager is asked to apply for one.</summary>
public sealed record AmbassadeRenewalDue(
    Guid EventId,
    DateTimeOffset OccurredAt,
    Guid AmbassadeId,
    Guid CooperativeId,
    string RegionalUnion,
    DateOnly LabelEndsOn) : IIntegrationEvent;

/// <summary>The label was suspended, with a reason: the Ambassade is out of the directory until reinstated.</summary>
public sealed record AmbassadeSuspended(
    Guid EventId,
    DateTimeOffset OccurredAt,
    Guid AmbassadeId,
    Guid CooperativeId,
    string RegionalUnion,
    string Reason) : IIntegrationEvent;

/// <summary>A suspended label is in force again: the Ambassade is back in the directory.</summary>
public sealed record AmbassadeReinstated(
    Guid EventId,
    DateTimeOffset OccurredAt,
    Guid AmbassadeId,
    Guid CooperativeId,
    string RegionalUnion) : IIntegrationEvent;

/// <summary>The label was withdrawn for good, with a reason.</summary>
public sealed record AmbassadeWithdrawn(
    Guid EventId,
    DateTimeOffset OccurredAt,
    Guid AmbassadeId,
    Guid CooperativeId,
    string RegionalUnion,
    string Reason) : IIntegrationEvent;

/// <summary>The label reached its last day, <paramref name="LabelEndedOn"/>, without a renewal.</summary>
public sealed record AmbassadeExpired(
    Guid EventId,
    DateTimeOffset OccurredAt,
    Guid AmbassadeId,
    Guid CooperativeId,
    string RegionalUnion,
    DateOnly LabelEndedOn) : IIntegrationEvent;

/// <summary>
/// A newly labelled Ambassade needs its signage (the plaque and window sticker that say "SCOP Ambassade"): membership's
/// kit flow ships it to the cooperative. The address facts are the register's (the commune), as this service holds them.
/// </summary>
public sealed record SignageKitOrdered(
    Guid EventId,
    DateTimeOffset OccurredAt,
    Guid CooperativeId,
    Guid AmbassadeId,
    string RegionalUnion,
    string CooperativeName,
    string CommuneCode,
    string CommuneName,
    string Departement,
    string Region) : IIntegrationEvent;
