namespace Scop.Aspire.Contracts.Ambassadors;

/// <summary>An inter-SCOP club opened in an employment area (an EPCI, by its SIREN), with at least one animator.</summary>
public sealed record ClubOpened(Guid EventId, DateTimeOffset OccurredAt, Guid ClubId, string Name, string Epci, string EpciName,
    string Region, string RegionalUnion, DateOnly OpenedOn) : IIntegrationEvent;

/// <summary>A club was closed by staff or its union's delegates, with a reason.</summary>
public sealed record ClubClosed(Guid EventId, DateTimeOffset OccurredAt, Guid ClubId, string RegionalUnion, string Region,
    DateOnly ClosedOn, string Reason) : IIntegrationEvent;

/// <summary>A club held no meeting for the configured period (six months by default) since <paramref name="Since"/>.</summary>
public sealed record ClubDormant(Guid EventId, DateTimeOffset OccurredAt, Guid ClubId, string RegionalUnion, DateOnly Since)
    : IIntegrationEvent;

/// <summary>A dormant club met again.</summary>
public sealed record ClubRevived(Guid EventId, DateTimeOffset OccurredAt, Guid ClubId, string RegionalUnion, DateOnly MeetingOn)
    : IIntegrationEvent;

/// <summary>A club's meeting was recorded: the day and how many members attended (no names).</summary>
public sealed record ClubMeetingHeld(Guid EventId, DateTimeOffset OccurredAt, Guid ClubId, Guid MeetingId, string RegionalUnion,
    DateOnly HeldOn, int Attendance) : IIntegrationEvent;
