using Scop.Aspire.ServiceDefaults.Security;

namespace Scop.Aspire.PartnerHooks;

/// <summary>Settings of webhook delivery (<c>Scop:PartnerHooks</c>).</summary>
public sealed class PartnerHooksOptions
{
    public const string Section = "Scop:PartnerHooks";

    /// <summary>Endpoints must be https. Default: true outside Development.</summary>
    public bool? RequireHttps { get; set; }

    /// <summary>
    /// Refuse to connect to loopback, link-local, private and other non-public addresses, checked on every address a
    /// name resolves to. Default: true outside Development.
    /// </summary>
    public bool? BlockPrivateDestinations { get; set; }

    /// <summary>How long a receiver has to answer one attempt.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Requests in flight to one endpoint at most: a slow endpoint holds its own slots, not others'. It also caps what
    /// one endpoint can receive at this many per round trip: 4 held a partner behind a 40 ms round trip to 100 a second.
    /// </summary>
    public int MaxConcurrencyPerEndpoint { get; set; } = 16;

    /// <summary>Requests in flight across all endpoints at most.</summary>
    public int MaxConcurrency { get; set; } = 64;

    /// <summary>How long the worker sleeps without a notification before it looks anyway.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a claimed delivery stays reserved for its sender; a crashed sender's claim lapses after it.</summary>
    public TimeSpan ClaimLease { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>An endpoint that has failed without a single success for this long is disabled.</summary>
    public TimeSpan DisableAfterFailingFor { get; set; } = TimeSpan.FromDays(5);

    /// <summary>The longest Retry-After honoured; a longer one is cut to this.</summary>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How long the previous secret keeps signing after a rotation, unless the request says otherwise.</summary>
    public TimeSpan DefaultRotationOverlap { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// Where the Data Protection keys that encrypt the signing secrets live: never in the database that holds the
    /// secrets. Default: <c>{Scop:DataRoot}/partner-hooks/keys</c>; in production a volume of its own, shared by the
    /// replicas (a mounted secret).
    /// </summary>
    public string? KeysFolder { get; set; }

    /// <summary>
    /// The certificate (PKCS#12) whose public key encrypts each key file at rest and whose private key opens it.
    /// Required outside Development: the service does not start without it.
    /// </summary>
    public CertificateSettings KeysCertificate { get; set; } = new();

    /// <summary>During a change of certificate, the one being replaced: key files it protected can still be opened.</summary>
    public CertificateSettings PreviousKeysCertificate { get; set; } = new();
}
