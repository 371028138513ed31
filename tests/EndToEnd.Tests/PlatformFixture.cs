using Aspire.Hosting;
using Scop.Aspire.Bench.Platform;

namespace Scop.Aspire.EndToEnd.Tests;

/// <summary>
/// The whole platform as the AppHost describes it — local PostgreSQL, RabbitMQ and Redis, the services and the
/// gateway — started once for the end-to-end tests, with its data in a temporary folder and every port free.
/// <c>SCOP_TEST_REPLICAS=2</c> runs every service and the gateway as two processes (<c>Scop:Replicas</c>).
/// </summary>
public class PlatformFixture : IAsyncLifetime
{
    public const string ReplicasVariable = "SCOP_TEST_REPLICAS";

    private HostedPlatform? platform;

    public PlatformFixture()
        : this(int.TryParse(Environment.GetEnvironmentVariable(ReplicasVariable), out var replicas) ? replicas : 1)
    {
    }

    protected PlatformFixture(int replicas) => Replicas = replicas;

    public int Replicas { get; }

    public HttpClient Gateway { get; private set; } = null!;

    public HostedPlatform Platform => platform ?? throw new InvalidOperationException("The platform has not started.");

    /// <summary>The running application: its model, and the resources as the orchestrator started them.</summary>
    public DistributedApplication App => Platform.App;

    /// <summary>The development users' passwords and clients' secrets the identity service generated at its first start.</summary>
    public string DataRoot => Platform.DataRoot;

    /// <summary>Settings of the platform beyond its replicas, for a fixture of its own.</summary>
    protected virtual PlatformOptions Options => new() { Replicas = Replicas };

    public async Task InitializeAsync()
    {
        platform = await HostedPlatform.StartAsync(Options, CancellationToken.None);
        Gateway = platform.CreateGatewayClient();
    }

    public async Task DisposeAsync()
    {
        Gateway?.Dispose();
        if (platform is not null)
        {
            await platform.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class PlatformCollection : ICollectionFixture<PlatformFixture>
{
    public const string Name = "platform";
}
