using Aspire.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Scop.Aspire.EndToEnd.Tests;

/// <summary>
/// The whole platform as the AppHost describes it — local PostgreSQL, RabbitMQ and Redis, the services and the
/// gateway — started once for the end-to-end tests, with its data in a temporary folder and every port free.
/// </summary>
public sealed class PlatformFixture : IAsyncLifetime
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(4);
    private readonly string dataRoot = Path.Combine(Path.GetTempPath(), "scop-e2e", Guid.NewGuid().ToString("N")[..8]);
    private DistributedApplication? app;

    public HttpClient Gateway { get; private set; } = null!;

    /// <summary>The running application: its model, and the resources as the orchestrator started them.</summary>
    public DistributedApplication App => app ?? throw new InvalidOperationException("The platform has not started.");

    /// <summary>The development users' passwords and clients' secrets the identity service generated at its first start.</summary>
    public string DataRoot => dataRoot;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(dataRoot);
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Scop_Aspire_AppHost>(
        [
            "--Scop:Infrastructure=local",
            $"--Scop:DataRoot={dataRoot}",
            "--Scop:GatewayPort=0",
            // The gateway's port is part of the tokens' issuer: keep the one the AppHost chose.
            "--DcpPublisher:RandomizePorts=false",
            "--Scop:FixedServicePorts=false",
            "--Scop:Ports:Postgres=0",
            "--Scop:Ports:RabbitMq=0",
            "--Scop:Ports:RabbitMqDistribution=0",
            "--Scop:Ports:Redis=0",
            "--Scop:Ports:Epmd=0",
            $"--Scop:RabbitMqNodeName=e2e-{Guid.NewGuid():N}"[..48] + "@localhost",
        ]);
        builder.Services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        builder.Configuration["DcpPublisher:RandomizePorts"] = "false"; // the testing builder turns it on

        app = await builder.BuildAsync();
        using var timeout = new CancellationTokenSource(StartTimeout);
        await app.StartAsync(timeout.Token);
        await app.ResourceNotifications.WaitForResourceHealthyAsync("gateway", timeout.Token);
        Gateway = app.CreateHttpClient("gateway");
    }

    public async Task DisposeAsync()
    {
        Gateway?.Dispose();
        if (app is not null)
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }

        try
        {
            Directory.Delete(dataRoot, recursive: true);
        }
        catch (IOException)
        {
            // A server may still be releasing a file; the folder is in the temporary area anyway.
        }
    }
}

[CollectionDefinition(Name)]
public sealed class PlatformCollection : ICollectionFixture<PlatformFixture>
{
    public const string Name = "platform";
}
