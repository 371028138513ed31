namespace Scop.Aspire.Notifications.Domain;

/// <summary>Whether the e-mail of a notification has been handed to the SMTP server.</summary>
public enum EmailStatus
{
    /// <summary>Waiting for its first attempt.</summary>
    Pending,

    /// <summary>An attempt failed; the next is at <see cref="Notification.NextAttemptAt"/>.</summary>
    Retrying,

    /// <summary>The SMTP server accepted it.</summary>
    Sent,

    /// <summary>Every attempt failed.</summary>
    Failed,

    /// <summary>Not to be sent: the person turned e-mails of this kind off, or the register has no address for them.</summary>
    Skipped,
}

/// <summary>Who a notification is for: a person of the register, or a partner bank (by its partner id).</summary>
public enum RecipientKind
{
    Person,
    Partner,
}

/// <summary>A link the notification offers: what it does, in French, and where it leads.</summary>
public sealed record NotificationLink(string Rel, string Label, string Href);

/// <summary>
/// One thing one recipient is told about one event: the message (French, rendered once from its template), its place
/// in the recipient's inbox, and the state of its e-mail. Everything the sender needs is in the row, so a restart loses
/// nothing and an e-mail is handed to the SMTP server once.
/// </summary>
public sealed class Notification
{
    public const int MaxSubjectLength = 200;

    public Guid Id { get; set; }

    public required string Kind { get; set; }

    /// <summary>The event it tells about; with the recipient and the kind, unique.</summary>
    public Guid SourceEventId { get; set; }

    /// <summary>When the event happened (the publisher's clock).</summary>
    public DateTimeOffset OccurredAt { get; set; }

    public RecipientKind RecipientKind { get; set; }

    public Guid RecipientId { get; set; }

    public required string Subject { get; set; }

    /// <summary>The message as plain text, paragraphs separated by blank lines; the e-mail's HTML is made from it.</summary>
    public required string Body { get; set; }

    public List<NotificationLink> Links { get; set; } = [];

    /// <summary>False when the person turned the inbox off for this kind (or the recipient has no inbox: a partner).</summary>
    public bool InInbox { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? ReadAt { get; set; }

    public EmailStatus EmailStatus { get; set; }

    /// <summary>Where the e-mail goes when the address is not the register's (a partner's contact); else looked up at sending.</summary>
    public string? EmailTo { get; set; }

    public int EmailAttempts { get; set; }

    public DateTimeOffset? NextAttemptAt { get; set; }

    public DateTimeOffset? ClaimedUntil { get; set; }

    public string? LastError { get; set; }

    public DateTimeOffset? SentAt { get; set; }

    /// <summary>Sent, failed or not to be sent: the worker has nothing more to do with it.</summary>
    public bool IsSettled => EmailStatus is EmailStatus.Sent or EmailStatus.Failed or EmailStatus.Skipped;

    /// <summary>The Message-ID of its e-mail: the same on every attempt, so a receiver can tell a repeat.</summary>
    public string MessageId => $"{Id:N}@notifications.les-scop.coop";

    public void Skip(string reason)
    {
        EmailStatus = EmailStatus.Skipped;
        LastError = reason;
        NextAttemptAt = null;
        ClaimedUntil = null;
    }

    public void MarkSent(DateTimeOffset now)
    {
        if (Kind == NotificationKinds.AccountInvitation)
        {
            // The one-time link is a secret until used: kept no longer than it takes to hand it to the SMTP server.
            Body = "Invitation envoyée ; son lien n'est pas conservé.";
            Links = [];
        }

        EmailStatus = EmailStatus.Sent;
        EmailAttempts++;
        SentAt = now;
        LastError = null;
        NextAttemptAt = null;
        ClaimedUntil = null;
    }

    /// <summary>
    /// Records a failed attempt: the next one after the delay the schedule gives for this many failures, or failed when
    /// the schedule is spent.
    /// </summary>
    public void MarkFailedAttempt(string error, DateTimeOffset now, IReadOnlyList<TimeSpan> retryDelays)
    {
        EmailAttempts++;
        LastError = error.Length > 1000 ? error[..1000] : error;
        ClaimedUntil = null;
        if (EmailAttempts > retryDelays.Count)
        {
            EmailStatus = EmailStatus.Failed;
            NextAttemptAt = null;
            return;
        }

        EmailStatus = EmailStatus.Retrying;
        NextAttemptAt = now + retryDelays[EmailAttempts - 1];
    }
}
