using System.Globalization;

namespace Scop.Aspire.Bench;

/// <summary>What the services' background compilers took during a phase.</summary>
/// <param name="BusiestAt">When the busiest second ended (UTC).</param>
/// <param name="CpuSecondsByPart">CPU seconds of each process's compiler thread.</param>
public sealed record CompilationSummary(double Seconds, double CpuSeconds, double BusiestSecondCores, DateTimeOffset? BusiestAt,
    int SecondsOverTenthOfACore, SortedDictionary<string, double> CpuSecondsByPart)
{
    public string Line() => string.Create(CultureInfo.InvariantCulture,
        $"the services' background compilers took {CpuSeconds:0.##} s of CPU (busiest second {BusiestSecondCores:0.##} cores, "
        + $"{SecondsOverTenthOfACore} seconds over 0.1)");
}

/// <summary>
/// The other floor under a fresh system's tail latency. The .NET runtime compiles a method again, optimised, once it
/// has been called a number of times, and once more after as many calls with profiling; a background thread of each
/// process does it (".NET Tiered Compilation"). At the runtime's 30 calls, the code a service runs on a timer (health
/// checks, telemetry export, broker heartbeats) got there minutes after the start, and idle services spent bursts of
/// 0.1 to 0.35 cores for a second compiling, at moments of their own: on two cores, beside a load that takes most of
/// them, requests waited for it. The platform's processes now wait for 1,000 calls (<c>Directory.Build.props</c>); this
/// shows what compiling is left. Sampled once a second from each compiler thread's CPU ticks in /proc (the thread exits
/// after a few idle seconds, so none is missed that worked).
/// </summary>
public sealed class BackgroundCompilation : IDisposable
{
    private const string CompilerThread = ".NET Tiered Com";

    /// <summary>Looking for the processes reads all of /proc; they seldom change, so every 10 samples is enough.</summary>
    private const int SamplesPerProcessLookup = 10;
    private readonly CpuSampler cpu;
    private readonly SortedDictionary<string, double> byPart = new(StringComparer.Ordinal);
    private readonly EverySecond watch;
    private Dictionary<int, string> processes;
    private Dictionary<(string Part, int Process, int Thread), long> previous;

    private BackgroundCompilation(CpuSampler cpu)
    {
        this.cpu = cpu;
        processes = cpu.DotnetProcesses();
        previous = CpuSampler.ThreadTicks(processes, CompilerThread);
        watch = new EverySecond("background-compilation", 0.1, CompilingSince);
    }

    public static BackgroundCompilation Start(CpuSampler cpu) => new(cpu);

    public CompilationSummary Stop()
    {
        var totals = watch.Stop();
        return new CompilationSummary(totals.Seconds, totals.CpuSeconds, totals.BusiestSecondCores, totals.BusiestAt,
            totals.SecondsOverThreshold,
            new SortedDictionary<string, double>(byPart.ToDictionary(p => p.Key, p => Math.Round(p.Value, 2)), StringComparer.Ordinal));
    }

    public void Dispose() => watch.Dispose();

    private double CompilingSince(int sample)
    {
        var known = processes;
        if (sample % SamplesPerProcessLookup == 0)
        {
            processes = cpu.DotnetProcesses();
        }

        var current = CpuSampler.ThreadTicks(processes, CompilerThread);
        var spent = 0.0;
        foreach (var (key, ticks) in current.Where(t => known.ContainsKey(t.Key.Process)))
        {
            // A thread first seen now started within the last second: all its ticks are this second's. A process
            // first seen now is only a baseline.
            var seconds = (ticks - previous.GetValueOrDefault(key)) / CpuSampler.TicksPerSecond;
            byPart[key.Part] = byPart.GetValueOrDefault(key.Part) + seconds;
            spent += seconds;
        }

        previous = current;
        return spent;
    }
}
