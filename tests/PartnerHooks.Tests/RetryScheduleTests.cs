using Scop.Aspire.PartnerHooks.Domain;

namespace Scop.Aspire.PartnerHooks.Tests;

public sealed class RetryScheduleTests
{
    [Fact]
    public void Follows_the_standard_webhooks_schedule_within_ten_percent_jitter_then_stops()
    {
        TimeSpan[] expected =
        [
            TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(30), TimeSpan.FromHours(2),
            TimeSpan.FromHours(5), TimeSpan.FromHours(10), TimeSpan.FromHours(14), TimeSpan.FromHours(20),
            TimeSpan.FromHours(24),
        ];
        var failedAt = new DateTimeOffset(2026, 11, 26, 10, 0, 0, TimeSpan.Zero);
        var random = new Random(7);
        var delays = new HashSet<TimeSpan>();
        for (var run = 0; run < 200; run++)
        {
            for (var attemptsMade = 1; attemptsMade <= 9; attemptsMade++)
            {
                var next = RetrySchedule.NextAttemptAfter(attemptsMade, failedAt, random)!.Value;
                var delay = next - failedAt;
                var nominal = expected[attemptsMade - 1];
                Assert.InRange(delay, nominal * 0.9, nominal * 1.1);
                delays.Add(delay);
            }

            Assert.Null(RetrySchedule.NextAttemptAfter(10, failedAt, random));
        }

        Assert.True(delays.Count > 900, "the jitter spreads the retries");
    }
}
