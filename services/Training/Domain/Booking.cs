namespace Scop.Aspire.Training.Domain;

public enum BookingStatus
{
    /// <summary>Seats kept until <see cref="Booking.HoldExpiresAt"/>.</summary>
    Held,
    Confirmed,
    /// <summary>Cancelled by the person or the manager who booked.</summary>
    Cancelled,
    /// <summary>The hold (or waiting-list offer) ran out before it was confirmed.</summary>
    Expired,
    /// <summary>The session was cancelled.</summary>
    Released,
}

public enum AttendeeRole
{
    Employee,
    Manager,
}

public enum AttendeeStatus
{
    Booked,
    Attended,
    Absent,
    Completed,
}

/// <summary>
/// Seats for one or several people in one session, taken all together or not at all: by a person for themselves, or
/// by a cooperative manager for staff.
/// </summary>
public sealed class Booking
{
    public const int MaxAttendees = 50;

    public Guid Id { get; set; }

    public Guid SessionId { get; set; }

    public int Quantity { get; set; }

    public BookingStatus Status { get; set; }

    public Guid? CooperativeId { get; set; }

    /// <summary>The regional union of the people booked (where they count for the targets).</summary>
    public required string RegionalUnion { get; set; }

    /// <summary>The person who made the booking (a cooperative manager for a group).</summary>
    public Guid? BookedBy { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? HoldExpiresAt { get; set; }

    public DateTimeOffset? ConfirmedAt { get; set; }

    public DateTimeOffset? EndedAt { get; set; }

    /// <summary>The waiting-list entry this booking was offered to, if it came from the list.</summary>
    public Guid? WaitlistEntryId { get; set; }

    /// <summary>Mutual-fund money committed to this booking, in euro cents.</summary>
    public long FundedCents { get; set; }

    public List<Attendee> Attendees { get; set; } = [];
}

/// <summary>One person's seat in a booking; the completed ones make the competence passport.</summary>
public sealed class Attendee
{
    public Guid BookingId { get; set; }

    public Guid PersonId { get; set; }

    public AttendeeRole Role { get; set; }

    public AttendeeStatus Status { get; set; }

    /// <summary>Fund money for this person on this booking, in euro cents.</summary>
    public long FundedCents { get; set; }

    public string? CertificateNumber { get; set; }

    public DateTimeOffset? CompletedAt { get; set; }

    /// <summary>The person was erased: <see cref="PersonId"/> is a random stand-in that links to nobody.</summary>
    public bool Anonymised { get; set; }
}
