using Scop.Aspire.Testing;

namespace Scop.Aspire.Membership.Tests.Support;

/// <summary>The real servers, started once for the test assembly; each test class gets its own database.</summary>
public sealed class MembershipServers : PlatformServers
{
    /// <summary>The membership service on a new, empty database of its own, started and migrated.</summary>
    public async Task<MembershipApp> StartAppAsync(TimeProvider? time = null, TelemetryCapture? capture = null)
    {
        var app = new MembershipApp(await Postgres.CreateDatabaseAsync(), this, time, capture);
        await app.StartOrDisposeAsync();
        return app;
    }
}

[CollectionDefinition(Name)]
public sealed class MembershipServersCollection : ICollectionFixture<MembershipServers>
{
    public const string Name = "membership servers";
}

/// <summary>One membership service (and database) shared by the tests of one class.</summary>
public sealed class MembershipAppPerClass : AppPerClass<MembershipApp>
{
    public Task<MembershipApp> GetAsync(MembershipServers servers) => GetAsync(() => servers.StartAppAsync());
}
