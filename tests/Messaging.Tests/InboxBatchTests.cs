using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Scop.Aspire.ServiceDefaults.Messaging;

namespace Scop.Aspire.Messaging.Tests;

/// <summary>A busy event's consumer applies the messages waiting in its queue together, still each exactly once.</summary>
[Collection(MessagingCollection.Name)]
public sealed class InboxBatchTests(MessagingServers servers)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_burst_is_applied_once_each_in_fewer_transactions_than_messages_under_the_trace_that_sent_it()
    {
        using var listener = MessagingHost.RecordTraces();
        await using var service = await MessagingHost.StartAsync(servers);
        var (burst, traceId) = await MessagingHost.UnderRequestAsync("POST /bursts", () => service.SaveBurstAsync("burst", 300));

        await MessagingHost.WaitUntilAsync(async () => (await service.EffectsAsync()).Count >= 300, Patience, "300 effects exist");
        var effects = await service.EffectsAsync();
        Assert.Equal(burst.Select(e => e.EventId).Order(), effects.Select(e => e.EventId).Order());
        // Each transaction stamps its rows with its id: fewer ids than rows means messages shared a transaction.
        var transactions = await service.ScalarAsync<long>("SELECT count(DISTINCT xmin::text) FROM effects");
        Assert.InRange(transactions, 1, 300 / 2);
        Assert.All(await service.InboxTraceIdsAsync(), id => Assert.Equal(traceId, id));
        Assert.All(burst, e => Assert.Equal(traceId, Applied.UnderTrace[e.EventId]));
    }

    [Fact]
    public async Task Messages_delivered_again_change_nothing()
    {
        await using var service = await MessagingHost.StartAsync(servers);
        var burst = await service.SaveBurstAsync("again", 50);
        await MessagingHost.WaitUntilAsync(async () => (await service.EffectsAsync()).Count >= 50, Patience, "50 effects exist");

        // The same messages once more, as the broker redelivers them after a consumer died before its acknowledgement.
        var bus = service.Services.GetRequiredService<IBus>();
        foreach (var happened in burst)
        {
            await bus.Publish(happened, context => context.MessageId = happened.EventId);
        }

        await MessagingHost.WaitUntilAsync(async () => service.Deliveries.Total >= 100, Patience, "every message came twice");
        await Task.Delay(TimeSpan.FromSeconds(1)); // what a second application would need to commit
        Assert.Equal(50, (await service.EffectsAsync()).Count);
        Assert.Equal(50, await service.ScalarAsync<long>("SELECT count(*) FROM inbox_messages"));
    }

    [Fact]
    public async Task A_failing_message_rolls_its_batch_back_and_the_retry_applies_every_message_once()
    {
        await using var service = await MessagingHost.StartAsync(servers);

        var burst = await service.SaveBurstAsync("retry", 120, failFirstTime: i => i % 40 == 7);

        await MessagingHost.WaitUntilAsync(async () => (await service.EffectsAsync()).Count >= 120, Patience, "120 effects exist");
        await Task.Delay(TimeSpan.FromSeconds(1));
        var effects = await service.EffectsAsync();
        Assert.Equal(burst.Select(e => e.EventId).Order(), effects.Select(e => e.EventId).Order());
        Assert.Equal(3, burst.Count(e => BurstConsumer.Failed.ContainsKey(e.EventId)));
        Assert.Equal(120, await service.ScalarAsync<long>("SELECT count(*) FROM inbox_messages"));
        Assert.Equal(0, service.Deliveries.All.Count(d => d.Value > 3)); // retried, never sent round in a loop
    }
}
