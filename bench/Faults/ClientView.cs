namespace Scop.Aspire.Bench.Faults;

/// <summary>
/// What the clients saw over a stretch of the run: the writes they started, the attempts made, the answers by kind, how
/// long the longest write took from its first attempt to its answer (its stall), the longest time without a single 2xx
/// answer, the latency of the attempts that succeeded, and how often the gateway's <c>/health</c> was not Healthy.
/// </summary>
public sealed record ClientView(
    double Seconds,
    long Writes,
    long Attempts,
    long Answered2xx,
    long Refused,
    long Errors,
    long ServiceUnavailable,
    SortedDictionary<string, long> ErrorsByKind,
    double LongestStallMs,
    double LongestWithout2xxMs,
    LatencySummary SuccessLatencyMs,
    long GatewayHealthProbes,
    long GatewayHealthNotHealthy)
{
    public string Line() =>
        $"{Writes} writes, {Attempts} attempts: {Answered2xx} 2xx, {Refused} refused, {Errors} errors{(ErrorsByKind.Count == 0 ? "" : $" ({string.Join(", ", ErrorsByKind.Select(e => $"{e.Key}: {e.Value}"))})")}; "
        + $"longest stall {LongestStallMs / 1000:0.0} s, longest without a 2xx {LongestWithout2xxMs / 1000:0.0} s; 2xx {SuccessLatencyMs}; "
        + $"gateway /health not Healthy {GatewayHealthNotHealthy} of {GatewayHealthProbes}";

    public static ClientView Of(IReadOnlyCollection<Write> writes, IReadOnlyList<(DateTimeOffset At, int Status)> health,
        DateTimeOffset from, DateTimeOffset to)
    {
        bool In(DateTimeOffset at) => at >= from && at < to;
        var started = writes.Where(w => w.Attempts.Count > 0 && In(w.FirstSentAt)).ToList();
        var attempts = writes.SelectMany(w => w.Attempts).Where(a => In(a.At)).ToList();
        var errors = attempts.Where(a => !a.Succeeded && !IsRefusal(a.Outcome)).ToList();
        var byKind = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var error in errors)
        {
            var kind = error.Outcome.Split(' ')[0] == "exception:" ? error.Outcome : error.Outcome.Split(' ')[0];
            byKind[kind] = byKind.GetValueOrDefault(kind) + 1;
        }

        // Gaps between consecutive 2xx answers, the window's edges included.
        var answers = attempts.Where(a => a.Succeeded).Select(a => a.At.AddMilliseconds(a.Milliseconds))
            .Where(In).Order().Prepend(from).Append(to).ToList();
        var longestGap = answers.Zip(answers.Skip(1), (a, b) => (b - a).TotalMilliseconds).DefaultIfEmpty(0).Max();
        var probes = health.Where(h => In(h.At)).ToList();
        return new ClientView(
            Math.Round((to - from).TotalSeconds, 1),
            started.Count,
            attempts.Count,
            attempts.Count(a => a.Succeeded),
            attempts.Count(a => IsRefusal(a.Outcome)),
            errors.Count,
            errors.Count(a => a.Outcome.StartsWith("503", StringComparison.Ordinal)),
            byKind,
            Math.Round(started.Select(w => w.StallMilliseconds).DefaultIfEmpty(0).Max(), 1),
            Math.Round(longestGap, 1),
            LatencySummary.From(attempts.Where(a => a.Succeeded).Select(a => a.Milliseconds)),
            probes.Count,
            probes.Count(p => p.Status != 200));
    }

    /// <summary>A 4xx that settles a write (a full session, say), not a failure of the platform.</summary>
    private static bool IsRefusal(string outcome) =>
        outcome.Length >= 3 && outcome[0] == '4' && !outcome.StartsWith("401", StringComparison.Ordinal)
        && !outcome.StartsWith("408", StringComparison.Ordinal) && !outcome.StartsWith("429", StringComparison.Ordinal);
}
