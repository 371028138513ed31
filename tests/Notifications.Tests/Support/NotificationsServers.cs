using Scop.Aspire.Testing;

namespace Scop.Aspire.Notifications.Tests.Support;

/// <summary>
/// The real servers, started once for the test assembly: PostgreSQL, RabbitMQ, Redis and the mail server. Each test
/// class gets its own database and its own notifications service; the classes run one after the other.
/// </summary>
public sealed class NotificationsServers : PlatformServersWithMail
{
    /// <summary>The service on a new, empty database of its own, started, migrated and consuming.</summary>
    public async Task<NotificationsApp> StartAppAsync()
    {
        var app = new NotificationsApp(await Postgres.CreateDatabaseAsync(), this);
        await app.StartOrDisposeAsync();
        return app;
    }
}

[CollectionDefinition(Name)]
public sealed class NotificationsServersCollection : ICollectionFixture<NotificationsServers>
{
    public const string Name = "notifications servers";
}

/// <summary>One service (database and clock) shared by the tests of one class.</summary>
public sealed class NotificationsAppPerClass : AppPerClass<NotificationsApp>
{
    public Task<NotificationsApp> GetAsync(NotificationsServers servers) => GetAsync(servers.StartAppAsync);
}

/// <summary>The base of a test class: the app of the class and the mail server.</summary>
public abstract class NotificationsTestBase(NotificationsServers servers, NotificationsAppPerClass perClass) : IAsyncLifetime
{
    protected NotificationsApp App { get; private set; } = null!;

    protected MailFixture Mail => servers.Mail;

    protected NotificationsServers Servers => servers;

    public async Task InitializeAsync() => App = await perClass.GetAsync(servers);

    public Task DisposeAsync() => Task.CompletedTask;
}
