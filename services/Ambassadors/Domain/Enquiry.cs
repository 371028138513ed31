using System.Security.Cryptography;
using System.Text;
using Scop.Aspire.Contracts;
using Scop.Aspire.ServiceDefaults;

namespace Scop.Aspire.Ambassadors.Domain;

public enum EnquiryStatus
{
    /// <summary>Sent, awaiting the Ambassade's first answer.</summary>
    Received,

    /// <summary>The first answer is recorded: the timers do nothing any more.</summary>
    Answered,

    /// <summary>The project holder withdrew it: their data erased, an anonymous row kept for the figures.</summary>
    Withdrawn,
}

/// <summary>
/// A project holder's enquiry to an Ambassade. The person's data (name, contact, text) is kept as plain text, never
/// rendered as HTML by the service (answers are JSON), and erased on withdrawal. The follow-up token is a secret: only
/// its SHA-256 is kept.
/// </summary>
public sealed class Enquiry
{
    public const int MaxProjectLength = 2000;
    public const int MaxNameLength = 100;
    public const int MaxEmailLength = 254;
    public const int MaxPhoneLength = 20;
    public const int MaxAnswerLength = 2000;

    /// <summary>Working days the Ambassade has for its first answer, then again before federation staff are told.</summary>
    public const int WorkingDaysToAnswer = 5;

    public Guid Id { get; set; }

    public Guid AmbassadeId { get; set; }

    /// <summary>The Ambassade's cooperative when it was sent: its manager reads the enquiry.</summary>
    public Guid CooperativeId { get; set; }

    /// <summary>The Ambassade's union when it was sent: its delegates read the enquiry and are told when it is late.</summary>
    public required string RegionalUnion { get; set; }

    /// <summary>The project's sector, a NAF division (two digits).</summary>
    public required string Sector { get; set; }

    /// <summary>The project's commune, an INSEE code.</summary>
    public required string CommuneCode { get; set; }

    /// <summary>Sent to "the nearest" Ambassade of the commune rather than one chosen in the directory.</summary>
    public bool ToNearest { get; set; }

    public string? Project { get; set; }

    public string? Name { get; set; }

    public string? Email { get; set; }

    public string? Phone { get; set; }

    public bool ConsentToContact { get; set; }

    /// <summary>SHA-256 (hex) of the follow-up token; the token itself is given once, to the sender.</summary>
    public required string FollowTokenHash { get; set; }

    public EnquiryStatus Status { get; set; }

    public DateTimeOffset ReceivedAt { get; set; }

    /// <summary>The last day for the first answer: 5 working days after receipt at the Ambassade's commune.</summary>
    public DateOnly DueOn { get; set; }

    /// <summary>The last day before federation staff are told: 5 more working days.</summary>
    public DateOnly FederationDueOn { get; set; }

    public DateTimeOffset? EscalatedToUnionAt { get; set; }

    public DateTimeOffset? EscalatedToFederationAt { get; set; }

    public string? Answer { get; set; }

    public Guid? AnsweredBy { get; set; }

    public DateTimeOffset? AnsweredAt { get; set; }

    public DateTimeOffset? WithdrawnAt { get; set; }

    /// <summary>PostgreSQL's <c>xmin</c>: the ETag, and the guard against a lost update.</summary>
    public uint Version { get; set; }

    /// <summary>The deadlines of an enquiry received at <paramref name="receivedAt"/> by an Ambassade of that commune.</summary>
    public static (DateOnly Union, DateOnly Federation) DeadlinesOf(DateTimeOffset receivedAt, string ambassadeCommune)
    {
        var alsaceMoselle = FrenchHolidays.IsAlsaceMoselle(ambassadeCommune);
        var union = FrenchHolidays.AddWorkingDays(ParisCalendar.DateOf(receivedAt), WorkingDaysToAnswer, alsaceMoselle);
        return (union, FrenchHolidays.AddWorkingDays(union, WorkingDaysToAnswer, alsaceMoselle));
    }

    /// <summary>A new follow-up token (256 random bits, URL-safe) and the hash kept of it.</summary>
    public static (string Token, string Hash) NewFollowToken()
    {
        var token = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return (token, HashOf(token));
    }

    public static string HashOf(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    /// <summary>Withdrawal: the person's data goes (the answer too, which may quote it); the row stays for the figures.</summary>
    public void Withdraw(DateTimeOffset now)
    {
        Status = EnquiryStatus.Withdrawn;
        WithdrawnAt = now;
        Project = null;
        Name = null;
        Email = null;
        Phone = null;
        Answer = null;
        ConsentToContact = false;
    }
}

/// <summary>
/// The durable timer of an enquiry's deadline (an outbox row with a not-before time, set at receipt): at the start of
/// the day after <paramref name="DueOn"/>, an enquiry still unanswered is escalated to <paramref name="Level"/>
/// (<c>Union</c>, then <c>Federation</c>). An answered or withdrawn one is left alone.
/// </summary>
public sealed record EnquiryDeadlineDue(Guid EventId, DateTimeOffset OccurredAt, Guid EnquiryId, string Level, DateOnly DueOn)
    : IIntegrationEvent;

public static class EscalationLevels
{
    public const string Union = "Union";
    public const string Federation = "Federation";
}
