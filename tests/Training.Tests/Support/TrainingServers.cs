using Scop.Aspire.Testing;

namespace Scop.Aspire.Training.Tests.Support;

/// <summary>The real servers, started once for the test assembly; each test class gets its own database.</summary>
public sealed class TrainingServers : PlatformServers
{
    public async Task<TrainingApp> StartAppAsync()
    {
        var app = new TrainingApp(await Postgres.CreateDatabaseAsync(), this);
        await app.StartOrDisposeAsync();
        return app;
    }
}

[CollectionDefinition(Name)]
public sealed class TrainingServersCollection : ICollectionFixture<TrainingServers>
{
    public const string Name = "training servers";
}

/// <summary>One training service (database and clock) shared by the tests of one class.</summary>
public sealed class TrainingAppPerClass : AppPerClass<TrainingApp>
{
    public Task<TrainingApp> GetAsync(TrainingServers servers) => GetAsync(servers.StartAppAsync);
}

/// <summary>The base of a test class: the app of the class and a client of it.</summary>
public abstract class TrainingTestBase(TrainingServers servers, TrainingAppPerClass perClass) : IAsyncLifetime
{
    protected TrainingApp App { get; private set; } = null!;

    protected HttpClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        App = await perClass.GetAsync(servers);
        Client = App.CreateClient(TrainingApp.StaffToken);
    }

    public Task DisposeAsync()
    {
        Client.Dispose();
        return Task.CompletedTask;
    }
}
