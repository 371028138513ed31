using Scop.Aspire.LocalServers;

namespace Scop.Aspire.Infrastructure.Tests;

public sealed class LocalServersTests
{
    [Fact]
    public void Free_ports_are_never_handed_out_twice()
    {
        var ports = Enumerable.Range(0, 50).Select(_ => FreePorts.Next()).ToList();

        Assert.Equal(ports.Count, ports.Distinct().Count());
        Assert.All(ports, port => Assert.InRange(port, 1024, 65535));
    }

    [Fact]
    public void Postgres_listens_on_loopback_only_and_runs_unprivileged_when_root()
    {
        var command = LocalPostgres.Command("/var/tmp/scop/postgres/data", 5433, forTests: true);

        Assert.Contains("listen_addresses=127.0.0.1", command.Arguments);
        Assert.Contains("fsync=off", command.Arguments);
        Assert.Contains("max_connections=200", command.Arguments);
        Assert.Contains("random_page_cost=1.1", command.Arguments);
        Assert.Equal("/var/tmp/scop/postgres/pg-sockets", command.Arguments[command.Arguments.ToList().IndexOf("-k") + 1]);
        if (Posix.IsRoot)
        {
            Assert.Contains(LocalPostgres.RunAsAccount(), command.Arguments);
            Assert.NotEqual("root", LocalPostgres.RunAsAccount());
        }

        Assert.Equal("Host=127.0.0.1;Port=5433;Username=scop;Database=membership", LocalPostgres.ConnectionString(5433, "membership"));
    }

    [Fact]
    public void RabbitMq_keeps_every_file_under_its_base_folder()
    {
        var command = LocalRabbitMq.Command("/var/tmp/scop/rabbitmq", "scop@localhost", 5673, 25673);

        Assert.Equal("scop@localhost", command.Environment["RABBITMQ_NODENAME"]);
        Assert.Equal("5673", command.Environment["RABBITMQ_NODE_PORT"]);
        Assert.Equal("25673", command.Environment["RABBITMQ_DIST_PORT"]);
        Assert.Equal("127.0.0.1", command.Environment["RABBITMQ_NODE_IP_ADDRESS"]);
        Assert.Equal("-", command.Environment["RABBITMQ_LOGS"]);
        Assert.All(
            new[] { "RABBITMQ_MNESIA_BASE", "RABBITMQ_LOG_BASE", "RABBITMQ_ENABLED_PLUGINS_FILE", "RABBITMQ_CONFIG_FILE", "HOME" },
            name => Assert.StartsWith("/var/tmp/scop/rabbitmq/", command.Environment[name], StringComparison.Ordinal));
        Assert.Equal("amqp://guest:guest@127.0.0.1:5673/", LocalRabbitMq.ConnectionString(5673));
    }

    [Fact]
    public void Redis_persists_only_when_asked()
    {
        var folder = Path.Combine(Path.GetTempPath(), "scop-tests", $"redis-command-{Guid.NewGuid():N}");
        try
        {
            var persistent = LocalRedis.Command(folder, 6380);
            var volatileOne = LocalRedis.Command(folder, 6380, persistent: false);

            Assert.Equal("yes", persistent.Arguments[persistent.Arguments.ToList().IndexOf("--appendonly") + 1]);
            Assert.Equal("", volatileOne.Arguments[volatileOne.Arguments.ToList().IndexOf("--save") + 1]);
            Assert.Equal("127.0.0.1", persistent.Arguments[persistent.Arguments.ToList().IndexOf("--bind") + 1]);
            Assert.Equal("127.0.0.1:6380", LocalRedis.ConnectionString(6380));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void A_missing_server_names_the_command_that_installs_it()
    {
        var error = new MissingServerException("PostgreSQL server", "/usr/lib/postgresql/*/bin", "sudo apt-get install postgresql");

        Assert.Equal(
            "PostgreSQL server not found (looked in /usr/lib/postgresql/*/bin). Install it with: sudo apt-get install postgresql",
            error.Message);
    }
}
