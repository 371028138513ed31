using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace Scop.Aspire.LocalServers;

/// <summary>The few POSIX facts and calls that running servers as local processes needs.</summary>
public static class Posix
{
    public const int SIGINT = 2;
    public const int SIGKILL = 9;
    public const int SIGTERM = 15;

    /// <summary>True when this process runs as root (effective user id 0).</summary>
    public static bool IsRoot =>
        !OperatingSystem.IsWindows() && (geteuid() == 0 || Environment.UserName == "root");

    /// <summary>Sends <paramref name="signal"/> to the process <paramref name="processId"/>; false when it is gone.</summary>
    public static bool SendSignal(int processId, int signal) =>
        !OperatingSystem.IsWindows() && kill(processId, signal) == 0;

    /// <summary>
    /// The process ids below <paramref name="processId"/> (children, grandchildren...), read from /proc.
    /// Empty where /proc is not available.
    /// </summary>
    public static IReadOnlyList<int> Descendants(int processId)
    {
        var parents = new Dictionary<int, List<int>>();
        if (!Directory.Exists("/proc"))
        {
            return [];
        }

        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            string stat;
            try
            {
                stat = File.ReadAllText(Path.Combine(directory, "stat"));
            }
            catch (IOException)
            {
                continue;
            }
            catch (UnauthorizedAccessException)
            {
                continue;
            }

            // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so read after the last ')'.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            if (fields.Length > 1 && int.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var parent))
            {
                if (!parents.TryGetValue(parent, out var children))
                {
                    parents[parent] = children = [];
                }

                children.Add(pid);
            }
        }

        var result = new List<int>();
        var pending = new Queue<int>([processId]);
        while (pending.TryDequeue(out var current))
        {
            if (parents.TryGetValue(current, out var children))
            {
                foreach (var child in children)
                {
                    result.Add(child);
                    pending.Enqueue(child);
                }
            }
        }

        return result;
    }

    /// <summary>True while a process with this id exists and is not a zombie.</summary>
    public static bool IsAlive(int processId)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{processId}/stat");
            var state = stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[0];
            return state != "Z" && state != "X";
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return true;
        }
    }

    /// <summary>
    /// Runs a short command to completion and returns its exit code and its output (stdout then stderr), with
    /// <paramref name="environment"/> added to this process's own.
    /// </summary>
    public static (int ExitCode, string Output) Run(string fileName, IEnumerable<string> arguments, TimeSpan? timeout = null,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout ?? TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {string.Join(' ', start.ArgumentList)} did not finish in time.");
        }

        process.WaitForExit();
        return (process.ExitCode, (stdout.Result + stderr.Result).Trim());
    }

    /// <summary>The first existing executable named <paramref name="name"/> on PATH, or null.</summary>
    public static string? FindOnPath(string name)
    {
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(directory, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    [DllImport("libc", EntryPoint = "geteuid")]
    private static extern uint geteuid();

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int kill(int pid, int sig);
}
