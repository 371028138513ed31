using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Scop.Aspire.ServiceDefaults.Messaging;

namespace Scop.Aspire.Messaging.Tests;

/// <summary>
/// An event published in packs reaches its consumer as fewer messages than events, and is still applied once each,
/// under the trace of the request that wrote it, however it comes again.
/// </summary>
[Collection(MessagingCollection.Name)]
public sealed class PackTests(MessagingServers servers)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

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
