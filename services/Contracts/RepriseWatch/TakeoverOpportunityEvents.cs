namespace Scop.Aspire.Contracts.RepriseWatch;

// The strategic watch's pipeline, one event per step. The company's name and SIREN travel only when the opportunity's
// confidentiality is Open; otherwise they are null, and the opportunity id is the reference.

/// <summary>A company that may be taken over was reported, in <paramref name="RegionalUnion"/> (its commune's union).</summary>
public sealed record TakeoverOpportunityReported(
    Guid EventId,
    DateTimeOffset OccurredAt,
    Guid OpportunityId,
    string RegionalUnion,
    string CommuneCode,
    string NafCode,
    int Headcount,
    string Cause,
    string? Siren,
    string? CompanyName) : IIntegrationEvent;

/// <summary>The union's delegates qualified it: the owner was contacted, <paramref name="JobsAtStake"/> jobs are at stake.</summary>
public sealed record TakeoverOpportunityQualified(
    Guid EventId,
    DateTimeOffset OccurredAt,
    Guid OpportunityId,
    string RegionalUnion,
    DateOnly ContactedOn,
    int JobsAtStake) : IIntegrationEvent;

/// <summary>The feasibility study of the takeover started.</summary>
public sealed record TakeoverFeasibilityStarted(
    Guid EventId,
    DateTimeOffset OccurredAt,
    Guid OpportunityId,
    string RegionalUnion) : IIntegrationEvent;

/// <summary>The takeover is being financed (the feasibility study concluded).</summary>
public sealed record TakeoverFinancingStarted(
    Guid EventId,
    DateTimeOffset OccurredAt,
    Guid OpportunityId,
    string RegionalUnion,
    int? JobsAtStake) : IIntegrationEvent;

/// <summary>The company joined the movement as <paramref name="CooperativeId"/>, keeping <paramref name="JobsKept"/> jobs.</summary>
public sealed record TakeoverOpportunityConverted(
    Guid EventId,
    DateTimeOffset OccurredAt,
    Guid OpportunityId,
    string RegionalUnion,
    Guid CooperativeId,
    int JobsKept,
    string? Siren,
    string? CompanyName) : IIntegrationEvent;

/// <summary>The opportunity was lost at <paramref name="FromStage"/>, for <paramref name="Reason"/> (one of a fixed list).</summary>
public sealed record TakeoverOpportunityLost(
    Guid EventId,
    DateTimeOffset OccurredAt,
    Guid OpportunityId,
    string RegionalUnion,
    string FromStage,
    string Reason) : IIntegrationEvent;

/// <summary>
/// Nothing happened to the opportunity for the configured number of days: its union's delegates
/// (<paramref name="RegionalUnion"/>) should look at it.
/// </summary>
public sealed record TakeoverOpportunityStale(
    Guid EventId,
    DateTimeOffset OccurredAt,
    Guid OpportunityId,
    string RegionalUnion,
    string Stage,
    DateTimeOffset LastActivityAt) : IIntegrationEvent;
