namespace Scop.Aspire.PartnerHooks.Domain;

public enum DeliveryStatus
{
    /// <summary>Waiting for its next attempt.</summary>
    Pending,

    /// <summary>The endpoint answered 2xx.</summary>
    Succeeded,

    /// <summary>The schedule is spent, or the endpoint was disabled; a replay sends it again.</summary>
    Failed,
}

/// <summary>
/// One event for one endpoint. The body (a CloudEvents JSON document) is built once, when the event arrives, so
/// every attempt sends the same bytes under the same <see cref="WebhookId"/>; only the timestamp and signature change.
/// </summary>
public sealed class Delivery
{
    public const int MaxErrorLength = 500;

    public const string ErasedBeforeDelivery = "The person's data was erased before it was delivered.";

    private Delivery()
    {
    }

    public Guid Id { get; private set; }

    public Guid EndpointId { get; private set; }

    public Guid EventId { get; private set; }

    public string EventType { get; private set; } = "";

    /// <summary>The Standard Webhooks message id: the same on every attempt and replay of this event.</summary>
    public string WebhookId { get; private set; } = "";

    public string Body { get; private set; } = "";

    public DeliveryStatus Status { get; private set; }

    /// <summary>Attempts in the current run of the schedule (a replay starts a new run).</summary>
    public int AttemptCount { get; private set; }

    public DateTimeOffset NextAttemptAt { get; private set; }

    /// <summary>While a sender holds the delivery, no other picks it; a crashed sender's claim lapses.</summary>
    public DateTimeOffset? ClaimedUntil { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset? LastAttemptAt { get; private set; }

    public int? LastStatusCode { get; private set; }

    public string? LastError { get; private set; }

    public DateTimeOffset? CompletedAt { get; private set; }

    public int ReplayCount { get; private set; }

    /// <summary>The W3C trace parent of the event's arrival, so the HTTP call continues the event's trace.</summary>
    public string? TraceParent { get; private set; }

    /// <summary>
    /// The person whose data <see cref="Body"/> carries (a benefit enrolment's), so that their erasure finds it; null
    /// for an event about no one, and once the person is erased. Never sent: internal ids do not leave.
    /// </summary>
    public Guid? PersonId { get; private set; }

    public static string WebhookIdFor(Guid eventId) => $"msg_{eventId:N}";

    public static Delivery Create(Guid endpointId, Guid eventId, string eventType, string body, DateTimeOffset now,
        string? traceParent, Guid? personId = null) => new()
    {
        PersonId = personId,
        Id = Guid.CreateVersion7(now),
        EndpointId = endpointId,
        EventId = eventId,
        EventType = eventType,
        WebhookId = WebhookIdFor(eventId),
        Body = body,
        Status = DeliveryStatus.Pending,
        NextAttemptAt = now,
        CreatedAt = now,
        TraceParent = traceParent,
    };

    /// <summary>Reserves the delivery for one sender until <paramref name="until"/>.</summary>
    public void ClaimUntil(DateTimeOffset until) => ClaimedUntil = until;

    public void Succeeded(int statusCode, DateTimeOffset now)
    {
        AttemptCount++;
        Status = DeliveryStatus.Succeeded;
        LastAttemptAt = now;
        LastStatusCode = statusCode;
        LastError = null;
        CompletedAt = now;
        ClaimedUntil = null;
    }

    /// <summary>
    /// Records a failed attempt. The next one follows the schedule, unless the receiver said when to come back
    /// (<paramref name="retryAfter"/>, from 429/503 Retry-After). Returns false when the schedule is spent.
    /// </summary>
    public bool Failed(int? statusCode, string error, DateTimeOffset now, TimeSpan? retryAfter, Random random)
    {
        AttemptCount++;
        LastAttemptAt = now;
        LastStatusCode = statusCode;
        LastError = Truncate(error);
        ClaimedUntil = null;
        var next = RetrySchedule.NextAttemptAfter(AttemptCount, now, random);
        if (next is null)
        {
            Status = DeliveryStatus.Failed;
            CompletedAt = now;
            return false;
        }

        NextAttemptAt = retryAfter is { } wait ? now + wait : next.Value;
        return true;
    }

    /// <summary>The endpoint is disabled: the delivery stops here, as failed, and can be replayed later.</summary>
    public void Abandon(string reason, DateTimeOffset now)
    {
        Status = DeliveryStatus.Failed;
        LastError ??= Truncate(reason);
        CompletedAt = now;
        ClaimedUntil = null;
    }

    /// <summary>Sends the same event again, under the same webhook id, from the start of the schedule.</summary>
    public void Replay(DateTimeOffset now)
    {
        Status = DeliveryStatus.Pending;
        AttemptCount = 0;
        NextAttemptAt = now;
        CompletedAt = null;
        ClaimedUntil = null;
        ReplayCount++;
    }

    /// <summary>
    /// The person's erasure: the body keeps nothing of them (<paramref name="bodyWithoutPersonalData"/>), so a replay
    /// sends nothing personal, and the link to them goes. A delivery not yet made stops here, as failed: the person
    /// withdrew what it was to carry.
    /// </summary>
    public void ErasePersonalData(string bodyWithoutPersonalData, DateTimeOffset now)
    {
        Body = bodyWithoutPersonalData;
        PersonId = null;
        if (Status == DeliveryStatus.Pending)
        {
            Abandon(ErasedBeforeDelivery, now);
            LastError = ErasedBeforeDelivery; // why it stopped, rather than its last attempt's error
        }
    }

    private static string Truncate(string text) => text.Length <= MaxErrorLength ? text : text[..MaxErrorLength];
}

/// <summary>One HTTP attempt of a delivery, as the delivery log shows it.</summary>
public sealed class DeliveryAttempt
{
    public long Id { get; set; }

    public Guid DeliveryId { get; set; }

    public Guid EndpointId { get; set; }

    public DateTimeOffset AttemptedAt { get; set; }

    public int? StatusCode { get; set; }

    public int LatencyMs { get; set; }

    public bool Succeeded { get; set; }

    public string? Error { get; set; }
}
