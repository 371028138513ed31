using MassTransit;
using Microsoft.EntityFrameworkCore;
using Scop.Aspire.Contracts;
using Scop.Aspire.ServiceDefaults.Messaging;

namespace Scop.Aspire.Messaging.Tests;

/// <summary>The event the tests send through the outbox: the n-th of its aggregate.</summary>
public sealed record SomethingHappened(Guid EventId, DateTimeOffset OccurredAt, string AggregateId, int Sequence)
    : IIntegrationEvent;

/// <summary>What the consumer did: one row per applied event, numbered in the order they were applied.</summary>
public sealed class Effect
{
    public long Id { get; set; }

    public Guid EventId { get; set; }

    public required string AggregateId { get; set; }

    public int Sequence { get; set; }
}

public sealed class TestDbContext(DbContextOptions<TestDbContext> options) : DbContext(options)
{
    public DbSet<Effect> Effects => Set<Effect>();

    protected override void OnModelCreating(ModelBuilder model)
    {
        model.AddPlatformTables();
        model.Entity<Effect>().Property(e => e.Id).UseIdentityAlwaysColumn();
    }
}

public sealed class EffectConsumer(TestDbContext db, TimeProvider time) : InboxConsumer<SomethingHappened, TestDbContext>(db, time)
{
    protected override Task HandleAsync(ConsumeContext<SomethingHappened> context, CancellationToken ct)
    {
        var message = context.Message;
        Db.Effects.Add(new Effect { EventId = message.EventId, AggregateId = message.AggregateId, Sequence = message.Sequence });
        return Task.CompletedTask;
    }
}

/// <summary>One message at a time, so the order of effects is the order on the queue, i.e. the publish order.</summary>
public sealed class EffectConsumerDefinition : ConsumerDefinition<EffectConsumer>
{
    public EffectConsumerDefinition() => ConcurrentMessageLimit = 1;

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpoint,
        IConsumerConfigurator<EffectConsumer> consumer, IRegistrationContext context) =>
        endpoint.PrefetchCount = 1;
}

/// <summary>Counts every delivery of every message, duplicates included, before the inbox sees it.</summary>
public sealed class DeliveryCounter : IConsumeObserver
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<Guid, int> deliveries = new();

    private int packs;

    public int Total => deliveries.Values.Sum();

    /// <summary>How many deliveries were packs (<see cref="Pack{TMessage}"/>), each counted once whatever it held.</summary>
    public int Packs => Volatile.Read(ref packs);

    public int Of(Guid messageId) => deliveries.GetValueOrDefault(messageId);

    public IReadOnlyDictionary<Guid, int> All => deliveries;

    public Task PreConsume<T>(ConsumeContext<T> context) where T : class
    {
        if (typeof(T).IsGenericType && typeof(T).GetGenericTypeDefinition() == typeof(Pack<>))
        {
            Interlocked.Increment(ref packs);
        }

        if (context.MessageId is { } id)
        {
            deliveries.AddOrUpdate(id, 1, (_, n) => n + 1);
        }

        return Task.CompletedTask;
    }

    public Task PostConsume<T>(ConsumeContext<T> context) where T : class => Task.CompletedTask;

    public Task ConsumeFault<T>(ConsumeContext<T> context, Exception exception) where T : class => Task.CompletedTask;
}

/// <summary>An event no consumer can ever apply.</summary>
public sealed record PoisonPill(Guid EventId, DateTimeOffset OccurredAt) : IIntegrationEvent;

public sealed class PoisonConsumer(TestDbContext db, TimeProvider time) : InboxConsumer<PoisonPill, TestDbContext>(db, time)
{
    /// <summary>How many times each pill was tried.</summary>
    public static readonly System.Collections.Concurrent.ConcurrentDictionary<Guid, int> Attempts = new();

    protected override Task HandleAsync(ConsumeContext<PoisonPill> context, CancellationToken ct)
    {
        Attempts.AddOrUpdate(context.Message.EventId, 1, (_, n) => n + 1);
        throw new InvalidOperationException("This message can never be applied.");
    }
}

/// <summary>An event of a busy stream, applied in batches; <paramref name="FailFirstTime"/> makes its first attempt throw.</summary>
public sealed record BurstHappened(Guid EventId, DateTimeOffset OccurredAt, string AggregateId, int Sequence, bool FailFirstTime = false)
    : IIntegrationEvent;

public sealed class BurstConsumer(TestDbContext db, TimeProvider time) : InboxBatchConsumer<BurstHappened, TestDbContext>(db, time)
{
    /// <summary>The events whose first attempt has thrown.</summary>
    public static readonly System.Collections.Concurrent.ConcurrentDictionary<Guid, bool> Failed = new();

    protected override Task HandleAsync(ConsumeContext<BurstHappened> context, CancellationToken ct)
    {
        var message = context.Message;
        if (message.FailFirstTime && Failed.TryAdd(message.EventId, true))
        {
            throw new InvalidOperationException("The first attempt at this event fails, and its whole batch with it.");
        }

        Applied.Record(Db, message.EventId, message.AggregateId, message.Sequence);
        return Task.CompletedTask;
    }
}

/// <summary>What the batch consumers applied: an effect row each, and the trace each event was applied under.</summary>
public static class Applied
{
    public static readonly System.Collections.Concurrent.ConcurrentDictionary<Guid, string?> UnderTrace = new();

    public static void Record(TestDbContext db, Guid eventId, string aggregateId, int sequence)
    {
        UnderTrace[eventId] = System.Diagnostics.Activity.Current?.TraceId.ToString();
        db.Effects.Add(new Effect { EventId = eventId, AggregateId = aggregateId, Sequence = sequence });
    }
}

/// <summary>An event of a busy stream that the relay publishes in packs.</summary>
[PublishedInPacks]
public sealed record CrowdArrived(Guid EventId, DateTimeOffset OccurredAt, string AggregateId, int Sequence) : IIntegrationEvent;

public sealed class CrowdConsumer(TestDbContext db, TimeProvider time) : InboxBatchConsumer<CrowdArrived, TestDbContext>(db, time)
{
    protected override Task HandleAsync(ConsumeContext<CrowdArrived> context, CancellationToken ct)
    {
        Applied.Record(Db, context.Message.EventId, context.Message.AggregateId, context.Message.Sequence);
        return Task.CompletedTask;
    }
}
