using System.Diagnostics;
using System.Globalization;

namespace Scop.Aspire.Bench;

/// <summary>How late a thread that only sleeps 5 ms at a time woke up during a phase: the machine's own stalls.</summary>
/// <param name="WorstAt">When the longest delay ended (UTC).</param>
public sealed record PauseSummary(double Seconds, long Wakeups, double LongestMs, DateTimeOffset? WorstAt, long Over20Ms, long Over100Ms)
{
    public string Line() => string.Create(CultureInfo.InvariantCulture,
        $"a sleeping thread woke up to {LongestMs:0.#} ms late ({Over100Ms} delays over 100 ms, {Over20Ms} over 20 ms)");
}

/// <summary>
/// The floor under a tail latency. A dedicated thread sleeps 5 ms in a loop and keeps how late it wakes. It waits on
/// nothing but a core, so a delay of 100 ms means it got none for that long: a saturated run queue, or the virtual
/// machine itself held by its host. A request in flight at that moment cannot be faster, so a p99 is read beside it.
/// The stalls that matter last 20 ms and more; waking every millisecond to see them cost 0.03 cores of the 2 it
/// watches.
/// </summary>
public sealed class MachinePauses : IDisposable
{
    private static readonly TimeSpan Nap = TimeSpan.FromMilliseconds(5);
    private readonly Thread thread;
    private readonly Stopwatch clock = Stopwatch.StartNew();
    private volatile bool stopping;
    private long wakeups;
    private long over20;
    private long over100;
    private double longestMs;
    private DateTimeOffset? worstAt;

    private MachinePauses()
    {
        thread = new Thread(Watch) { IsBackground = true, Name = "machine-pauses" };
        thread.Start();
    }

    public static MachinePauses Start() => new();

    public PauseSummary Stop()
    {
        stopping = true;
        thread.Join();
        return new PauseSummary(Math.Round(clock.Elapsed.TotalSeconds, 1), wakeups, Math.Round(longestMs, 1), worstAt,
            over20, over100);
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
        while (!stopping)
        {
            var before = Stopwatch.GetTimestamp();
            Thread.Sleep(Nap);
            var lateMs = Stopwatch.GetElapsedTime(before).TotalMilliseconds - Nap.TotalMilliseconds;
            wakeups++;
            if (lateMs > 20)
            {
                over20++;
            }

            if (lateMs > 100)
            {
                over100++;
            }

            if (lateMs > longestMs)
            {
                longestMs = lateMs;
                worstAt = DateTimeOffset.UtcNow;
            }
        }
    }
}
