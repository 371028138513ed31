using System.Security.Cryptography;

namespace Scop.Aspire.Training.Domain;

public enum WaitlistStatus
{
    Waiting,
    /// <summary>Seats are held for the entry as a booking until the offer expires.</summary>
    Offered,
    Accepted,
    /// <summary>The offer ran out.</summary>
    Expired,
    Left,
    /// <summary>The session was cancelled.</summary>
    Closed,
}

/// <summary>A place in a session's waiting list, for one person or a whole group (one entry, one quantity).</summary>
public sealed class WaitlistEntry
{
    public Guid Id { get; set; }

    public Guid SessionId { get; set; }

    /// <summary>Order of arrival, drawn from a database sequence.</summary>
    public long Sequence { get; set; }

    public int Quantity { get; set; }

    public WaitlistStatus Status { get; set; }

    public Guid? CooperativeId { get; set; }

    public required string RegionalUnion { get; set; }

    public Guid? BookedBy { get; set; }

    /// <summary>The people waiting, with their role, as they will be booked.</summary>
    public List<WaitingPerson> People { get; set; } = [];

    /// <summary>Unguessable token of the link that takes the entry off the list.</summary>
    public required string LeaveToken { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public Guid? OfferBookingId { get; set; }

    public DateTimeOffset? OfferExpiresAt { get; set; }

    public static string NewLeaveToken() => Base64UrlToken(RandomNumberGenerator.GetBytes(32));

    private static string Base64UrlToken(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

public sealed class WaitingPerson
{
    public Guid PersonId { get; set; }

    public AttendeeRole Role { get; set; }
}
