using System.Globalization;

namespace Scop.Aspire.Bench;

/// <summary>
/// Where the CPU went during a phase, read from /proc: the machine as a whole and each part of the system (gateway,
/// membership, portal, identity, partner-hooks, training, PostgreSQL, RabbitMQ, Redis, the bench itself), plus
/// everything else on the machine, which on a shared 2-core box is the noise the floors are there to expose. "cores"
/// is CPU seconds per wall second.
/// </summary>
public sealed record CpuUsage(double Seconds, double MachineBusyPercent, SortedDictionary<string, double> Cores);

public sealed partial class CpuSampler
{
    public const double TicksPerSecond = 100; // USER_HZ on Linux

    /// <summary>The part of every process on the machine that is neither the system under test nor the bench.</summary>
    private const string OtherPart = "other";
    private readonly int pgPort;

    public CpuSampler(int pgPort) => this.pgPort = pgPort;

    public sealed record Snapshot(DateTimeOffset At, long MachineBusy, long MachineTotal, Dictionary<int, (string Part, long Ticks)> Processes);

    public Snapshot Take()
    {
        var (busy, total) = MachineTicks();
        var processes = new Dictionary<int, (string Part, long Ticks)>();
        if (!Directory.Exists("/proc"))
        {
            return new Snapshot(DateTimeOffset.UtcNow, busy, total, processes);
        }

        var table = ReadProcesses();
        var ours = OurSystem(table);
        foreach (var (pid, info) in table)
        {
            processes[pid] = (Classify(pid, info, ours), info.Ticks);
        }

        return new Snapshot(DateTimeOffset.UtcNow, busy, total, processes);
    }

    public static CpuUsage Between(Snapshot before, Snapshot after)
    {
        var seconds = Math.Max((after.At - before.At).TotalSeconds, 0.001);
        var byPart = new SortedDictionary<string, double>(StringComparer.Ordinal);
        foreach (var (pid, (part, ticks)) in after.Processes)
        {
            byPart[part] = byPart.GetValueOrDefault(part) + Math.Max(TicksSince(before, pid, part, ticks), 0) / TicksPerSecond;
        }

        var cores = new SortedDictionary<string, double>(StringComparer.Ordinal);
        foreach (var (part, cpuSeconds) in byPart)
        {
            cores[part] = Math.Round(cpuSeconds / seconds, 2);
        }

        var totalDelta = after.MachineTotal - before.MachineTotal;
        var busyPercent = totalDelta > 0 ? Math.Round(100.0 * (after.MachineBusy - before.MachineBusy) / totalDelta, 1) : 0;
        return new CpuUsage(Math.Round(seconds, 2), busyPercent, cores);
    }

    /// <summary>
    /// CPU seconds the machine spent between two snapshots on anything but the system's processes and the bench's:
    /// its busy time less theirs. Unlike the "other" part, it sees processes that started and ended in between.
    /// </summary>
    public static double OutsideSystemSeconds(Snapshot before, Snapshot after)
    {
        var system = 0L;
        foreach (var (pid, (part, ticks)) in after.Processes)
        {
            if (part != OtherPart)
            {
                system += TicksSince(before, pid, part, ticks);
            }
        }

        return Math.Max(after.MachineBusy - before.MachineBusy - system, 0) / TicksPerSecond;
    }

    /// <summary>A process's ticks since <paramref name="before"/>; all of them if it was not there, or was another part.</summary>
    private static long TicksSince(Snapshot before, int pid, string part, long ticks) =>
        ticks - (before.Processes.TryGetValue(pid, out var b) && b.Part == part ? b.Ticks : 0);

