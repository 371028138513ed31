using OpenTelemetry.Trace;

namespace Scop.Aspire.ServiceDefaults.Telemetry;

/// <summary>
/// Records at most <c>tracesPerSecond</c> new traces a second in this process, and drops the rest (their context
/// still propagates, so trace ids flow through logs and messages). At the rate people click, every trace is kept; under
/// load, a sample. Storing every span of a thousand requests a second took the dashboard a quarter of a core of this
/// 2-core machine. Ten traces a second was still 8 to 11 % of the machine while cooperatives registered: each of those
/// traces crosses the gateway, membership and five consumers, 16 spans, and the dashboard writes every span and its
/// attributes into SQLite. At two a second, 2.9 %. Request counts and durations are metrics, which are never sampled.
/// It decides for roots only; <see cref="ForServices"/> makes a child follow its parent.
/// </summary>
public sealed class TraceBudgetSampler : Sampler
{
    private readonly int tracesPerSecond;
    private readonly TimeProvider time;
    private readonly Lock gate = new();
    private long windowStart;
    private int recordedInWindow;

    public TraceBudgetSampler(int tracesPerSecond, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(tracesPerSecond);
        this.tracesPerSecond = tracesPerSecond;
        this.time = time;
        windowStart = time.GetTimestamp();
        Description = $"TraceBudgetSampler{{{tracesPerSecond}/s}}";
    }

    /// <summary>Configuration key of the budget; absent, <see cref="DefaultTracesPerSecond"/>.</summary>
    public const string TracesPerSecondKey = "Scop:Telemetry:TracesPerSecond";

    public const int DefaultTracesPerSecond = 2;

    /// <summary>
    /// The sampler of a service: a trace that arrives sampled (from the gateway, a message, a caller) stays sampled,
    /// one that arrives dropped stays dropped, and a new one is recorded within the budget.
    /// </summary>
    public static Sampler ForServices(int tracesPerSecond, TimeProvider time) =>
        new ParentBasedSampler(new TraceBudgetSampler(tracesPerSecond, time));

    public override SamplingResult ShouldSample(in SamplingParameters samplingParameters) =>
        new(TakeOne() ? SamplingDecision.RecordAndSample : SamplingDecision.Drop);

    private bool TakeOne()
    {
        var now = time.GetTimestamp();
        lock (gate)
        {
            if (time.GetElapsedTime(windowStart, now) >= TimeSpan.FromSeconds(1))
            {
                windowStart = now;
                recordedInWindow = 0;
            }

            if (recordedInWindow >= tracesPerSecond)
            {
                return false;
            }

            recordedInWindow++;
            return true;
        }
    }
}
