using Scop.Aspire.Contracts;

namespace Scop.Aspire.Ambassadors.Domain;

public enum ClubStatus
{
    /// <summary>Open and meeting.</summary>
    Open,

    /// <summary>Open, but no meeting for <c>ClubDormantAfter</c>; its next meeting revives it.</summary>
    Dormant,

    /// <summary>Closed for good by staff or its union's delegates, with a reason.</summary>
    Closed,
}

public enum ClubRole
{
    Member,
    Animator,
}

/// <summary>
/// An inter-SCOP club of one employment area: the EPCI (intercommunality, by its SIREN), its région and regional union.
/// One club that is not closed per EPCI. Led by animators (elected officials who completed the animators' module).
/// </summary>
public sealed class Club
{
    public const int MaxNameLength = 200;
    public const int MaxReasonLength = 500;

    public Guid Id { get; set; }

    public required string Name { get; set; }

    public required string Epci { get; set; }

    public required string EpciName { get; set; }

    public required string Region { get; set; }

    public required string RegionalUnion { get; set; }

    public ClubStatus Status { get; set; }

    public DateOnly OpenedOn { get; set; }

    public DateTimeOffset OpenedAt { get; set; }

    public Guid? OpenedBy { get; set; }

    public DateOnly? LastMeetingOn { get; set; }

    public int MeetingCount { get; set; }

    public DateOnly? DormantSince { get; set; }

    public DateOnly? ClosedOn { get; set; }

    public string? CloseReason { get; set; }

    public uint Version { get; set; }

    /// <summary>The day the dormancy counts from: the last meeting, else the opening.</summary>
    public DateOnly ActiveSince => LastMeetingOn is { } last && last > OpenedOn ? last : OpenedOn;
}

/// <summary>A person of a club: an animator or a member, with their cooperative's legal form when known.</summary>
public sealed class ClubParticipant
{
    public Guid ClubId { get; set; }

    public Guid PersonId { get; set; }

    public ClubRole Role { get; set; }

    /// <summary>Null for another cooperative actor (a person without a cooperative of the register).</summary>
    public Guid? CooperativeId { get; set; }

    /// <summary>SCOP, SCIC, CAE… as the register says; null when unknown or for another cooperative actor.</summary>
    public string? LegalForm { get; set; }

    public DateTimeOffset JoinedAt { get; set; }
}

/// <summary>A club's meeting: day, place, agenda, and the members present (ids only).</summary>
public sealed class ClubMeeting
{
    public const int MaxPlaceLength = 200;
    public const int MaxAgendaLength = 2000;

    public Guid Id { get; set; }

    public Guid ClubId { get; set; }

    public DateOnly HeldOn { get; set; }

    public required string Place { get; set; }

    public string? CommuneCode { get; set; }

    public required string Agenda { get; set; }

    /// <summary>The persons present (ids of the club's members and animators); an erased person leaves it.</summary>
    public List<Guid> Attendees { get; set; } = [];

    /// <summary>How many attended, kept for the figures when a person is erased.</summary>
    public int AttendanceCount { get; set; }

    public DateTimeOffset RecordedAt { get; set; }
}

/// <summary>A person who completed the animators' module of the elected-officials path (training's <c>TrainingCompleted</c>).</summary>
public sealed class QualifiedAnimator
{
    public Guid PersonId { get; set; }

    public Guid CourseId { get; set; }

    public DateOnly CompletedOn { get; set; }
}

/// <summary>A club's dormancy timer: fires <c>ClubDormantAfter</c> after <paramref name="Since"/> (its last meeting, or its opening).</summary>
public sealed record ClubDormancyDue(Guid EventId, DateTimeOffset OccurredAt, Guid ClubId, DateOnly Since) : IIntegrationEvent;

/// <summary>The clubs' rules, each with the code a refusal names.</summary>
public static class ClubRules
{
    public static readonly LabelRule AnimatorCompletedModule = new("animator-completed-module",
        "An animator must have completed the animators' module",
        "An animator is an elected official who completed the animators' module of the elected-officials training path.");

    public static readonly LabelRule OneOpenClubPerEpci = new("one-open-club-per-epci",
        "The employment area has a club already", "One club is open per employment area (EPCI); join it instead.");

    public static readonly LabelRule ClubNotClosed = new("club-not-closed", "The club is closed", "A closed club changes no more.");

    public static readonly LabelRule AttendanceOfMembers = new("attendance-of-members",
        "Attendance lists the club's people only", "Every person present must be a member or an animator of the club.");

    public static readonly LabelRule LastAnimator = new("club-keeps-an-animator",
        "A club keeps at least one animator", "Add another animator before removing this one.");
}
