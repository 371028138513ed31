using System.Diagnostics;
using Scop.Aspire.LocalServers;

namespace Scop.Aspire.Infrastructure.Tests;

/// <summary>The installed broker as the local servers start it, whatever mode the fixtures run in.</summary>
public sealed class LocalRabbitMqBrokerTests : IDisposable
{
    private readonly string baseDirectory = Directory.CreateTempSubdirectory("scop-rabbitmq-").FullName;
    private readonly List<Process> processes = [];

    [Fact]
    public async Task Once_up_the_broker_stops_its_epmd_watcher_and_its_command_line_tool_still_reaches_it()
    {
        var nodeName = $"scoptest-{Guid.NewGuid().ToString("N")[..8]}@localhost";
        var (amqpPort, distributionPort, epmdPort) = (FreePorts.Next(), FreePorts.Next(), FreePorts.Next());
        Start(LocalRabbitMq.EpmdCommand(epmdPort));
        LocalRabbitMq.EnsureInitialized(baseDirectory);
        Start(LocalRabbitMq.Command(baseDirectory, nodeName, amqpPort, distributionPort, epmdPort));
        var waited = Stopwatch.StartNew();
        while (!FreePorts.IsListening(amqpPort))
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(90), "The broker did not listen within 90 s.");
            await Task.Delay(200);
        }

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

    private void Start(LocalServerCommand command)
    {
        var start = new ProcessStartInfo(command.FileName)
        {
            WorkingDirectory = command.WorkingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in command.Arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in command.Environment)
        {
            start.Environment[name] = value;
        }

        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        processes.Add(process);
    }

    public void Dispose()
    {
        // The broker last in, first out: it is stopped before the port mapper it registered with.
        foreach (var process in Enumerable.Reverse(processes))
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(TimeSpan.FromSeconds(30));
            }

            process.Dispose();
        }

        Directory.Delete(baseDirectory, recursive: true);
    }
}
