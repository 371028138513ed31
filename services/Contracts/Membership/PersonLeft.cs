namespace Scop.Aspire.Contracts.Membership;

/// <summary>A person left their cooperative on <paramref name="LeftOn"/>: every role ended, the member card is revoked.</summary>
public sealed record PersonLeft(
    Guid EventId,
    DateTimeOffset OccurredAt,
    Guid PersonId,
    Guid CooperativeId,
    DateOnly LeftOn) : IIntegrationEvent;
