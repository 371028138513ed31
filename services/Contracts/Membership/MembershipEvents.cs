namespace Scop.Aspire.Contracts.Membership;

/// <summary>A cooperative paid its first dues: its membership of the movement runs from <paramref name="TermStartsOn"/>.</summary>
public sealed record MembershipActivated(
    Guid EventId,
    DateTimeOffset OccurredAt,
    Guid MembershipId,
    Guid CooperativeId,
    string RegionalUnion,
    DateOnly TermStartsOn,
    DateOnly TermEndsOn) : IIntegrationEvent;

/// <summary>A cooperative renewed its membership: a new term, contiguous with the last unless it had lapsed.</summary>
public sealed record MembershipRenewed(
    Guid EventId,
    DateTimeOffset OccurredAt,
    Guid MembershipId,
    Guid CooperativeId,
    string RegionalUnion,
    DateOnly TermStartsOn,
    DateOnly TermEndsOn) : IIntegrationEvent;

/// <summary>The grace period after a cooperative's last term ended with no renewal: the membership has lapsed.</summary>
public sealed record MembershipLapsed(
    Guid EventId,
    DateTimeOffset OccurredAt,
    Guid MembershipId,
    Guid CooperativeId,
    string RegionalUnion,
    DateOnly TermEndedOn) : IIntegrationEvent;

/// <summary>An elected official took up a mandate (<paramref name="Level"/>: Regional, Federal or Confederal).</summary>
public sealed record MandateStarted(
    Guid EventId,
    DateTimeOffset OccurredAt,
    Guid MandateId,
    Guid PersonId,
    string Level,
    string Title,
    string RegionalUnion,
    DateOnly StartsOn,
    DateOnly? EndsOn) : IIntegrationEvent;
