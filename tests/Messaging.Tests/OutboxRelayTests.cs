using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Scop.Aspire.ServiceDefaults.Messaging;

namespace Scop.Aspire.Messaging.Tests;

[Collection(MessagingCollection.Name)]
public sealed class OutboxRelayTests(MessagingServers servers)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task An_event_saved_with_its_state_change_reaches_the_consumer_once()
    {
        await using var service = await MessagingHost.StartAsync(servers);

        var saved = await service.SaveEventsAsync([("order-1", 1)]);

        await MessagingHost.WaitUntilAsync(async () => (await service.EffectsAsync()).Count == 1, Patience, "the effect exists");
        var effect = Assert.Single(await service.EffectsAsync());
        Assert.Equal(saved[0].EventId, effect.EventId);
        await service.WaitUntilOutboxDrainedAsync(Patience);
        Assert.Equal((0L, 1), await service.OutboxStateAsync());
    }

    [Fact]
    public async Task The_commit_wakes_the_relay_without_waiting_for_its_poll()
    {
        await using var service = await MessagingHost.StartAsync(servers, pollInterval: TimeSpan.FromMinutes(5));
        await Task.Delay(TimeSpan.FromSeconds(1)); // the relay's first look is over: from now on it sleeps until woken

        await service.SaveEventsAsync([("order-1", 1)]);

        await MessagingHost.WaitUntilAsync(async () => (await service.EffectsAsync()).Count == 1, TimeSpan.FromSeconds(20),
            "the effect exists long before the next poll");
    }

    [Fact]
    public async Task A_commit_in_one_replica_wakes_the_relay_of_another_without_waiting_for_its_poll()
    {
        await using var writer = await MessagingHost.StartAsync(servers, pollInterval: TimeSpan.FromMinutes(5));
        await using var publisher = await MessagingHost.StartAsync(servers, restartOf: writer, pollInterval: TimeSpan.FromMinutes(5));
        await writer.Relay.StopAsync(CancellationToken.None); // only the other replica's relay can publish
        await Task.Delay(TimeSpan.FromSeconds(1)); // both relays' first look is over

        var saved = await writer.SaveEventsAsync([("order-1", 1)]);

        await MessagingHost.WaitUntilAsync(async () => (await publisher.EffectsAsync()).Count == 1, TimeSpan.FromSeconds(20),
            "the other replica published the event long before its next poll");
        Assert.Equal(saved[0].EventId, Assert.Single(await publisher.EffectsAsync()).EventId);
    }

    [Fact]
    public async Task An_event_committed_while_the_broker_is_down_arrives_once_the_broker_is_back()
    {
        await using var service = await MessagingHost.StartAsync(servers);
        await servers.RabbitMq.StopAsync();
        try
        {
            var saved = await service.SaveEventsAsync([("order-1", 1), ("order-1", 2)]);

            await MessagingHost.WaitUntilAsync(async () => (await service.OutboxStateAsync()).MaxAttempts >= 1,
                Patience, "the relay has tried and failed to publish");
            Assert.Equal(2, (await service.OutboxStateAsync()).Pending);
            Assert.Empty(await service.EffectsAsync());

            await servers.RabbitMq.StartAsync();

            await MessagingHost.WaitUntilAsync(async () => (await service.EffectsAsync()).Count == 2,
                TimeSpan.FromSeconds(120), "both effects exist after the broker came back");
            var effects = await service.EffectsAsync();
            Assert.Equal(saved.Select(e => e.EventId), effects.Select(e => e.EventId));
            await service.WaitUntilOutboxDrainedAsync(Patience);
            Assert.Equal(0, (await service.OutboxStateAsync()).Pending);
        }
        finally
        {
            if (!servers.RabbitMq.IsRunning)
            {
                await servers.RabbitMq.StartAsync();
            }
        }
    }

    [Fact]
    public async Task A_relay_that_dies_between_publish_and_mark_sent_republishes_and_the_inbox_absorbs_the_duplicate()
    {
        await using var service = await MessagingHost.StartAsync(servers);
        var crashes = 0;
        service.Relay.AfterPublishBeforeCommit = _ =>
            Interlocked.Increment(ref crashes) == 1
                ? throw new InvalidOperationException("relay process killed after publishing")
                : Task.CompletedTask;

        var saved = await service.SaveEventsAsync([("order-1", 1), ("order-2", 1), ("order-3", 1)]);

        await service.WaitUntilOutboxDrainedAsync(Patience);
        await MessagingHost.WaitUntilAsync(() => Task.FromResult(saved.All(e => service.Deliveries.Of(e.EventId) == 2)),
            Patience, "every event was delivered twice (once before the crash, once after)");

        var effects = await service.EffectsAsync();
        Assert.Equal(saved.Select(e => e.EventId).Order(), effects.Select(e => e.EventId).Order());
    }

    [Fact]
    public async Task Two_relays_on_one_table_publish_no_row_twice_and_keep_the_order_of_each_aggregate()
    {
        await using var service = await MessagingHost.StartAsync(servers);
        var secondRelay = ActivatorUtilities.CreateInstance<OutboxRelay>(service.Services);
        await secondRelay.StartAsync(CancellationToken.None);
        try
        {
            var saved = new List<SomethingHappened>();
            for (var batch = 1; batch <= 10; batch++)
            {
                saved.AddRange(await service.SaveEventsAsync(
                    Enumerable.Range(0, 20).Select(i => ($"aggregate-{i % 8}", batch * 100 + i))));
            }

            await MessagingHost.WaitUntilAsync(async () => (await service.EffectsAsync()).Count == saved.Count, Patience,
                $"all {saved.Count} effects exist");
            await service.WaitUntilOutboxDrainedAsync(Patience);

            Assert.Equal(saved.Count, service.Deliveries.All.Count(d => saved.Any(s => s.EventId == d.Key)));
            Assert.All(saved, e => Assert.Equal(1, service.Deliveries.Of(e.EventId)));
            foreach (var aggregate in (await service.EffectsAsync()).GroupBy(e => e.AggregateId))
            {
                var sequences = aggregate.Select(e => e.Sequence).ToList();
                Assert.Equal(sequences.Order(), sequences);
            }
        }
        finally
        {
            await secondRelay.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task The_consumer_runs_under_the_trace_of_the_request_that_saved_the_event()
    {
        using var listener = MessagingHost.RecordTraces();
        using var source = new ActivitySource("test");
        await using var service = await MessagingHost.StartAsync(servers);

        string traceId;
        using (var request = source.StartActivity("POST /orders"))
        {
            Assert.NotNull(request);
            traceId = request.TraceId.ToString();
            await service.SaveEventsAsync([("order-1", 1)]);
        }

        await MessagingHost.WaitUntilAsync(async () => (await service.EffectsAsync()).Count == 1, Patience, "the effect exists");
        Assert.Equal([traceId], await service.InboxTraceIdsAsync());
    }

    [Fact]
    public async Task A_durable_timer_fires_at_its_moment_and_not_before()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var service = await MessagingHost.StartAsync(servers, time);

        await service.SaveEventsAsync([("hold-1", 1)], notBefore: time.GetUtcNow().AddMinutes(15));
        service.Relay.Wake();
        await Task.Delay(TimeSpan.FromSeconds(2)); // real time passes; the service's clock does not
        Assert.Empty(await service.EffectsAsync());
        Assert.Equal(1, (await service.OutboxStateAsync()).Pending);

        time.Advance(TimeSpan.FromMinutes(14));
        service.Relay.Wake();
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Empty(await service.EffectsAsync());

        time.Advance(TimeSpan.FromMinutes(1));
        await MessagingHost.WaitUntilAsync(async () => (await service.EffectsAsync()).Count == 1, Patience,
            "the timer fired once due");
    }

    [Fact]
    public async Task The_pending_gauges_count_what_is_due_not_timers_waiting_for_their_moment()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var service = await MessagingHost.StartAsync(servers, time);
        await service.SaveEventsAsync([("hold-2", 1), ("hold-3", 1)], notBefore: time.GetUtcNow().AddMinutes(15));

        // The gauges are refreshed at most once a second of the service's clock.
        time.Advance(TimeSpan.FromSeconds(2));
        service.Relay.Wake();
        await Task.Delay(TimeSpan.FromSeconds(1));

        Assert.Equal(2, (await service.OutboxStateAsync()).Pending); // the rows are there, unsent
        var (pending, oldestAge) = ReadPendingGauges(service);
        Assert.Equal(0, pending);
        Assert.Equal(0, oldestAge);
    }

    /// <summary>The relay's two gauges as a metrics exporter reads them, from this service's meters only.</summary>
    private static (long Pending, double OldestAgeSeconds) ReadPendingGauges(MessagingHost service)
    {
        var factory = service.Services.GetRequiredService<IMeterFactory>();
        long? pending = null;
        double? oldestAge = null;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Scope == factory && instrument.Name is "scop.outbox.pending" or "scop.outbox.oldest_pending_age")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => pending = value);
        listener.SetMeasurementEventCallback<double>((_, value, _, _) => oldestAge = value);
        listener.Start();
        listener.RecordObservableInstruments();
        return (pending ?? throw new InvalidOperationException("no scop.outbox.pending gauge"),
            oldestAge ?? throw new InvalidOperationException("no scop.outbox.oldest_pending_age gauge"));
    }

    [Fact]
    public async Task A_timer_not_yet_due_does_not_hold_back_the_later_events_of_its_aggregate()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var service = await MessagingHost.StartAsync(servers, time);

        var timer = await service.SaveEventsAsync([("booking-1", 1)], notBefore: time.GetUtcNow().AddMinutes(15));
        var confirmed = await service.SaveEventsAsync([("booking-1", 2)]);

        await MessagingHost.WaitUntilAsync(async () => (await service.EffectsAsync()).Count == 1, Patience,
            "the later event arrived while the timer waits");
        Assert.Equal(confirmed[0].EventId, Assert.Single(await service.EffectsAsync()).EventId);

        time.Advance(TimeSpan.FromMinutes(15));
        await MessagingHost.WaitUntilAsync(async () => (await service.EffectsAsync()).Count == 2, Patience,
            "the timer fired at its moment");
        Assert.Equal(timer[0].EventId, (await service.EffectsAsync())[1].EventId);
    }

    [Fact]
    public async Task A_timer_survives_a_restart_of_the_service()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var before = await MessagingHost.StartAsync(servers, time);
        await before.SaveEventsAsync([("offer-1", 1)], notBefore: time.GetUtcNow().AddHours(48));
        await before.DisposeAsync();

        time.Advance(TimeSpan.FromHours(48));
        await using var after = await MessagingHost.StartAsync(servers, time, restartOf: before);

        await MessagingHost.WaitUntilAsync(async () => (await after.EffectsAsync()).Count == 1, Patience,
            "the timer fired after the restart");
        await after.WaitUntilOutboxDrainedAsync(Patience);
        Assert.Equal(0, (await after.OutboxStateAsync()).Pending);
    }
}
