namespace Scop.Aspire.Notifications;

/// <summary>How the service writes and sends (<c>Scop:Notifications</c>); the SMTP server is the connection string <c>mail</c>.</summary>
public sealed class NotificationsOptions
{
    public const string Section = "Scop:Notifications";

    /// <summary>The sender of every e-mail.</summary>
    public string From { get; set; } = "Les SCOP <ne-pas-repondre@les-scop.coop>";

    /// <summary>
    /// Where people reach the platform: the links in e-mails and in the inbox lead there (the web front-end's pages,
    /// the identity service's account pages). The gateway's public address unless configured.
    /// </summary>
    public string? WebBaseUrl { get; set; }

    /// <summary>Who is told about a partner's endpoint when no contact is configured for that partner.</summary>
    public string PartnerDesk { get; set; } = "partenaires@les-scop.coop";

    /// <summary>A partner's technical contact, by partner code (e.g. <c>credit-cooperatif</c>).</summary>
    public Dictionary<string, string> PartnerContacts { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Waits between failed attempts to hand an e-mail to the SMTP server, the first after the first failure; when
    /// they are spent the e-mail has failed. About a day and a half in all.
    /// </summary>
    public List<TimeSpan> RetryDelays { get; set; } =
    [
        TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(10),
        TimeSpan.FromMinutes(30), TimeSpan.FromHours(1), TimeSpan.FromHours(3), TimeSpan.FromHours(6),
        TimeSpan.FromHours(12), TimeSpan.FromHours(24),
    ];

    /// <summary>SMTP connections kept open to the server, each sending one message at a time.</summary>
    public int MaxConnections { get; set; } = 4;

    /// <summary>How long a claimed e-mail is left to its worker before another may take it (a crashed worker's).</summary>
    public TimeSpan ClaimLease { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How often the worker looks for due e-mails when nothing woke it.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long one SMTP exchange may take before it counts as failed.</summary>
    public TimeSpan SmtpTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Refuse to send without TLS (STARTTLS, or <c>smtps://</c>). True outside Development unless configured; the
    /// development mail server runs on this machine without TLS.
    /// </summary>
    public bool? RequireTls { get; set; }
}
