using Scop.Aspire.Testing;

namespace Scop.Aspire.Portal.Tests.Support;

/// <summary>
/// The real servers the portal needs, started once for the test assembly: PostgreSQL, RabbitMQ and Redis. Each test
/// class gets its own database and its own portal (see <see cref="PortalAppPerClass"/>); the classes run one after
/// the other, so only one portal consumes from the broker's queue at a time.
/// </summary>
public sealed class PortalServers : IAsyncLifetime
{
    public PostgresFixture Postgres { get; } = new();

    public RabbitMqFixture RabbitMq { get; } = new();

    public RedisFixture Redis { get; } = new();

    public async Task InitializeAsync()
    {
        try
        {
            await Task.WhenAll(Postgres.InitializeAsync(), RabbitMq.InitializeAsync(), Redis.InitializeAsync());
        }
        catch
        {
            // xunit does not dispose a fixture whose initialisation failed: stop whatever did start.
            await DisposeAsync();
            throw;
        }
    }

    public Task DisposeAsync() =>
        Task.WhenAll(Postgres.DisposeAsync(), RabbitMq.DisposeAsync(), Redis.DisposeAsync());

    /// <summary>The portal on a new, empty database of its own, started, migrated and consuming.</summary>
    public async Task<PortalApp> StartAppAsync()
    {
        var database = await Postgres.CreateDatabaseAsync();
        var app = new PortalApp(database, RabbitMq.ConnectionString, Redis.ConnectionString);
        try
        {
            app.StartServer();
            return app;
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }
}

[CollectionDefinition(Name)]
public sealed class PortalServersCollection : ICollectionFixture<PortalServers>
{
    public const string Name = "portal servers";
}

/// <summary>One portal (and database) shared by the tests of one class, stopped when the class is done.</summary>
public sealed class PortalAppPerClass : IAsyncLifetime
{
    private readonly SemaphoreSlim gate = new(1, 1);
    private PortalApp? app;

    public async Task<PortalApp> GetAsync(PortalServers servers)
    {
        await gate.WaitAsync();
        try
        {
            return app ??= await servers.StartAppAsync();
        }
        finally
        {
            gate.Release();
        }
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (app is not null)
        {
            await app.DisposeAsync();
        }
    }
}
