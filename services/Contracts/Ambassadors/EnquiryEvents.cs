namespace Scop.Aspire.Contracts.Ambassadors;

// A project holder's enquiry to an SCOP Ambassade. No event carries anything about the person: no name, contact or
// text — only ids, the Ambassade, its union, the project's sector (NAF division) and commune (INSEE code), for the
// figures and the follow-up by the union.

/// <summary>An enquiry reached its Ambassade; a first answer is due by <paramref name="DueOn"/> (5 working days).</summary>
public sealed record EnquiryReceived(
    Guid EventId,
    DateTimeOffset OccurredAt,
    Guid EnquiryId,
    Guid AmbassadeId,
    Guid CooperativeId,
    string RegionalUnion,
    string Sector,
    string CommuneCode,
    bool ToNearest,
    DateOnly DueOn) : IIntegrationEvent;

/// <summary>The Ambassade (or its union) recorded the first answer; <paramref name="OnTime"/> by the deadline.</summary>
public sealed record EnquiryAnswered(
    Guid EventId,
    DateTimeOffset OccurredAt,
    Guid EnquiryId,
    Guid AmbassadeId,
    string RegionalUnion,
    DateOnly DueOn,
    bool OnTime) : IIntegrationEvent;

/// <summary>
/// An enquiry still unanswered past its deadline: <paramref name="Level"/> <c>Union</c> (the union's delegates, at the
/// first deadline) or <c>Federation</c> (federation staff, a second deadline later).
/// </summary>
public sealed record EnquiryEscalated(
    Guid EventId,
    DateTimeOffset OccurredAt,
    Guid EnquiryId,
    Guid AmbassadeId,
    string RegionalUnion,
    string Level,
    DateOnly DueOn) : IIntegrationEvent;

/// <summary>The project holder withdrew their enquiry; their data is erased, an anonymous row is kept for the figures.</summary>
public sealed record EnquiryWithdrawn(
    Guid EventId,
    DateTimeOffset OccurredAt,
    Guid EnquiryId,
    Guid AmbassadeId,
    string RegionalUnion) : IIntegrationEvent;
