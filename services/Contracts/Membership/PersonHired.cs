namespace Scop.Aspire.Contracts.Membership;

/// <summary>A person joined a cooperative's staff (as an employee or a worker-member).</summary>
public sealed record PersonHired(
    Guid EventId,
    DateTimeOffset OccurredAt,
    Guid PersonId,
    Guid CooperativeId,
    string RegionalUnion,
    DateOnly HiredOn) : IIntegrationEvent;
