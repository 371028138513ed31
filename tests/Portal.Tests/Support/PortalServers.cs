using Scop.Aspire.Testing;

namespace Scop.Aspire.Portal.Tests.Support;

/// <summary>
/// The real servers, started once for the test assembly. Each test class gets its own database and its own portal;
/// the classes run one after the other, so only one portal consumes from the broker's queue at a time.
/// </summary>
public sealed class PortalServers : PlatformServers
{
    /// <summary>The portal on a new, empty database of its own, started, migrated and consuming.</summary>
    public async Task<PortalApp> StartAppAsync()
    {
        var app = new PortalApp(await Postgres.CreateDatabaseAsync(), this);
        await app.StartOrDisposeAsync();
        return app;
    }
}

[CollectionDefinition(Name)]
public sealed class PortalServersCollection : ICollectionFixture<PortalServers>
{
    public const string Name = "portal servers";
}

/// <summary>One portal (and database) shared by the tests of one class, stopped when the class is done.</summary>
public sealed class PortalAppPerClass : AppPerClass<PortalApp>
{
    public Task<PortalApp> GetAsync(PortalServers servers) => GetAsync(servers.StartAppAsync);
}
