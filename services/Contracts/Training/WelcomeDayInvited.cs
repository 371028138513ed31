namespace Scop.Aspire.Contracts.Training;

/// <summary>A new hire is invited to a welcome day of their regional union (<paramref name="SessionId"/> null: none is scheduled yet).</summary>
public sealed record WelcomeDayInvited(
    Guid EventId,
    DateTimeOffset OccurredAt,
    Guid InvitationId,
    Guid PersonId,
    Guid CooperativeId,
    string RegionalUnion,
    Guid? SessionId,
    DateOnly? SessionStartsOn) : IIntegrationEvent;