    /// <summary>The platform's projects, by the assembly their command line names (the AppHost runs each by its project).</summary>
    private static readonly (string Assembly, string Part)[] Projects =
    [
        ("Scop.Aspire.Membership", "membership"), ("Scop.Aspire.Portal", "portal"), ("Scop.Aspire.Gateway", "gateway"),
        ("Scop.Aspire.Identity", "identity"), ("Scop.Aspire.PartnerHooks", "partner-hooks"), ("Scop.Aspire.Training", "training"),
        ("Scop.Aspire.Notifications", "notifications"), ("Scop.Aspire.RepriseWatch", "reprise-watch"),
        ("Scop.Aspire.Ambassadors", "ambassadors"), ("Scop.Aspire.Web", "web"),
    ];

    /// <summary>The parts of the system that are .NET processes, whose threads the runtime names.</summary>
    private static readonly HashSet<string> DotnetParts = [.. Projects.Select(p => p.Part), "aspire-dashboard", "apphost"];

    /// <summary>The system's .NET processes now, by process id: the gateway, the services, the dashboard, the AppHost.</summary>
    public Dictionary<int, string> DotnetProcesses()
    {
        var processes = new Dictionary<int, string>();
        if (!Directory.Exists("/proc"))
        {
            return processes;
        }

        var table = ReadProcesses();
        var ours = OurSystem(table);
        foreach (var (pid, info) in table)
        {
            var part = Classify(pid, info, ours);
            if (DotnetParts.Contains(part))
            {
                processes[pid] = part;
            }
        }

        return processes;
    }

    /// <summary>
    /// CPU ticks so far of every thread of <paramref name="processes"/> whose name starts with
    /// <paramref name="threadName"/> (Linux keeps the first 15 characters), keyed by part, process and thread.
    /// </summary>
    public static Dictionary<(string Part, int Process, int Thread), long> ThreadTicks(IReadOnlyDictionary<int, string> processes,
        string threadName)
    {
        var ticks = new Dictionary<(string, int, int), long>();
        foreach (var (pid, part) in processes)
        {
            foreach (var task in ThreadsOf(pid))
            {
                // One thread at a time: another thread of the process ending meanwhile must not hide the one looked
                // for, whose next sample would then count its whole life again.
                try
                {
                    var stat = ReadStat(Path.Combine(task, "stat"));
                    if (stat.Comm.StartsWith(threadName, StringComparison.Ordinal))
                    {
                        ticks[(part, pid, int.Parse(Path.GetFileName(task), CultureInfo.InvariantCulture))] = stat.CpuTicks;
                    }
                }
                catch (Exception e) when (EndedWhileRead(e))
                {
                    // The thread ended while being read.
                }
            }
        }

        return ticks;
    }

    private static string[] ThreadsOf(int pid)
    {
        try
        {
            return Directory.GetDirectories($"/proc/{pid}/task");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return []; // The process ended.
        }
    }

    private sealed record ProcessInfo(int Parent, string Comm, string CommandLine, long Ticks);

