namespace Scop.Aspire.PartnerHooks.Domain;

/// <summary>
/// One URL of a partner that receives signed events of the types it subscribes to. Its signing secret is kept
/// protected (encrypted); during a rotation the previous secret stays valid until <see cref="PreviousSecretExpiresAt"/>
/// and both signatures are sent.
/// </summary>
public sealed class WebhookEndpoint
{
    public const int MaxUrlLength = 2000;
    public const int MaxDescriptionLength = 500;

    private WebhookEndpoint()
    {
    }

    public Guid Id { get; private set; }

    public Guid PartnerId { get; private set; }

    public string Url { get; private set; } = "";

    public string? Description { get; private set; }

    public string[] EventTypes { get; private set; } = [];

    public DateTimeOffset CreatedAt { get; private set; }

    public bool Enabled { get; private set; }

    public DateTimeOffset? DisabledAt { get; private set; }

    public string? DisabledReason { get; private set; }

    /// <summary>The current signing secret, protected with ASP.NET Core Data Protection; never the raw secret.</summary>
    public string ProtectedSecret { get; private set; } = "";

    public string? PreviousProtectedSecret { get; private set; }

    public DateTimeOffset? PreviousSecretExpiresAt { get; private set; }

    public int ConsecutiveFailures { get; private set; }

    /// <summary>The first failure since the last success; the endpoint is disabled when this gets too old.</summary>
    public DateTimeOffset? FailingSince { get; private set; }

    public DateTimeOffset? LastSuccessAt { get; private set; }

    public DateTimeOffset? LastFailureAt { get; private set; }

    public static WebhookEndpoint Create(Guid partnerId, string url, string? description, string[] eventTypes,
        string protectedSecret, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(now),
        PartnerId = partnerId,
        Url = url,
        Description = description,
        EventTypes = eventTypes,
        CreatedAt = now,
        Enabled = true,
        ProtectedSecret = protectedSecret,
    };

    public bool Subscribes(string eventType) => EventTypes.Contains(eventType, StringComparer.Ordinal);

    /// <summary>The new secret signs from now on; the current one keeps signing too until the overlap ends.</summary>
    public void RotateSecret(string newProtectedSecret, TimeSpan overlap, DateTimeOffset now)
    {
        PreviousProtectedSecret = overlap > TimeSpan.Zero ? ProtectedSecret : null;
        PreviousSecretExpiresAt = overlap > TimeSpan.Zero ? now + overlap : null;
        ProtectedSecret = newProtectedSecret;
    }

    /// <summary>The protected secrets that sign a request made at <paramref name="now"/>: the current one first.</summary>
    public IReadOnlyList<string> SigningSecrets(DateTimeOffset now) =>
        PreviousProtectedSecret is not null && PreviousSecretExpiresAt > now
            ? [ProtectedSecret, PreviousProtectedSecret]
            : [ProtectedSecret];

    public void Enable()
    {
        Enabled = true;
        DisabledAt = null;
        DisabledReason = null;
        ConsecutiveFailures = 0;
        FailingSince = null;
    }
}
