using System.Diagnostics;
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
        await WaitUntilListeningAsync(epmdPort, TimeSpan.FromSeconds(10));
        LocalRabbitMq.EnsureInitialized(baseDirectory);
        broker.Start(LocalRabbitMq.Command(baseDirectory, nodeName, amqpPort, distributionPort, epmdPort));
        await WaitUntilListeningAsync(amqpPort, TimeSpan.FromSeconds(90));

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

    private async Task WaitUntilListeningAsync(int port, TimeSpan limit)
    {
        var waited = Stopwatch.StartNew();
        while (!FreePorts.IsListening(port))
        {
            Assert.True(waited.Elapsed < limit, $"Nothing listened on port {port} within {limit.TotalSeconds:0} s:\n{log.Tail()}");
            await Task.Delay(100);
        }
    }

    /// <summary>rabbitmqctl against the node, through its port mapper, with the cookie the broker wrote.</summary>
    private async Task<string> ControlAsync(string nodeName, int epmdPort, params string[] arguments)
    {
        var cookie = (await File.ReadAllTextAsync(Path.Combine(baseDirectory, "home", ".erlang.cookie"))).Trim();
        var start = new ProcessStartInfo(Posix.FindOnPath("rabbitmqctl") ?? "/usr/sbin/rabbitmqctl")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment = { ["ERL_EPMD_PORT"] = epmdPort.ToString(System.Globalization.CultureInfo.InvariantCulture) },
        };
        foreach (var argument in (string[])["-n", nodeName, "--erlang-cookie", cookie, "--timeout", "30", .. arguments])
        {
            start.ArgumentList.Add(argument);
        }

        using var control = Process.Start(start)!;
        var output = control.StandardOutput.ReadToEndAsync();
        var error = control.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await control.WaitForExitAsync(timeout.Token);
        Assert.True(control.ExitCode == 0, $"rabbitmqctl {string.Join(' ', arguments)} exited {control.ExitCode}: {await error}");
        return (await output).Trim();
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
