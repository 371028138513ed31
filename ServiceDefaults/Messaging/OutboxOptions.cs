namespace Scop.Aspire.ServiceDefaults.Messaging;

public sealed class OutboxOptions
{
    public const string Section = "Scop:Outbox";

    /// <summary>Rows claimed per pass, and so the most published at once (the aggregates of a claim go side by side).</summary>
    public int BatchSize { get; set; } = 100;

    /// <summary>How long the relay sleeps without a notification before it looks anyway.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>A publish not confirmed by the broker within this time counts as failed.</summary>
    public TimeSpan PublishTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>First and longest wait after a failed pass (the broker is down); it doubles in between.</summary>
    public TimeSpan MinBackoff { get; set; } = TimeSpan.FromMilliseconds(500);

    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Sent rows are kept this long for investigation, then deleted.</summary>
    public TimeSpan SentRetention { get; set; } = TimeSpan.FromDays(7);
}
