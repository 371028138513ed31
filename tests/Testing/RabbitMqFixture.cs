using RabbitMQ.Client;
using Scop.Aspire.LocalServers;
using Scop.Aspire.Testing.Hosting;
using Testcontainers.RabbitMq;

namespace Scop.Aspire.Testing;

/// <summary>
/// A real RabbitMQ broker, no plugins. Local mode: the installed server with its own node name
/// (scoptest-&lt;8 hex&gt;@localhost) and its own Erlang port mapper, so several fixtures run side by side.
/// </summary>
public sealed class RabbitMqFixture : ServerFixture
{
    private const string ContainerImage = "rabbitmq:3.13-alpine";
    private const string ContainerUser = "scop";

    private readonly int port = FreePorts.Next();

    public RabbitMqFixture()
        : base("rabbitmq")
    {
        NodeName = $"scoptest-{Guid.NewGuid().ToString("N")[..8]}@localhost";
    }

    /// <summary>The Erlang node name in local mode.</summary>
    public string NodeName { get; }

    public override string ConnectionString => TestInfrastructure.UseContainers
        ? $"amqp://{ContainerUser}:{ContainerUser}@{Host.Host}:{port}/"
        : LocalRabbitMq.ConnectionString(port);

    /// <summary>A connection factory for this broker (automatic recovery off: tests decide what happens).</summary>
    public ConnectionFactory CreateConnectionFactory() => new()
    {
        Uri = new Uri(ConnectionString),
        AutomaticRecoveryEnabled = false,
        RequestedConnectionTimeout = TimeSpan.FromSeconds(5),
        ClientProvidedName = $"scop-tests-{Name}",
    };

    protected override TimeSpan StartTimeout => TimeSpan.FromSeconds(60);

    private protected override IServerHost CreateHost()
    {
        if (TestInfrastructure.UseContainers)
        {
            var container = new RabbitMqBuilder(ContainerImage)
                .WithUsername(ContainerUser)
                .WithPassword(ContainerUser)
                .WithPortBinding(port, RabbitMqBuilder.RabbitMqPort)
                .Build();
            return new ContainerHost("rabbitmq", Log, container, port);
        }

        return new LocalRabbitMqHost(Log, Path.Combine(Directory, "rabbitmq"), NodeName, port);
    }

    protected override async Task ProbeAsync(CancellationToken ct)
    {
        var factory = CreateConnectionFactory();
        factory.ClientProvidedName = "scop-tests-probe";
        await using var connection = await factory.CreateConnectionAsync(ct);
    }

    /// <summary>RabbitMQ plus the Erlang port mapper it registers with; the mapper lives until disposal.</summary>
    private sealed class LocalRabbitMqHost(FixtureLog log, string baseDirectory, string nodeName, int amqpPort) : IServerHost
    {
        private readonly int distributionPort = FreePorts.Next();
        private readonly int epmdPort = FreePorts.Next();
        private readonly ServerProcess epmd = new("epmd", log, Posix.SIGTERM);
        private readonly ServerProcess server = new("rabbitmq", log, Posix.SIGTERM);

        public string Host => "127.0.0.1";

        public int Port => amqpPort;

        public string? FailureReason => server.ExitDescription ?? epmd.ExitDescription;

        public async Task StartAsync(CancellationToken ct)
        {
            if (epmd.HasExited)
            {
                epmd.Start(LocalRabbitMq.EpmdCommand(epmdPort));
                await FreePorts.WaitUntilListeningAsync(epmdPort, TimeSpan.FromSeconds(5), ct);
            }

            LocalRabbitMq.EnsureInitialized(baseDirectory);
            server.Start(LocalRabbitMq.Command(baseDirectory, nodeName, amqpPort, distributionPort, epmdPort));
        }

        public Task StopAsync(CancellationToken ct) => server.StopAsync(ct);

        public async ValueTask DisposeAsync()
        {
            using var timeout = new CancellationTokenSource(ServerProcess.GracePeriod + TimeSpan.FromSeconds(15));
            try
            {
                await server.StopAsync(timeout.Token);
                await epmd.StopAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
            }

            server.Kill();
            epmd.Kill();
        }
    }
}
