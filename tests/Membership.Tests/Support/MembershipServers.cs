using Scop.Aspire.Testing;

namespace Scop.Aspire.Membership.Tests.Support;

/// <summary>
/// The real servers the membership service needs, started once for the test assembly: PostgreSQL, RabbitMQ and
/// Redis. Each test class gets its own database (see <see cref="MembershipAppPerClass"/>).
/// </summary>
public sealed class MembershipServers : IAsyncLifetime
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

    /// <summary>The membership service on a new, empty database of its own, started and migrated.</summary>
    public async Task<MembershipApp> StartAppAsync()
    {
        var database = await Postgres.CreateDatabaseAsync();
        var app = new MembershipApp(database, RabbitMq.ConnectionString, Redis.ConnectionString);
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
public sealed class MembershipServersCollection : ICollectionFixture<MembershipServers>
{
    public const string Name = "membership servers";
}

/// <summary>One membership service (and database) shared by the tests of one class.</summary>
public sealed class MembershipAppPerClass : IAsyncLifetime
{
    private readonly SemaphoreSlim gate = new(1, 1);
    private MembershipApp? app;

    public async Task<MembershipApp> GetAsync(MembershipServers servers)
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
