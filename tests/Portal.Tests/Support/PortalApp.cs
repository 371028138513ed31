using System.Collections.Concurrent;
using System.Text.Json;
using MassTransit;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Scop.Aspire.Contracts;
using Scop.Aspire.Contracts.Membership;
using Scop.Aspire.ServiceDefaults;
using Scop.Aspire.ServiceDefaults.Messaging;
using Scop.Aspire.ServiceDefaults.Security;
using Scop.Aspire.Testing;

namespace Scop.Aspire.Portal.Tests.Support;

/// <summary>
/// The real portal (its own Program) in the Development environment, on real PostgreSQL, RabbitMQ and Redis, with
/// an eye on its bus (how many times each message went through a consumer) and a fake clock: scheduled publications
/// follow <see cref="Time"/>, which the tests move.
/// </summary>
public sealed class PortalApp(string databaseConnectionString, PlatformServers servers)
    : ServiceApp<Program>(ResourceNames.PortalDatabase, databaseConnectionString, servers)
{
    private readonly ConsumedMessages consumed = new();
    private IDisposable? observation;

    /// <summary>The service's clock, on a whole second: PostgreSQL keeps microseconds, .NET ticks are finer.</summary>
    public FakeTimeProvider Time { get; } = new(DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds()));

    public string RedisPrefix { get; } = $"portal-{Guid.NewGuid():N}";

    public static string StaffToken => TestTokens.For(PlatformAudiences.Portal, PlatformRoles.ConfederationAdmin);

    public static string ManagerToken(Guid cooperative) =>
        TestTokens.For(PlatformAudiences.Portal, PlatformRoles.CooperativeManager, cooperativeId: cooperative);

    public static string DelegateToken(string union) =>
        TestTokens.For(PlatformAudiences.Portal, PlatformRoles.Delegate, regionalUnion: union);

    /// <summary>
    /// A member with an account of their own (<paramref name="subject"/>), a person in the register, the name their
    /// token gives (<paramref name="name"/>) and, when given, their account's user name (<paramref name="userName"/>).
    /// </summary>
    public static string MemberToken(string? subject = null, Guid? person = null, string name = "Test user", string? userName = null) =>
        TestTokens.Mint(PlatformAudiences.Portal, [PlatformRoles.Member], subject: subject, personId: person ?? Guid.NewGuid(), name: name,
            preferredUserName: userName);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        // The test run's portals share one Redis: each keeps its keys apart.
        builder.UseSetting("Scop:Portal:RedisPrefix", RedisPrefix);
        builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(Time));
    }

    /// <summary>Moves the service's clock and lets the outbox relay look at the timers that fell due.</summary>
    public void Advance(TimeSpan by)
    {
        Time.Advance(by);
        Services.GetRequiredService<OutboxRelay>().Wake();
    }

    /// <summary>Publishes an event as its publisher's outbox does: the event id is the message id.</summary>
    public Task PublishAsync<T>(T message)
        where T : class, IIntegrationEvent =>
        Bus.Publish(message, context => context.MessageId = message.EventId);

    public IBus Bus => Services.GetRequiredService<IBus>();

    protected override void OnStarted() => observation = Bus.ConnectConsumeObserver(consumed);

    /// <summary>How many deliveries of <paramref name="messageId"/> a consumer finished (successfully or not).</summary>
    public int ConsumedCount(Guid messageId) => consumed.Count(messageId);

    public int FaultedCount(Guid messageId) => consumed.Faults(messageId);

    public override async ValueTask DisposeAsync()
    {
        observation?.Dispose();
        await base.DisposeAsync();
    }
}

public static class Feed
{
    public sealed record Entry(Guid Id, string Kind, string Title, Guid SubjectId, DateTimeOffset OccurredAt,
        DateTimeOffset PublishedAt, string? Region = null, string? Sector = null, string? Link = null);

    public sealed record Page(IReadOnlyList<Entry> Items, string? NextCursor);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static async Task<Page> GetPageAsync(this HttpClient client, int? limit = null, string? before = null, string? filter = null)
    {
        var query = new List<string>();
        if (filter is not null)
        {
            query.Add(filter);
        }

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

    public static CooperativeJoined Joined(DateTimeOffset? occurredAt = null, string? name = null, string union = "urscop-aura",
        string nafCode = "62.01Z") => new(
        Guid.NewGuid(),
        occurredAt ?? DateTimeOffset.UtcNow,
        Guid.NewGuid(),
        name ?? $"Scop {Guid.NewGuid().ToString("N")[..8]}",
        "552100554",
        "SCOP",
        "69123",
        nafCode,
        union,
        12);
}
