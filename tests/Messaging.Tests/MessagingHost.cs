using System.Diagnostics;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using RabbitMQ.Client;
using Scop.Aspire.Contracts;
using Scop.Aspire.ServiceDefaults.Data;
using Scop.Aspire.ServiceDefaults.Messaging;
using Scop.Aspire.Testing;

namespace Scop.Aspire.Messaging.Tests;

/// <summary>
/// A service as the platform builds one: its own database, the outbox relay and an inbox consumer, wired by the same
/// AddServiceDatabase / AddMessaging calls the services make, on the real servers.
/// </summary>
public sealed class MessagingHost : IAsyncDisposable
{
    private readonly IHost host;
    private readonly MessagingServers servers;

    private MessagingHost(IHost host, MessagingServers servers, string serviceName, string database)
    {
        this.host = host;
        this.servers = servers;
        ServiceName = serviceName;
        Database = database;
    }

    public string ServiceName { get; }

    /// <summary>The connection string of this service's database.</summary>
    public string Database { get; }

    public IServiceProvider Services => host.Services;

    public DeliveryCounter Deliveries { get; } = new();

    public OutboxRelay Relay => host.Services.GetRequiredService<OutboxRelay>();

    /// <param name="restartOf">Start a new process of that service: same name, same database.</param>
    /// <param name="pollInterval">How long the relay sleeps without a notification (half a second unless given).</param>
    public static async Task<MessagingHost> StartAsync(MessagingServers servers, TimeProvider? time = null,
        MessagingHost? restartOf = null, TimeSpan? pollInterval = null)
    {
        var serviceName = restartOf?.ServiceName ?? $"test-{Guid.NewGuid():N}"[..13];
        var database = restartOf?.Database ?? await servers.Postgres.CreateDatabaseAsync();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Testing" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:testdb"] = database,
            ["ConnectionStrings:rabbitmq"] = servers.RabbitMq.ConnectionString,
            ["Scop:Outbox:PollInterval"] = (pollInterval ?? TimeSpan.FromMilliseconds(500)).ToString("c"),
            ["Scop:Outbox:PublishTimeout"] = "00:00:03",
            ["Scop:Outbox:MinBackoff"] = "00:00:00.200",
            ["Scop:Outbox:MaxBackoff"] = "00:00:02",
        });
        builder.AddServiceDatabase<TestDbContext>("testdb");
        builder.AddMessaging<TestDbContext>(serviceName);
        if (time is not null)
        {
            builder.Services.AddSingleton(time);
        }

        var host = builder.Build();
        await using (var scope = host.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<TestDbContext>();
            await db.Database.EnsureCreatedAsync();
        }

        var messaging = new MessagingHost(host, servers, serviceName, database);
        host.Services.GetRequiredService<IBus>().ConnectConsumeObserver(messaging.Deliveries);
        await host.StartAsync();
        return messaging;
    }

    /// <summary>Saves events through the outbox in one transaction, as a request handler would.</summary>
    public Task<List<SomethingHappened>> SaveEventsAsync(IEnumerable<(string Aggregate, int Sequence)> events,
        DateTimeOffset? notBefore = null) =>
        SaveThroughOutboxAsync([.. events.Select(e => new SomethingHappened(Guid.NewGuid(), DateTimeOffset.UtcNow, e.Aggregate, e.Sequence))],
            e => e.AggregateId, notBefore);

    /// <summary>Saves a burst of events through the outbox in one transaction.</summary>
    public Task<List<BurstHappened>> SaveBurstAsync(string aggregatePrefix, int count, Func<int, bool>? failFirstTime = null) =>
        SaveThroughOutboxAsync([.. Enumerable.Range(0, count).Select(i =>
            new BurstHappened(Guid.NewGuid(), DateTimeOffset.UtcNow, $"{aggregatePrefix}-{i}", i, failFirstTime?.Invoke(i) ?? false))],
            e => e.AggregateId);

    /// <summary>Saves <paramref name="count"/> events of the crowd through the outbox in one transaction, one per aggregate.</summary>
    public Task<List<CrowdArrived>> SaveCrowdAsync(string aggregatePrefix, int count) =>
        SaveThroughOutboxAsync([.. Enumerable.Range(0, count).Select(i =>
            new CrowdArrived(Guid.NewGuid(), DateTimeOffset.UtcNow, $"{aggregatePrefix}-{i}", 0))], e => e.AggregateId);

    /// <summary>Saves <paramref name="events"/> through the outbox in one unit of work, as a request handler would.</summary>
    public async Task<List<TEvent>> SaveThroughOutboxAsync<TEvent>(List<TEvent> events, Func<TEvent, string> aggregateOf,
        DateTimeOffset? notBefore = null)
        where TEvent : class, IIntegrationEvent
    {
        await using var scope = host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TestDbContext>();
        foreach (var happened in events)
        {
            db.AddIntegrationEvent(happened, aggregateOf(happened), notBefore);
        }

        await db.SaveChangesAsync();
        return events;
    }

    /// <summary>Runs <paramref name="sql"/> for one value on this service's database, as someone checking its tables would.</summary>
    public async Task<T> ScalarAsync<T>(string sql)
    {
        await using var command = host.Services.GetRequiredService<NpgsqlDataSource>().CreateCommand(sql);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    public async Task SaveAsync(PoisonPill pill)
    {
        await using var scope = host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TestDbContext>();
        db.AddIntegrationEvent(pill, aggregateId: null);
        await db.SaveChangesAsync();
    }

    public async Task<List<Effect>> EffectsAsync()
    {
        await using var scope = host.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<TestDbContext>().Effects.AsNoTracking()
            .OrderBy(e => e.Id).ToListAsync();
    }

    public async Task<(long Pending, int MaxAttempts)> OutboxStateAsync()
    {
        await using var command = host.Services.GetRequiredService<NpgsqlDataSource>().CreateCommand(
            "SELECT count(*) FILTER (WHERE sent_at IS NULL), coalesce(max(attempts), 0) FROM outbox_messages");
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt64(0), reader.GetInt32(1));
    }

    public async Task<List<string?>> InboxTraceIdsAsync()
    {
        await using var command = host.Services.GetRequiredService<NpgsqlDataSource>().CreateCommand(
            "SELECT trace_id FROM inbox_messages");
        await using var reader = await command.ExecuteReaderAsync();
        var ids = new List<string?>();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.IsDBNull(0) ? null : reader.GetString(0));
        }

        return ids;
    }

    /// <summary>
    /// Records every activity of MassTransit, of the platform's messaging and of the tests' own source "test", as the
    /// services' OpenTelemetry does: without a listener, no activity is made and no trace travels with a message.
    /// </summary>
    public static ActivityListener RecordTraces()
    {
        var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is "MassTransit" or MessagingTelemetry.ActivitySourceName or "test",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        return listener;
    }

    /// <summary>
    /// Runs <paramref name="save"/> under an activity of the tests' source, as a request's handler runs; returns what it
    /// saved and the request's trace id. Record traces (<see cref="RecordTraces"/>) for the activity to exist.
    /// </summary>
    public static async Task<(T Saved, string TraceId)> UnderRequestAsync<T>(string request, Func<Task<T>> save)
    {
        using var source = new ActivitySource("test");
        using var activity = source.StartActivity(request)
            ?? throw new InvalidOperationException("No activity: record traces first");
        return (await save(), activity.TraceId.ToString());
    }

    /// <summary>
    /// Waits until the relay has marked every due row sent. It does so once the broker confirms, which can be after a
    /// consumer in the same process has applied the event already.
    /// </summary>
    public Task WaitUntilOutboxDrainedAsync(TimeSpan timeout) =>
        WaitUntilAsync(async () => (await OutboxStateAsync()).Pending == 0, timeout, "the outbox is drained");

    /// <summary>Polls until <paramref name="condition"/> holds; fails with <paramref name="what"/> at the deadline.</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out after {timeout.TotalSeconds} s waiting until {what}");
            }

            await Task.Delay(100);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await host.StopAsync();
        host.Dispose();
        await DeleteQueuesAsync(servers, ServiceName);
    }

    /// <summary>Tests share one broker: remove a test service's queues so later tests' events don't pile up in them.</summary>
    public static async Task DeleteQueuesAsync(PlatformServers servers, string serviceName)
    {
        if (!servers.RabbitMq.IsRunning)
        {
            return;
        }

        var names = new KebabCaseEndpointNameFormatter(serviceName, false);
        await using var connection = await servers.RabbitMq.CreateConnectionFactory().CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        foreach (var queue in new[] { names.Consumer<EffectConsumer>(), names.Consumer<PoisonConsumer>(), names.Consumer<BurstConsumer>() })
        {
            await channel.QueueDeleteAsync(queue);
            await channel.QueueDeleteAsync(queue + "_error");
        }
    }
}
