using Scop.Aspire.LocalServers;
using Scop.Aspire.Testing.Hosting;
using StackExchange.Redis;
using Testcontainers.Redis;

namespace Scop.Aspire.Testing;

/// <summary>A real Redis server with an append-only file, so data survives a restart.</summary>
public sealed class RedisFixture : ServerFixture
{
    private const string ContainerImage = "redis:7.4-alpine";

    private readonly int port = FreePorts.Next();

    public RedisFixture()
        : base("redis")
    {
    }

    public override string ConnectionString => TestInfrastructure.UseContainers
        ? $"{Host.Host}:{port}"
        : LocalRedis.ConnectionString(port);

    private protected override IServerHost CreateHost()
    {
        if (TestInfrastructure.UseContainers)
        {
            var container = new RedisBuilder(ContainerImage)
                .WithCommand("--appendonly", "yes")
                .WithPortBinding(port, RedisBuilder.RedisPort)
                .Build();
            return new ContainerHost("redis", Log, container, port);
        }

        return new ProcessHost(
            "redis",
            Log,
            port,
            () => LocalRedis.Command(Path.Combine(Directory, "redis"), port, persistent: true),
            stopSignal: Posix.SIGTERM);
    }

    protected override async Task ProbeAsync(CancellationToken ct)
    {
        var options = ConfigurationOptions.Parse(ConnectionString);
        options.AbortOnConnectFail = true;
        options.ConnectTimeout = 2000;
        options.ConnectRetry = 0;
        await using var connection = await ConnectionMultiplexer.ConnectAsync(options);
        await connection.GetDatabase().PingAsync();
    }
}
