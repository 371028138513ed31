using Microsoft.Extensions.Configuration;
using Scop.Aspire.LocalServers;

namespace Scop.Aspire.AppHost.Infrastructure;

/// <summary>
/// Where the local servers keep their data and which ports they listen on. Fixed ports by default, so a
/// developer's tools (psql, redis-cli) always find them; a port set to 0 takes any free one (tests). The defaults lie
/// below Linux's ephemeral range (32768-60999): a port in it may be held, now and then, by the local end of some
/// outgoing connection, and the server would not start.
/// </summary>
public sealed record LocalInfrastructureSettings(
    string DataRoot,
    int PostgresPort,
    int RabbitMqPort,
    int RabbitMqDistributionPort,
    int RedisPort,
    int EpmdPort,
    int MailPort,
    string RabbitMqNodeName)
{
    public const string DataRootKey = "Scop:DataRoot";

    /// <summary>
    /// The arguments that put a whole local-mode system on free ports (gateway, services and servers), so that it starts
    /// beside one already on the default ports: what the tests and the bench give the AppHost they start.
    /// </summary>
    public static readonly IReadOnlyList<string> OnFreePorts =
    [
        "--Scop:GatewayPort=0", "--Scop:FixedServicePorts=false", "--Scop:Ports:Postgres=0", "--Scop:Ports:RabbitMq=0",
        "--Scop:Ports:RabbitMqDistribution=0", "--Scop:Ports:Redis=0", "--Scop:Ports:Epmd=0", "--Scop:Ports:Mail=0",
    ];

    public static LocalInfrastructureSettings From(IDistributedApplicationBuilder builder)
    {
        var configuration = builder.Configuration;

        // The repository root is the AppHost project's parent; .scop/ there is git-ignored.
        var dataRoot = configuration[DataRootKey] is { Length: > 0 } configured
            ? Path.GetFullPath(configured, builder.AppHostDirectory)
            : Path.GetFullPath(Path.Combine(builder.AppHostDirectory, "..", ".scop"));

        return new LocalInfrastructureSettings(
            dataRoot,
            Port(configuration, "Postgres", 25432),
            Port(configuration, "RabbitMq", 25682),
            Port(configuration, "RabbitMqDistribution", 25683),
            Port(configuration, "Redis", 26379),
            Port(configuration, "Epmd", 25684),
            Port(configuration, "Mail", 25025),
            configuration["Scop:RabbitMqNodeName"] is { Length: > 0 } node ? node : "scop@localhost");
    }

    private static int Port(IConfiguration configuration, string name, int defaultPort)
    {
        var key = $"Scop:Ports:{name}";
        var port = configuration.GetValue<int?>(key) ?? defaultPort;
        return port switch
        {
            0 => FreePorts.Next(),
            > 0 and <= 65535 => port,
            _ => throw new InfrastructureSetupException($"{key} must be a TCP port (0 for any free port), not {port}."),
        };
    }
}
