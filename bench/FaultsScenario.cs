using System.Globalization;
using Scop.Aspire.Bench.Faults;

namespace Scop.Aspire.Bench;

/// <summary>
/// <c>faults</c>: the platform started by the bench itself (it stops and starts the platform's processes, so it must own
/// them), a steady mixed load through its gateway while every process is made to fail in turn, then the reconciliation
/// (<see cref="FaultsRun"/>). Its floor is the same load before the first fault: what clients see when nothing fails.
/// </summary>
public sealed class FaultsScenario(BenchOptions options, TextWriter progress)
{
    public const double DefaultRate = 20;
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public async Task<ScenarioResult> RunAsync(CancellationToken ct)
    {
        var started = DateTimeOffset.UtcNow;
        var machine = MachineInfo.Current();
        var rate = options.RateGiven ? options.Rate : DefaultRate;
        var settings = new FaultsSettings
        {
            Replicas = options.Replicas,
            EveryReplica = true,
            Load = new LoadSettings { Rate = rate },
            DataRoot = options.DataRoot,
            // The bench measures the platform, not the limiter (bench/README.md).
            Arguments = ["--Scop:Gateway:RateLimits:Enabled=false"],
        };
        var report = await new FaultsRun(settings, progress).RunAsync(ct);
        var r = report.Reconciliation;
        var targets = new List<TargetCheck>
        {
            new("every write answered 2xx is in the register: 0 lost", $"{r.LostTotal} lost", r.LostTotal == 0),
            new("every effect once: 0 doubled, 0 missing (feed entries = registrations, one webhook per event after dedup on webhook-id)",
                $"{r.DoubledTotal} doubled, {r.MissingTotal} missing", r.DoubledTotal == 0 && r.MissingTotal == 0),
            new("0 oversold, 0 seat counters off", $"{r.Oversold} oversold, {r.SeatCountersOff} counters off", r.Oversold == 0 && r.SeatCountersOff == 0),
            new("nothing in an _error queue, nothing left undone", $"{r.ErrorQueueTotal} error-queue messages, {r.LeftUndone.Values.Sum()} undone",
                r.ErrorQueueTotal == 0 && r.LeftUndone.Values.Sum() == 0),
            new("a few 1 MB requests refused with a 4xx, and no service taken for down: each served right after, the gateway Healthy again",
                $"answers {string.Join(", ", report.LargeRequests.Answers.Select(a => $"{a.Key}: {a.Value}"))}; right after "
                + $"{string.Join(", ", report.LargeRequests.ServedAfterwards.Select(p => $"{p.Key} {p.Value}"))}; gateway /health not Healthy "
                + $"{report.LargeRequests.GatewayHealthNotHealthy} of {report.LargeRequests.GatewayHealthProbes} during them, "
                + $"{report.LargeRequests.GatewayHealthNotHealthyBefore} of {report.LargeRequests.GatewayHealthProbesBefore} before",
                report.LargeRequests.AllRefused && report.LargeRequests.NothingDeclaredDown),
        };

        var lines = report.Faults.Select(f => string.Create(Invariant,
            $"  {f.Timing.Fault}: whole again after {f.Timing.RecoveredAfterSeconds:0.0} s; {f.Clients.Line()}"));
        var summary = string.Create(Invariant,
            $"faults, {report.Replicas} replica(s), {rate:0.#} writes/s: {report.Whole.Writes} writes ({r.Counts["registrationAnswered2xx"]} registrations, "
            + $"{r.Counts["hireAnswered2xx"]} hires, {r.Counts["bookingAnswered2xx"]} bookings, {r.Counts["enrolmentAnswered2xx"]} enrolments answered 2xx), "
            + $"{report.Faults.Count} faults. Reconciliation: {r.Line()}. Floor, the same load before any fault: {report.Steady.Line()}.")
            + Environment.NewLine + string.Join(Environment.NewLine, lines);
        return new ScenarioResult
        {
            Scenario = "faults",
            Machine = machine,
            Started = started,
            Ended = DateTimeOffset.UtcNow,
            Parameters = new Dictionary<string, object?>
            {
                ["replicas"] = report.Replicas, ["ratePerSecond"] = rate, ["steadySeconds"] = settings.Steady.TotalSeconds,
                ["settleSeconds"] = settings.Settle.TotalSeconds, ["brokerDownSeconds"] = settings.BrokerDown.TotalSeconds,
                ["holdDurationSeconds"] = settings.HoldDuration.TotalSeconds, ["sessions"] = settings.Sessions,
                ["seatsPerSession"] = settings.SeatsPerSession, ["tag"] = report.Tag,
            },
            Requests = report.Whole.Attempts,
            Errors = new ErrorSummary(report.Whole.Errors, report.Whole.ErrorsByKind),
            Throughput = Math.Round(report.Whole.Attempts / Math.Max(report.Whole.Seconds, 0.001), 1),
            LatencyMs = report.Whole.SuccessLatencyMs,
            Counters = new()
            {
                ["lost"] = r.LostTotal, ["doubled"] = r.DoubledTotal, ["effectsMissing"] = r.MissingTotal, ["oversold"] = r.Oversold,
                ["seatCountersOff"] = r.SeatCountersOff, ["errorQueueMessages"] = r.ErrorQueueTotal,
                ["leftUndone"] = r.LeftUndone.Values.Sum(), ["writesSkipped"] = report.WritesSkipped,
            },
            Floors = new() { ["steadyBeforeFaults"] = report.Steady },
            Details = new()
            {
                ["faults"] = report.Faults,
                ["tail"] = report.Tail,
                ["whole"] = report.Whole,
                ["largeRequests"] = report.LargeRequests,
                ["reconciliation"] = r,
                ["setupSeconds"] = report.SetupSeconds,
                ["drainSeconds"] = report.DrainSeconds,
            },
            Targets = targets,
            Summary = summary,
        };
    }
}
