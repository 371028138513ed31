using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Scop.Aspire.ServiceDefaults.Messaging;

namespace Scop.Aspire.Messaging.Tests;

/// <summary>
/// A unit of work of inserts that fits in one batch is saved without BEGIN and COMMIT, and is still all or nothing; one
/// that updates, or that needs several batches, still gets its transaction.
/// </summary>
[Collection(MessagingCollection.Name)]
public sealed class SingleBatchSaveTests(MessagingServers servers)
{
    /// <summary>Sorts before any random id, so that EF Core sends its insert before the failing one.</summary>
    private static readonly Guid FirstId = Guid.Parse("00000000-0000-7000-8000-000000000001");

    /// <summary>Sorts after any random id: the row that fails, inserted last.</summary>
    private static readonly Guid LastId = Guid.Parse("ffffffff-ffff-7fff-bfff-ffffffffffff");

    [Fact]
    public async Task A_state_change_and_its_event_are_saved_without_a_transaction_of_their_own()
    {
        await using var service = await MessagingHost.StartAsync(servers);

        var (stateChange, happened) = (Guid.NewGuid(), Guid.NewGuid());

        var begun = await TransactionsBegunWhileAsync(service, async db =>
        {
            db.Effects.Add(new Effect { EventId = stateChange, AggregateId = "order-1", Sequence = 1 });
            db.AddIntegrationEvent(new SomethingHappened(happened, DateTimeOffset.UtcNow, "order-1", 1), "order-1");
            await db.SaveChangesAsync();
        });

        Assert.Equal(0, begun);
        await MessagingHost.WaitUntilAsync(async () => (await service.EffectsAsync()).Count == 2, TimeSpan.FromSeconds(60),
            "the event was published and applied");
        Assert.Equal(new[] { stateChange, happened }.Order(), (await service.EffectsAsync()).Select(e => e.EventId).Order());
    }

    [Fact]
    public async Task A_single_batch_whose_last_statement_fails_writes_nothing()
    {
        await using var service = await MessagingHost.StartAsync(servers);
        await SaveEventAsync(service, LastId);

        var begun = await TransactionsBegunWhileAsync(service, async db =>
        {
            db.Effects.Add(new Effect { EventId = Guid.NewGuid(), AggregateId = "order-2", Sequence = 1 });
            db.AddIntegrationEvent(new SomethingHappened(FirstId, DateTimeOffset.UtcNow, "order-2", 1), "order-2");
            db.AddIntegrationEvent(new SomethingHappened(LastId, DateTimeOffset.UtcNow, "order-2", 2), "order-2");
            var failure = await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync());
            Assert.Equal(PostgresErrorCodes.UniqueViolation, Assert.IsType<PostgresException>(failure.InnerException).SqlState);
        });

        Assert.Equal(0, begun);
        Assert.Equal(0L, await service.ScalarAsync<long>($"SELECT count(*) FROM outbox_messages WHERE id = '{FirstId}'"));
        Assert.Equal(0L, await service.ScalarAsync<long>("SELECT count(*) FROM effects WHERE aggregate_id = 'order-2'"));
    }

    [Fact]
    public async Task An_update_that_finds_its_row_gone_takes_the_event_saved_with_it_back()
    {
        await using var service = await MessagingHost.StartAsync(servers);
        var effect = new Effect { EventId = Guid.NewGuid(), AggregateId = "order-3", Sequence = 1 };
        await using (var scope = service.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<TestDbContext>();
            db.Effects.Add(effect);
            await db.SaveChangesAsync();
        }

        var begun = await TransactionsBegunWhileAsync(service, async db =>
        {
            var tracked = await db.Effects.SingleAsync(e => e.Id == effect.Id);
            await service.ScalarAsync<long>($"WITH gone AS (DELETE FROM effects WHERE id = {effect.Id} RETURNING 1) SELECT count(*) FROM gone");
            tracked.Sequence = 2;
            db.AddIntegrationEvent(new SomethingHappened(FirstId, DateTimeOffset.UtcNow, "order-3", 2), "order-3");
            await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => db.SaveChangesAsync());
        });

        Assert.Equal(1, begun);
        Assert.Equal(0L, await service.ScalarAsync<long>("SELECT count(*) FROM outbox_messages"));
    }

    [Fact]
    public async Task A_unit_of_work_of_several_batches_is_one_transaction_and_a_failure_in_the_last_undoes_the_first()
    {
        await using var service = await MessagingHost.StartAsync(servers);
        await SaveEventAsync(service, LastId);
        const int events = 1_500; // more than the 1,000 statements of one batch

        var begun = await TransactionsBegunWhileAsync(service, async db =>
        {
            db.AddIntegrationEvent(new SomethingHappened(FirstId, DateTimeOffset.UtcNow, "crowd", 0), "crowd-first");
            for (var i = 1; i < events - 1; i++)
            {
                db.AddIntegrationEvent(new SomethingHappened(Guid.NewGuid(), DateTimeOffset.UtcNow, "crowd", i), $"crowd-{i}");
            }

            db.AddIntegrationEvent(new SomethingHappened(LastId, DateTimeOffset.UtcNow, "crowd", events), "crowd-last");
            await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync());
        });

        Assert.Equal(1, begun);
        Assert.Equal(1L, await service.ScalarAsync<long>("SELECT count(*) FROM outbox_messages"));
    }

    private static Task SaveEventAsync(MessagingHost service, Guid eventId) =>
        service.SaveThroughOutboxAsync([new SomethingHappened(eventId, DateTimeOffset.UtcNow, "earlier", 0)], e => e.AggregateId);

    /// <summary>Runs <paramref name="work"/> on a fresh context and counts the transactions EF Core began on it.</summary>
    private static async Task<int> TransactionsBegunWhileAsync(MessagingHost service, Func<TestDbContext, Task> work)
    {
        await using var scope = service.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TestDbContext>();
        var begun = 0;
        var listening = new List<IDisposable>();
        using var subscription = DiagnosticListener.AllListeners.Subscribe(new Observer<DiagnosticListener>(listener =>
        {
            if (listener.Name == DbLoggerCategory.Name)
            {
                var events = listener.Subscribe(new Observer<KeyValuePair<string, object?>>(e =>
                {
                    if (e.Key == RelationalEventId.TransactionStarted.Name && e.Value is TransactionEventData data && data.Context == db)
                    {
                        Interlocked.Increment(ref begun);
                    }
                }));
                lock (listening)
                {
                    listening.Add(events);
                }
            }
        }));
        try
        {
            await work(db);
        }
        finally
        {
            lock (listening)
            {
                listening.ForEach(l => l.Dispose());
            }
        }

        return Volatile.Read(ref begun);
    }

    private sealed class Observer<T>(Action<T> onNext) : IObserver<T>
    {
        public void OnNext(T value) => onNext(value);

        public void OnCompleted()
        {
        }

        public void OnError(Exception error)
        {
        }
    }
}