    /// <summary>
    /// A process's or thread's <c>stat</c> file: its name (between the parentheses, which may hold spaces), the fields
    /// after it (state, ppid, …), and its CPU ticks so far (utime and stime, fields 14 and 15 of the whole line).
    /// </summary>
    private static (string Comm, string[] Fields, long CpuTicks) ReadStat(string path)
    {
        var stat = File.ReadAllText(path);
        var close = stat.LastIndexOf(')');
        var fields = stat[(close + 2)..].Split(' ');
        return (stat[(stat.IndexOf('(') + 1)..close], fields,
            long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture));
    }

    /// <summary>What reading a <c>/proc</c> entry throws when its process or thread ends meanwhile (a partial file).</summary>
    private static bool EndedWhileRead(Exception e) => e is IOException or FormatException or IndexOutOfRangeException
        or ArgumentOutOfRangeException or UnauthorizedAccessException;

    private static (long Busy, long Total) MachineTicks()
    {
        try
        {
            var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries)
                .Skip(1).Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
            var idle = fields[3] + (fields.Length > 4 ? fields[4] : 0);
            var total = fields.Take(8).Sum();
            return (total - idle, total);
        }
        catch (Exception e) when (e is IOException or FormatException or IndexOutOfRangeException or UnauthorizedAccessException)
        {
            return (0, 0);
        }
    }

    private static Dictionary<int, ProcessInfo> ReadProcesses()
    {
        var table = new Dictionary<int, ProcessInfo>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
            {
                continue;
            }

            try
            {
                var stat = ReadStat(Path.Combine(dir, "stat"));
                var parent = int.Parse(stat.Fields[1], CultureInfo.InvariantCulture);
                var commandLine = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ');
                table[pid] = new ProcessInfo(parent, stat.Comm, commandLine, stat.CpuTicks);
            }
            catch (Exception e) when (EndedWhileRead(e))
            {
                // The process ended while being read.
            }
        }

        return table;
    }

    /// <summary>
    /// The processes of the system under test: the AppHost that started the PostgreSQL listening on the bench's
    /// port, the orchestrator that monitors it, and all their descendants. Other instances (a test suite running its
    /// own AppHost on the same machine) count as "other". Empty when no such AppHost is found: then names decide.
    /// </summary>
    private HashSet<int> OurSystem(Dictionary<int, ProcessInfo> table)
    {
        var ours = new HashSet<int>();
        var portFlag = $"-p {pgPort.ToString(CultureInfo.InvariantCulture)} ";
        var postmaster = table.FirstOrDefault(p => p.Value.Comm == "postgres" && p.Value.CommandLine.Contains(portFlag, StringComparison.Ordinal));
        if (postmaster.Value is null)
        {
            return ours;
        }

        // The orchestrator starts the servers and services: walk up from the postmaster to the topmost process below
        // init (the orchestrator's API server), whose --monitor argument names the AppHost.
        var top = postmaster.Key;
        for (var pid = postmaster.Key; pid > 1 && table.TryGetValue(pid, out var info); pid = info.Parent)
        {
            top = pid;
            if (info.CommandLine.Contains("Scop.Aspire.AppHost", StringComparison.Ordinal))
            {
                break;
            }
        }

        var roots = new HashSet<int> { top };
        var monitor = MonitorPattern().Match(table[top].CommandLine);
        if (monitor.Success)
        {
            roots.Add(int.Parse(monitor.Groups[1].Value, CultureInfo.InvariantCulture));
        }

        foreach (var (pid, _) in table)
        {
            for (var p = pid; p > 1 && table.TryGetValue(p, out var info); p = info.Parent)
            {
                if (roots.Contains(p))
                {
                    ours.Add(pid);
                    break;
                }
            }
        }

        return ours;
    }

    private static string Classify(int pid, ProcessInfo info, HashSet<int> ours)
    {
        if (pid == Environment.ProcessId)
        {
            return "bench";
        }

        if (info.Comm == "pgbench")
        {
            return "pgbench";
        }

        if (ours.Count > 0 && !ours.Contains(pid))
        {
            return OtherPart;
        }

        var cmd = info.CommandLine;
        foreach (var (assembly, name) in Projects)
        {
            if (cmd.Contains(assembly, StringComparison.Ordinal))
            {
                return name;
            }
        }

        if (info.Comm == "postgres")
        {
            return "postgres";
        }

        if (info.Comm is "beam.smp" or "erl_child_setup" or "epmd" or "inet_gethost" || cmd.Contains("rabbitmq", StringComparison.Ordinal))
        {
            return "rabbitmq";
        }

        if (info.Comm == "redis-server")
        {
            return "redis";
        }

        if (info.Comm == "exim4" || cmd.Contains("exim", StringComparison.Ordinal))
        {
            return "mail server";
        }

        if (cmd.Contains("Aspire.Dashboard", StringComparison.Ordinal))
        {
            return "aspire-dashboard";
        }

        if (info.Comm == "dcp")
        {
            return "dcp (orchestrator and endpoint proxies)";
        }

        return ours.Count > 0 ? "apphost" : OtherPart;
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"--monitor (\d+)")]
    private static partial System.Text.RegularExpressions.Regex MonitorPattern();
}
