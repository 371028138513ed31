using Scop.Aspire.Testing;

namespace Scop.Aspire.Ambassadors.Tests.Support;

/// <summary>The real servers (PostgreSQL with PostGIS, RabbitMQ, Redis), started once for the test assembly; each test class gets its own database.</summary>
public sealed class AmbassadorsServers : PlatformServers
{
    public async Task<AmbassadorsApp> StartAppAsync()
    {
        var app = new AmbassadorsApp(await Postgres.CreateDatabaseAsync(), this);
        await app.StartOrDisposeAsync();
        return app;
    }
}

[CollectionDefinition(Name)]
public sealed class AmbassadorsServersCollection : ICollectionFixture<AmbassadorsServers>
{
    public const string Name = "ambassadors servers";
}

/// <summary>One ambassadors service (database and clock) shared by the tests of one class.</summary>
public sealed class AmbassadorsAppPerClass : AppPerClass<AmbassadorsApp>
{
    public Task<AmbassadorsApp> GetAsync(AmbassadorsServers servers) => GetAsync(servers.StartAppAsync);
}

/// <summary>The base of a test class: the app of the class and a client of it (as a confederation admin).</summary>
public abstract class AmbassadorsTestBase(AmbassadorsServers servers, AmbassadorsAppPerClass perClass) : IAsyncLifetime
{
    protected AmbassadorsApp App { get; private set; } = null!;

    protected HttpClient Client { get; private set; } = null!;

    /// <summary>A client without a token, as the public calls the directory.</summary>
    protected HttpClient Public { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        App = await perClass.GetAsync(servers);
        Client = App.CreateClient(AmbassadorsApp.StaffToken);
        Public = App.CreateClient(token: null);
    }

    public Task DisposeAsync()
    {
        Client.Dispose();
        Public.Dispose();
        return Task.CompletedTask;
    }
}
