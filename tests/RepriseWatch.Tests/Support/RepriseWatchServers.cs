using Scop.Aspire.Testing;

namespace Scop.Aspire.RepriseWatch.Tests.Support;

/// <summary>The real servers, started once for the test assembly; each test class gets its own database.</summary>
public sealed class RepriseWatchServers : PlatformServers
{
    public async Task<RepriseWatchApp> StartAppAsync(IReadOnlyDictionary<string, string>? settings = null)
    {
        var app = new RepriseWatchApp(await Postgres.CreateDatabaseAsync(), this, settings);
        await app.StartOrDisposeAsync();
        return app;
    }
}

[CollectionDefinition(Name)]
public sealed class RepriseWatchServersCollection : ICollectionFixture<RepriseWatchServers>
{
    public const string Name = "reprise-watch servers";
}

/// <summary>One watch service (database and clock) shared by the tests of one class.</summary>
public sealed class RepriseWatchAppPerClass : AppPerClass<RepriseWatchApp>
{
    public Task<RepriseWatchApp> GetAsync(RepriseWatchServers servers) => GetAsync(() => servers.StartAppAsync());
}

/// <summary>The base of a test class: the app of the class and a client of it as confederation staff.</summary>
public abstract class RepriseWatchTestBase(RepriseWatchServers servers, RepriseWatchAppPerClass perClass) : IAsyncLifetime
{
    protected RepriseWatchApp App { get; private set; } = null!;

    protected HttpClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        App = await perClass.GetAsync(servers);
        Client = App.CreateClient(RepriseWatchApp.StaffToken);
    }

    public Task DisposeAsync()
    {
        Client.Dispose();
        return Task.CompletedTask;
    }
}
