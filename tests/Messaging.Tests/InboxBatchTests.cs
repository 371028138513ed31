using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Scop.Aspire.ServiceDefaults.Messaging;

namespace Scop.Aspire.Messaging.Tests;

/// <summary>
/// A busy event's consumer applies the messages waiting in its queue together, still each exactly once; an event published
/// in packs reaches it as fewer messages than events, each applied once under the trace of the request that wrote it,
/// however it comes again.
/// </summary>
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

    [Fact]
    public async Task A_crowd_comes_in_packs_and_each_event_is_applied_once_under_the_trace_that_wrote_it()
    {
        using var listener = MessagingHost.RecordTraces();
        await using var service = await MessagingHost.StartAsync(servers);
        var (crowd, traceId) = await MessagingHost.UnderRequestAsync("POST /crowds", () => service.SaveCrowdAsync("crowd", 300));

        await MessagingHost.WaitUntilAsync(async () => (await service.EffectsAsync()).Count >= 300, Patience, "300 effects exist");
        await Task.Delay(TimeSpan.FromSeconds(1)); // what a second application would need to commit
        var effects = await service.EffectsAsync();
        Assert.Equal(crowd.Select(e => e.EventId).Order(), effects.Select(e => e.EventId).Order());
        // 300 events in one claim of the relay's 100 rows at a time: three packs, a few more if a claim caught fewer.
        Assert.InRange(service.Deliveries.Total, 3, 300 / 10);
        Assert.Equal(service.Deliveries.Total, service.Deliveries.Packs);
        Assert.Equal(300, await service.ScalarAsync<long>("SELECT count(*) FROM inbox_messages"));
        Assert.All(await service.InboxTraceIdsAsync(), id => Assert.Equal(traceId, id));
        Assert.All(crowd, e => Assert.Equal(traceId, Applied.UnderTrace[e.EventId]));
        await service.WaitUntilOutboxDrainedAsync(Patience);
        Assert.Equal((0, 1), await service.OutboxStateAsync());
    }

    [Fact]
    public async Task A_pack_delivered_again_or_its_events_come_alone_change_nothing()
    {
        await using var service = await MessagingHost.StartAsync(servers);
        var crowd = await service.SaveCrowdAsync("again", 40);
        await MessagingHost.WaitUntilAsync(async () => (await service.EffectsAsync()).Count >= 40, Patience, "40 effects exist");
        var packsBefore = service.Deliveries.Packs;

        // The same events once more: as one pack, as the broker redelivers it after a consumer died before its
        // acknowledgement, and one by one, as a service that published them alone would.
        var bus = service.Services.GetRequiredService<IBus>();
        await bus.Publish(new Pack<CrowdArrived>([.. crowd.Select(e => new PackedEvent<CrowdArrived>(e.EventId, null, e))]));
        foreach (var arrived in crowd)
        {
            await bus.Publish(arrived, context => context.MessageId = arrived.EventId);
        }

        await MessagingHost.WaitUntilAsync(
            () => Task.FromResult(service.Deliveries.Packs > packsBefore && crowd.All(e => service.Deliveries.Of(e.EventId) == 1)),
            Patience, "the pack and every event alone came again");
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Equal(40, (await service.EffectsAsync()).Count);
        Assert.Equal(40, await service.ScalarAsync<long>("SELECT count(*) FROM inbox_messages"));
    }
}
