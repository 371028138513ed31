using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Scop.Aspire.Messaging.Tests;

[Collection(MessagingCollection.Name)]
public sealed class ErrorQueueTests(MessagingServers servers)
{
    [Fact]
    public async Task A_message_that_fails_every_retry_lands_in_the_error_queue_and_health_says_so()
    {
        await using var service = await MessagingHost.StartAsync(servers);
        var health = service.Services.GetRequiredService<HealthCheckService>();
        Assert.Equal(HealthStatus.Healthy, (await health.CheckHealthAsync()).Entries["error-queues"].Status);

        var pill = new PoisonPill(Guid.NewGuid(), DateTimeOffset.UtcNow);
        await service.SaveAsync(pill);

        HealthReportEntry errorQueues = default;
        await MessagingHost.WaitUntilAsync(async () =>
        {
            errorQueues = (await health.CheckHealthAsync()).Entries["error-queues"];
            return errorQueues.Status == HealthStatus.Degraded;
        }, TimeSpan.FromSeconds(60), "the error queue holds the message (after 3 retries)");

        Assert.Contains($"{service.ServiceName}-poison_error (1)", errorQueues.Description);
        Assert.Equal(4, PoisonConsumer.Attempts[pill.EventId]); // the first attempt and three retries
        Assert.Empty(await service.EffectsAsync());
    }
}
