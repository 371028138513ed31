namespace Scop.Aspire.PartnerHooks.Domain;

/// <summary>
/// The Standard Webhooks retry schedule: the first attempt at once, then 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h,
/// 20 h and 24 h after each failure, each delay with ±10 % jitter so that many failed deliveries do not all return
/// at the same instant. After the tenth failed attempt the delivery has failed (it can still be replayed).
/// </summary>
public static class RetrySchedule
{
    public const double Jitter = 0.10;

    /// <summary>The delay before attempt n (index n − 1), counted from the previous failure.</summary>
    public static readonly IReadOnlyList<TimeSpan> Delays =
    [
        TimeSpan.Zero,
        TimeSpan.FromSeconds(5),
        TimeSpan.FromMinutes(5),
        TimeSpan.FromMinutes(30),
        TimeSpan.FromHours(2),
        TimeSpan.FromHours(5),
        TimeSpan.FromHours(10),
        TimeSpan.FromHours(14),
        TimeSpan.FromHours(20),
        TimeSpan.FromHours(24),
    ];

    public static int MaxAttempts => Delays.Count;

    /// <summary>
    /// When to try again after <paramref name="attemptsMade"/> failed attempts, or null when the schedule is spent.
    /// </summary>
    public static DateTimeOffset? NextAttemptAfter(int attemptsMade, DateTimeOffset failedAt, Random random)
    {
        if (attemptsMade >= MaxAttempts)
        {
            return null;
        }

        var delay = Delays[attemptsMade];
        var factor = 1 + ((random.NextDouble() * 2) - 1) * Jitter;
        return failedAt + TimeSpan.FromTicks((long)(delay.Ticks * factor));
    }
}
