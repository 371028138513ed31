using System.Globalization;
using Scop.Aspire.LocalServers;
using Scop.Aspire.Testing;
using Scop.Aspire.Testing.Hosting;

namespace Scop.Aspire.Infrastructure.Tests;

/// <summary>The installed broker as the local servers start it, whatever mode the fixtures run in.</summary>
public sealed class LocalRabbitMqBrokerTests : IAsyncLifetime
{
    private readonly string baseDirectory = Directory.CreateTempSubdirectory("scop-rabbitmq-").FullName;
    private readonly FixtureLog log;
    private readonly ServerProcess epmd;
    private readonly ServerProcess broker;

    public LocalRabbitMqBrokerTests()
    {
        log = new FixtureLog(Path.Combine(baseDirectory, "servers.log"), "rabbitmq");
        epmd = new ServerProcess("epmd", log, Posix.SIGTERM);
        broker = new ServerProcess("rabbitmq", log, Posix.SIGTERM);
    }

    [Fact]
    public async Task Once_up_the_broker_stops_its_epmd_watcher_and_its_command_line_tool_still_reaches_it()
    {
        var nodeName = $"scoptest-{Guid.NewGuid().ToString("N")[..8]}@localhost";
        var (amqpPort, distributionPort, epmdPort) = (FreePorts.Next(), FreePorts.Next(), FreePorts.Next());
        epmd.Start(LocalRabbitMq.EpmdCommand(epmdPort));
        Assert.True(await FreePorts.WaitUntilListeningAsync(epmdPort, TimeSpan.FromSeconds(10)), $"No epmd on {epmdPort}:\n{log.Tail()}");
        LocalRabbitMq.EnsureInitialized(baseDirectory);
        broker.Start(LocalRabbitMq.Command(baseDirectory, nodeName, amqpPort, distributionPort, epmdPort));
        Assert.True(await FreePorts.WaitUntilListeningAsync(amqpPort, TimeSpan.FromSeconds(90)), $"No broker on {amqpPort}:\n{log.Tail()}");

        // The watcher would start a whole Erlang VM every minute; asked by name, the node no longer knows it. The
        // broker stops it right after its boot, which ends a moment after AMQP starts listening.
        string answer = "";
        for (var attempt = 0; attempt < 10 && answer != "undefined"; attempt++)
        {
            await Task.Delay(TimeSpan.FromSeconds(1));
            answer = await ControlAsync(nodeName, epmdPort, "eval", "whereis(rabbit_epmd_monitor).");
        }

        Assert.Equal("undefined", answer);
        Assert.Equal($"'{nodeName}'", await ControlAsync(nodeName, epmdPort, "eval", "node()."));
    }

    /// <summary>rabbitmqctl against the node, through its port mapper, with the cookie the broker wrote.</summary>
    private async Task<string> ControlAsync(string nodeName, int epmdPort, params string[] arguments)
    {
        var cookie = (await File.ReadAllTextAsync(Path.Combine(baseDirectory, "home", ".erlang.cookie"))).Trim();
        var (exitCode, output) = Posix.Run(
            Posix.FindOnPath("rabbitmqctl") ?? "/usr/sbin/rabbitmqctl",
            ["-n", nodeName, "--erlang-cookie", cookie, "--timeout", "30", .. arguments],
            TimeSpan.FromSeconds(60),
            new Dictionary<string, string> { ["ERL_EPMD_PORT"] = epmdPort.ToString(CultureInfo.InvariantCulture) });
        Assert.True(exitCode == 0, $"rabbitmqctl {string.Join(' ', arguments)} exited {exitCode}: {output}");
        return output;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        // The broker before the port mapper it registered with.
        using var timeout = new CancellationTokenSource(ServerProcess.GracePeriod + TimeSpan.FromSeconds(15));
        await broker.StopAsync(timeout.Token);
        await epmd.StopAsync(timeout.Token);
        Directory.Delete(baseDirectory, recursive: true);
    }
}
