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
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    /// <summary>Looking for the processes reads all of /proc; they seldom change, so every 10 samples is enough.</summary>
    private const int SamplesPerProcessLookup = 10;
    private readonly CpuSampler cpu;
    private readonly Thread thread;
    private readonly DateTimeOffset started = DateTimeOffset.UtcNow;
    private readonly SortedDictionary<string, double> byPart = new(StringComparer.Ordinal);
    private volatile bool stopping;
    private double busiest;
    private DateTimeOffset? busiestAt;
    private int overTenth;

    private BackgroundCompilation(CpuSampler cpu)
    {
        this.cpu = cpu;
        thread = new Thread(Watch) { IsBackground = true, Name = "background-compilation" };
        thread.Start();
    }

    public static BackgroundCompilation Start(CpuSampler cpu) => new(cpu);

    public CompilationSummary Stop()
    {
        stopping = true;
        thread.Join();
        return new CompilationSummary(Math.Round((DateTimeOffset.UtcNow - started).TotalSeconds, 1),
            Math.Round(byPart.Values.Sum(), 2), Math.Round(busiest, 2), busiestAt, overTenth,
            new SortedDictionary<string, double>(byPart.ToDictionary(p => p.Key, p => Math.Round(p.Value, 2)), StringComparer.Ordinal));
    }

    public void Dispose()
    {
        if (!stopping)
        {
            Stop();
        }
    }

    private void Watch()
    {
        var processes = cpu.DotnetProcesses();
        var previous = CpuSampler.ThreadTicks(processes, CompilerThread);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (var sample = 1; !stopping; sample++)
        {
            Thread.Sleep(Interval);
            var known = processes;
            if (sample % SamplesPerProcessLookup == 0)
            {
                processes = cpu.DotnetProcesses();
            }

            var current = CpuSampler.ThreadTicks(processes, CompilerThread);
            var elapsed = clock.Elapsed.TotalSeconds;
            clock.Restart();
            var spentThisTime = 0.0;
            foreach (var (key, ticks) in current.Where(t => known.ContainsKey(t.Key.Process)))
            {
                // A thread first seen now started within the last second: all its ticks are this second's. A process
                // first seen now is only a baseline.
                var spent = (ticks - previous.GetValueOrDefault(key)) / CpuSampler.TicksPerSecond;
                byPart[key.Part] = byPart.GetValueOrDefault(key.Part) + spent;
                spentThisTime += spent;
            }

            var cores = spentThisTime / elapsed;
            if (cores > 0.1)
            {
                overTenth++;
            }

            if (cores > busiest)
            {
                busiest = cores;
                busiestAt = DateTimeOffset.UtcNow;
            }

            previous = current;
        }
    }
}
