using System.Collections.Concurrent;
using System.Diagnostics;
using Scop.Aspire.LocalServers;

namespace Scop.Aspire.Testing.Hosting;

/// <summary>
/// One server process started from a <see cref="LocalServerCommand"/>, its output appended to the fixture log.
/// Stopping sends the graceful signal to the server process, waits for it and everything it started, and
/// force-kills the whole tree after <see cref="GracePeriod"/>. Processes still running when the test host exits are killed.
/// </summary>
public sealed class ServerProcess
{
    public static readonly TimeSpan GracePeriod = TimeSpan.FromSeconds(20);

    private static readonly ConcurrentDictionary<ServerProcess, byte> Running = new();

    private readonly string name;
    private readonly FixtureLog log;
    private readonly int stopSignal;
    private Process? process;

    static ServerProcess()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            foreach (var server in Running.Keys)
            {
                server.Kill();
            }
        };
    }

    public ServerProcess(string name, FixtureLog log, int stopSignal)
    {
        this.name = name;
        this.log = log;
        this.stopSignal = stopSignal;
    }

    public bool HasExited => process is null || process.HasExited;

    public string? ExitDescription =>
        process is { HasExited: true } ? $"{name} exited with code {process.ExitCode}" : null;

    public void Start(LocalServerCommand command)
    {
        if (process is { HasExited: false })
        {
            throw new InvalidOperationException($"{name} is already running (pid {process.Id}).");
        }

        var start = new ProcessStartInfo(command.FileName)
        {
            WorkingDirectory = command.WorkingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in command.Arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in command.Environment)
        {
            start.Environment[key] = value;
        }

        log.Info($"starting {name}: {command}");
        var started = new Process { StartInfo = start, EnableRaisingEvents = true };
        started.OutputDataReceived += (_, e) => log.Output(name, e.Data);
        started.ErrorDataReceived += (_, e) => log.Output(name, e.Data);
        started.Exited += (_, _) => log.Info($"{name} exited (code {SafeExitCode(started)})");
        started.Start();
        started.StandardInput.Close();
        started.BeginOutputReadLine();
        started.BeginErrorReadLine();
        process = started;
        Running[this] = 0;
        log.Info($"{name} started, pid {started.Id}");
    }

    public async Task StopAsync(CancellationToken ct)
    {
        var current = process;
        if (current is null || current.HasExited)
        {
            Forget();
            return;
        }

        var tree = Posix.Descendants(current.Id);
        log.Info($"stopping {name}: signal {stopSignal} to pid {current.Id} (below it: {(tree.Count == 0 ? "none" : string.Join(' ', tree))})");
        Posix.SendSignal(current.Id, stopSignal);

        var stopwatch = Stopwatch.StartNew();
        if (!await WaitAsync(() => current.HasExited && tree.All(pid => !Posix.IsAlive(pid)), GracePeriod, ct))
        {
            // The server is gone but something it started is not: ask that to stop too before forcing.
            if (current.HasExited)
            {
                foreach (var pid in tree.Where(Posix.IsAlive))
                {
                    Posix.SendSignal(pid, Posix.SIGTERM);
                }

                await WaitAsync(() => tree.All(pid => !Posix.IsAlive(pid)), TimeSpan.FromSeconds(5), ct);
            }

            log.Info($"{name} did not stop within {GracePeriod.TotalSeconds:0} s: killing its process tree");
            KillTree(current, tree);
            await WaitAsync(() => current.HasExited, TimeSpan.FromSeconds(10), ct);
        }

        log.Info($"{name} stopped after {stopwatch.Elapsed.TotalSeconds:0.0} s");
        Forget();
    }

    /// <summary>Immediate SIGKILL of the process and everything below it.</summary>
    public void Kill()
    {
        var current = process;
        if (current is null)
        {
            return;
        }

        try
        {
            if (!current.HasExited)
            {
                KillTree(current, Posix.Descendants(current.Id));
            }
        }
        catch (InvalidOperationException)
        {
            // already gone
        }

        Forget();
    }

    private static void KillTree(Process current, IReadOnlyList<int> tree)
    {
        try
        {
            current.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
        }

        foreach (var pid in tree)
        {
            Posix.SendSignal(pid, Posix.SIGKILL);
        }
    }

    private void Forget()
    {
        Running.TryRemove(this, out _);
    }

    private static async Task<bool> WaitAsync(Func<bool> condition, TimeSpan timeout, CancellationToken ct)
    {
        var stopwatch = Stopwatch.StartNew();
        while (!condition())
        {
            if (stopwatch.Elapsed > timeout)
            {
                return false;
            }

            await Task.Delay(50, ct);
        }

        return true;
    }

    private static string SafeExitCode(Process process)
    {
        try
        {
            return process.ExitCode.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (InvalidOperationException)
        {
            return "?";
        }
    }
}
