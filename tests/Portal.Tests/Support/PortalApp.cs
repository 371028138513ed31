using System.Collections.Concurrent;
using System.Text.Json;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Scop.Aspire.Contracts.Membership;
using Scop.Aspire.ServiceDefaults;
using Scop.Aspire.Testing;

namespace Scop.Aspire.Portal.Tests.Support;

/// <summary>
/// The real portal (its own Program) in the Development environment, on real PostgreSQL, RabbitMQ and Redis, with
/// an eye on its bus: how many times each message went through a consumer.
/// </summary>
public sealed class PortalApp(string databaseConnectionString, PlatformServers servers)
    : ServiceApp<Program>(ResourceNames.PortalDatabase, databaseConnectionString, servers)
{
    private readonly ConsumedMessages consumed = new();
    private IDisposable? observation;

    public IBus Bus => Services.GetRequiredService<IBus>();

    public new void StartServer()
    {
        base.StartServer();
        observation = Bus.ConnectConsumeObserver(consumed);
    }

    /// <summary>Publishes the event as the membership service's outbox does: its EventId is the message id.</summary>
    public Task PublishAsync(CooperativeJoined joined) =>
        Bus.Publish(joined, context => context.MessageId = joined.EventId);

    /// <summary>How many deliveries of <paramref name="messageId"/> a consumer finished (successfully or not).</summary>
    public int ConsumedCount(Guid messageId) => consumed.Count(messageId);

    public int FaultedCount(Guid messageId) => consumed.Faults(messageId);

    public override async ValueTask DisposeAsync()
    {
        observation?.Dispose();
        await base.DisposeAsync();
    }

    private sealed class ConsumedMessages : IConsumeObserver
    {
        private readonly ConcurrentDictionary<Guid, int> done = new();
        private readonly ConcurrentDictionary<Guid, int> faulted = new();

        public int Count(Guid messageId) => done.GetValueOrDefault(messageId) + faulted.GetValueOrDefault(messageId);

        public int Faults(Guid messageId) => faulted.GetValueOrDefault(messageId);

        public Task PreConsume<T>(ConsumeContext<T> context)
            where T : class => Task.CompletedTask;

        public Task PostConsume<T>(ConsumeContext<T> context)
            where T : class
        {
            if (context.MessageId is { } id)
            {
                done.AddOrUpdate(id, 1, (_, n) => n + 1);
            }

            return Task.CompletedTask;
        }

        public Task ConsumeFault<T>(ConsumeContext<T> context, Exception exception)
            where T : class
        {
            if (context.MessageId is { } id)
            {
                faulted.AddOrUpdate(id, 1, (_, n) => n + 1);
            }

            return Task.CompletedTask;
        }
    }
}

public static class Feed
{
    public sealed record Entry(Guid Id, string Kind, string Title, Guid SubjectId, DateTimeOffset OccurredAt,
        DateTimeOffset PublishedAt);

    public sealed record Page(IReadOnlyList<Entry> Items, string? NextCursor);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static async Task<Page> GetPageAsync(this HttpClient client, int? limit = null, string? before = null)
    {
        var query = new List<string>();
        if (limit is not null)
        {
            query.Add($"limit={limit}");
        }

        if (before is not null)
        {
            query.Add($"before={Uri.EscapeDataString(before)}");
        }

        using var response = await client.GetAsync("/api/portal/feed" + (query.Count == 0 ? "" : "?" + string.Join('&', query)));
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"GET feed answered {(int)response.StatusCode}: {text}");
        }

        return JsonSerializer.Deserialize<Page>(text, Json)!;
    }

    /// <summary>Reads the whole feed, page after page, following nextCursor.</summary>
    public static async Task<(List<Entry> Items, List<int> PageSizes)> ReadAllAsync(this HttpClient client, int limit)
    {
        var items = new List<Entry>();
        var sizes = new List<int>();
        string? cursor = null;
        do
        {
            var page = await client.GetPageAsync(limit, cursor);
            items.AddRange(page.Items);
            sizes.Add(page.Items.Count);
            cursor = page.NextCursor;
            Assert.True(sizes.Count < 1000, "the feed's cursor never ends");
        }
        while (cursor is not null);

        return (items, sizes);
    }

    /// <summary>Polls <paramref name="condition"/> until it holds or the deadline passes (no fixed sleeps).</summary>
    public static async Task<T> EventuallyAsync<T>(Func<Task<T>> probe, Func<T, bool> condition, string what,
        TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        var delay = TimeSpan.FromMilliseconds(25);
        while (true)
        {
            var value = await probe();
            if (condition(value))
            {
                return value;
            }

            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out waiting for {what}.");
            }

            await Task.Delay(delay);
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 250));
        }
    }

    public static CooperativeJoined Joined(DateTimeOffset? occurredAt = null, string? name = null) => new(
        Guid.NewGuid(),
        occurredAt ?? DateTimeOffset.UtcNow,
        Guid.NewGuid(),
        name ?? $"Scop {Guid.NewGuid().ToString("N")[..8]}",
        "552100554",
        "SCOP",
        "69123",
        "62.01Z");
}
