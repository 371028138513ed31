using System.Diagnostics;

namespace Scop.Aspire.Bench;

/// <summary>What an <see cref="EverySecond"/> watch added up.</summary>
/// <param name="BusiestAt">When the busiest second ended (UTC).</param>
public sealed record SecondTotals(double Seconds, double CpuSeconds, double BusiestSecondCores, DateTimeOffset? BusiestAt,
    int SecondsOverThreshold);

/// <summary>
/// A thread that asks once a second, until stopped, how many CPU seconds something took since it last asked, and keeps
/// the sum and the busiest second: what a phase's tail met on the machine, second by second. The question gets the
/// sample's number (1, 2, …), for work it does only every so many samples.
/// </summary>
public sealed class EverySecond : IDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);
    private readonly Func<int, double> cpuSecondsSinceLastAsked;
    private readonly double thresholdCores;
    private readonly Thread thread;
    private readonly DateTimeOffset started = DateTimeOffset.UtcNow;
    private volatile bool stopping;
    private double cpuSeconds;
    private double busiest;
    private DateTimeOffset? busiestAt;
    private int overThreshold;

    /// <param name="thresholdCores">A second above it counts in <see cref="SecondTotals.SecondsOverThreshold"/>.</param>
    public EverySecond(string name, double thresholdCores, Func<int, double> cpuSecondsSinceLastAsked)
    {
        this.thresholdCores = thresholdCores;
        this.cpuSecondsSinceLastAsked = cpuSecondsSinceLastAsked;
        thread = new Thread(Watch) { IsBackground = true, Name = name };
        thread.Start();
    }

    public SecondTotals Stop()
    {
        stopping = true;
        thread.Join();
        return new SecondTotals(Math.Round((DateTimeOffset.UtcNow - started).TotalSeconds, 1), Math.Round(cpuSeconds, 2),
            Math.Round(busiest, 2), busiestAt, overThreshold);
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
        var clock = Stopwatch.StartNew();
        for (var sample = 1; !stopping; sample++)
        {
            Thread.Sleep(Interval);
            var spent = cpuSecondsSinceLastAsked(sample);
            var cores = spent / clock.Elapsed.TotalSeconds;
            clock.Restart();
            cpuSeconds += spent;
            if (cores > thresholdCores)
            {
                overThreshold++;
            }

            if (cores > busiest)
            {
                busiest = cores;
                busiestAt = DateTimeOffset.UtcNow;
            }
        }
    }
}
