using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json;
using MassTransit;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Scop.Aspire.Contracts;
using Scop.Aspire.Contracts.Membership;
using Scop.Aspire.Notifications.Sending;
using Scop.Aspire.ServiceDefaults;
using Scop.Aspire.ServiceDefaults.Security;
using Scop.Aspire.Testing;

namespace Scop.Aspire.Notifications.Tests.Support;

/// <summary>
/// The real notifications service (its own Program) on real PostgreSQL, RabbitMQ and the real mail server, with a fake
/// clock that the tests move to make retries fall due, and an eye on its bus: how many times each message went
/// through a consumer.
/// </summary>
public sealed class NotificationsApp(string databaseConnectionString, NotificationsServers servers)
    : ServiceApp<Program>(ResourceNames.NotificationsDatabase, databaseConnectionString, servers)
{
    public const string WebBaseUrl = "https://www.les-scop.test";
    public const string PartnerContact = "webhooks@credit-cooperatif.test";
    public const string PartnerDesk = "partenaires@les-scop.test";
    private readonly ConsumedMessages consumed = new();
    private IDisposable? observation;

    /// <summary>The service's clock, on a whole second.</summary>
    public FakeTimeProvider Time { get; } = new(DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds()));

    public IBus Bus => Services.GetRequiredService<IBus>();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Scop:Notifications:WebBaseUrl", WebBaseUrl);
        builder.UseSetting("Scop:Notifications:PartnerDesk", PartnerDesk);
        builder.UseSetting("Scop:Notifications:PartnerContacts:credit-cooperatif", PartnerContact);
        builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(Time));
    }

    protected override void OnStarted() => observation = Bus.ConnectConsumeObserver(consumed);

    /// <summary>Publishes an event as its publisher's outbox does: the event id is the message id.</summary>
    public Task PublishAsync<T>(T message)
        where T : class, IIntegrationEvent =>
        Bus.Publish(message, context => context.MessageId = message.EventId);

    /// <summary>How many deliveries of <paramref name="messageId"/> consumers finished (successfully or not).</summary>
    public int ConsumedCount(Guid messageId) => consumed.Count(messageId);

    /// <summary>Moves the service's clock and lets the e-mail worker look at what fell due.</summary>
    public void Advance(TimeSpan by)
    {
        Time.Advance(by);
        Services.GetRequiredService<EmailWorker>().Wake();
    }

    /// <summary>A person hired by the register, with an address of their own; returns once the service knows them.</summary>
    public async Task<Person> HireAsync(string role = PersonRoles.Employee, Guid? cooperative = null, bool withEmail = true)
    {
        var person = new Person(Guid.NewGuid(), cooperative ?? Guid.NewGuid(), withEmail ? $"p{Guid.NewGuid():N}@example.coop" : null);
        await PublishAsync(new PersonHired(Guid.NewGuid(), Time.GetUtcNow(), person.Id, person.Cooperative, "urscop-aura",
            ParisCalendar.Today(Time), role, person.Email));
        await Eventually.HoldsAsync(() => QueryScalarAsync<long>("SELECT count(*) FROM recipients WHERE person_id = @p", ("p", person.Id)),
            n => n == 1, "the hire to reach the service");
        return person;
    }

    /// <summary>A client of the service as <paramref name="person"/> (a worker-member whose token names them).</summary>
    public HttpClient ClientOf(Guid person) =>
        CreateClient(TestTokens.For(PlatformAudiences.Notifications, PlatformRoles.Member, personId: person));

    public HttpClient StaffClient() => CreateClient(TestTokens.For(PlatformAudiences.Notifications, PlatformRoles.ConfederationAdmin));

    /// <summary>The person's inbox, newest first (at most 100).</summary>
    public async Task<List<InboxEntry>> InboxAsync(Guid person)
    {
        using var client = ClientOf(person);
        var page = await client.GetFromJsonAsync<InboxPage>("/api/notifications/me/notifications?limit=100", Json);
        return [.. page!.Items];
    }

    /// <summary>The notifications of an event, with the state of their e-mails (the staff's view).</summary>
    public async Task<List<Delivery>> DeliveriesOfAsync(Guid eventId)
    {
        using var client = StaffClient();
        var page = await client.GetFromJsonAsync<DeliveryPage>($"/api/notifications/notifications?eventId={eventId}&pageSize=100", Json);
        return [.. page!.Items];
    }

    /// <summary>Waits until every notification of the event has its e-mail settled the way <paramref name="status"/> says.</summary>
    public Task<List<Delivery>> SettledAsync(Guid eventId, string status, int count = 1) =>
        Eventually.HoldsAsync(() => DeliveriesOfAsync(eventId), d => d.Count == count && d.All(x => x.EmailStatus == status),
            $"{count} notification(s) of event {eventId} {status}");

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public override async ValueTask DisposeAsync()
    {
        observation?.Dispose();
        await base.DisposeAsync();
    }
}

public sealed record Person(Guid Id, Guid Cooperative, string? Email);

public sealed record Link(string Rel, string Label, string Href);

public sealed record InboxEntry(Guid Id, string Kind, string Subject, string Body, IReadOnlyList<Link> Links,
    DateTimeOffset OccurredAt, DateTimeOffset CreatedAt, DateTimeOffset? ReadAt);

public sealed record InboxPage(IReadOnlyList<InboxEntry> Items, string? NextCursor);

public sealed record Delivery(Guid Id, string Kind, Guid SourceEventId, string RecipientKind, Guid RecipientId, string Subject,
    bool InInbox, DateTimeOffset? ReadAt, string EmailStatus, int EmailAttempts, DateTimeOffset? NextAttemptAt, string? LastError,
    DateTimeOffset OccurredAt, DateTimeOffset CreatedAt, DateTimeOffset? SentAt);

public sealed record DeliveryPage(IReadOnlyList<Delivery> Items, int Page, int PageSize, long TotalCount);
