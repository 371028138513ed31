using System.Diagnostics;
using System.Globalization;

namespace Scop.Aspire.Bench;

/// <summary>The four scenarios, each producing a complete result with its floors measured in the same run.</summary>
public sealed class Scenarios(BenchOptions options, HttpClient http, CpuSampler cpu, TextWriter progress)
{
    public const double RegisterTargetShareOfPgbench = 0.25;
    public const double EventLatencyTargetP99Ms = 250;

    /// <summary>
    /// How long after the last registration its fan-out may still be working: the event-latency target. Past it, the
    /// consumers did not keep pace with the registrations and a queue built up.
    /// </summary>
    public static readonly TimeSpan FanOutBudget = TimeSpan.FromMilliseconds(EventLatencyTargetP99Ms);

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    private int Clients => options.ClientsOr(32);

    public async Task<PgbenchResult> PgbenchAsync(CancellationToken ct)
    {
        progress.WriteLine($"[bench] pgbench floor ({options.PgbenchSeconds} s)...");
        var result = await PgbenchFloor.RunAsync(options.Pg, options.PgbenchSeconds, cpu, ct);
        progress.WriteLine($"[bench] {result.Line()}");
        return result;
    }

    public Task<PhaseResult> GatewayPingAsync(string name, int clients, TimeSpan duration, TimeSpan warmup, CancellationToken ct)
    {
        progress.WriteLine($"[bench] {name}: {clients} clients x {duration.TotalSeconds:0.#} s on GET {Requests.PingPath}...");
        return Log(HttpLoad.ClosedLoopAsync(name, clients, duration, warmup, token => Requests.PingAsync(http, Requests.PingPath, token), cpu, ct));
    }

    public async Task<ScenarioResult> GatewayFloorAsync(CancellationToken ct) => (await GatewayFloorPhaseAsync(ct)).Result;

    private async Task<(ScenarioResult Result, PhaseResult Phase)> GatewayFloorPhaseAsync(CancellationToken ct)
    {
        var started = DateTimeOffset.UtcNow;
        var machine = MachineInfo.Current();
        var duration = options.DurationOr(TimeSpan.FromSeconds(20));
        progress.WriteLine($"[bench] loopback floor: bare Kestrel in the bench process, {Clients} clients x {options.FloorDuration.TotalSeconds:0.#} s...");
        var loopback = await Log(LoopbackFloor.RunAsync(http, Clients, options.FloorDuration, options.Warmup, cpu, ct));
        var phase = await GatewayPingAsync("gateway-floor", Clients, duration, options.Warmup, ct);

        var share = Share(phase.OkThroughput, loopback.OkThroughput);
        var summary = string.Create(Invariant,
            $"gateway-floor: {Clients} clients x {phase.Seconds:0.#} s on GET {Requests.PingPath} through the gateway: "
            + $"{phase.OkThroughput:0.#} req/s, {phase.LatencyMs}, {phase.Errors.Total} errors. "
            + $"Floor in the same run: a bare Kestrel pong in the bench process does {loopback.OkThroughput:0.#} req/s "
            + $"({loopback.LatencyMs}); the gateway path reaches {share} of it.");
        return (new ScenarioResult
        {
            Scenario = "gateway-floor",
            Machine = machine,
            Started = started,
            Ended = DateTimeOffset.UtcNow,
            Parameters = Parameters(("clients", Clients), ("durationSeconds", duration.TotalSeconds), ("path", Requests.PingPath)),
            Requests = phase.Requests,
            Errors = phase.Errors,
            Throughput = phase.Throughput,
            LatencyMs = phase.LatencyMs,
            Counters = phase.Counters.ToDictionary(c => c.Key, c => (object?)c.Value),
            Floors = new() { ["loopbackKestrel"] = loopback },
            Cpu = phase.Cpu,
            Summary = summary,
        }, phase);
    }

    public async Task<ScenarioResult> RegisterCooperativeAsync(PgbenchResult? pgbench, PhaseResult? gatewayFloor, CancellationToken ct)
    {
        var started = DateTimeOffset.UtcNow;
        var machine = MachineInfo.Current();
        var duration = options.DurationOr(TimeSpan.FromSeconds(20));
        // The floors and the run start on a quiet system, not one still consuming an earlier phase's events.
        var fanOut = new JoinedFanOut(options.Pg);
        await WaitForQuietAsync(ct);
        pgbench ??= await PgbenchAsync(ct);
        gatewayFloor ??= await GatewayPingAsync("gateway-floor (short)", Clients, options.FloorDuration, options.Warmup, ct);

        var factory = new CooperativeFactory("register");
        await fanOut.PrepareAsync(ct);
        var since = JoinedFanOut.FirstIdFrom(DateTimeOffset.UtcNow);
        progress.WriteLine($"[bench] register-cooperative: {Clients} clients x {duration.TotalSeconds:0.#} s, SIREN prefix {factory.Prefix}...");
        var loadStarted = Stopwatch.GetTimestamp();
        // The compiling left in the services: code that runs once per batch of messages is optimised only after 1,000
        // batches (Directory.Build.props), so the runs after a start pay for it, and a figure of a warm system is one whose
        // compilers had little left to do.
        using var compilation = BackgroundCompilation.Start(cpu);
        var phase = await Log(HttpLoad.ClosedLoopAsync("register-cooperative", Clients, duration, options.Warmup, async token =>
        {
            var (outcome, _) = await Requests.RegisterAsync(http, factory.Next(), token);
            return outcome;
        }, cpu, ct));
        var ended = Stopwatch.GetTimestamp();
        var caught = await fanOut.WaitUntilCaughtUpAsync(since, ended, TimeSpan.FromMinutes(3), ct);
        var compiled = compilation.Stop();
        progress.WriteLine($"[bench] from the warm-up to the last event applied, {compiled.Line()}");
        // What the whole system sustains: every registration of the load (warm-up included) with its fan-out, over the
        // time from the first to the last consumer's work.
        var sustained = caught.Expected / JoinedFanOut.Databases.Length / Stopwatch.GetElapsedTime(loadStarted).TotalSeconds;
        progress.WriteLine(string.Create(Invariant,
            $"[bench] fan-out: {caught.Applied} of {caught.Expected} CooperativeJoined applied by the five consumers {caught.SecondsAfterLastRegistration:0.##} s after the last registration; registrations with their fan-out: {sustained:0.#}/s"));

        var created = phase.Counters.GetValueOrDefault("created");
        var conflicts = phase.Counters.GetValueOrDefault("conflicts");
        var targets = new List<TargetCheck>();
        string versusPgbench;
        if (pgbench.Tps is { } tps)
        {
            var ratio = phase.OkThroughput / tps;
            versusPgbench = string.Create(Invariant, $"{ratio:P0} of pgbench -N ({tps:0.#} tps)");
            targets.Add(new TargetCheck(
                string.Create(Invariant, $"register-cooperative >= {RegisterTargetShareOfPgbench:P0} of pgbench -N TPS with 0 errors"),
                string.Create(Invariant, $"{phase.OkThroughput:0.#}/s = {ratio:P1} of {tps:0.#} tps, {phase.Errors.Total} errors"),
                ratio >= RegisterTargetShareOfPgbench && phase.Errors.Total == 0));
        }

        else
        {
            versusPgbench = $"no pgbench floor ({pgbench.Skipped ?? pgbench.Error})";
            targets.Add(new TargetCheck("register-cooperative >= 25 % of pgbench -N TPS with 0 errors", versusPgbench, false));
        }

        targets.Add(new TargetCheck(
            string.Create(Invariant, $"fan-out: every registration applied by the five consumers within {FanOutBudget.TotalSeconds:0.##} s of the last (the event-latency target)"),
            string.Create(Invariant, $"{caught.Applied} of {caught.Expected} after {caught.SecondsAfterLastRegistration:0.##} s"),
            caught.Applied >= caught.Expected && caught.SecondsAfterLastRegistration <= FanOutBudget.TotalSeconds));

        var summary = string.Create(Invariant,
            $"register-cooperative: {Clients} clients x {phase.Seconds:0.#} s: {created} created ({phase.OkThroughput:0.#}/s), "
            + $"{conflicts} conflicts, {phase.Errors.Total} errors{phase.Errors.Detail}; {phase.LatencyMs}. "
            + $"That is {versusPgbench} and {Share(phase.OkThroughput, gatewayFloor.OkThroughput)} of the gateway ping floor "
            + $"({gatewayFloor.OkThroughput:0.#} req/s, {gatewayFloor.LatencyMs}). Fan-out: {caught.Applied} of {caught.Expected} "
            + $"events applied by the five consumers {caught.SecondsAfterLastRegistration:0.##} s after the last registration: "
            + $"{sustained:0.#} registrations/s with their fan-out.");
        return new ScenarioResult
        {
            Scenario = "register-cooperative",
            Machine = machine,
            Started = started,
            Ended = DateTimeOffset.UtcNow,
            Parameters = Parameters(("clients", Clients), ("durationSeconds", duration.TotalSeconds), ("sirenPrefix", factory.Prefix),
                ("path", Requests.RegisterPath)),
            Requests = phase.Requests,
            Errors = phase.Errors,
            Throughput = phase.Throughput,
            LatencyMs = phase.LatencyMs,
            Counters = new()
            {
                ["created"] = created, ["conflicts"] = conflicts, ["errors"] = phase.Errors.Total, ["createdPerSecond"] = phase.OkThroughput,
                ["fanOutExpected"] = caught.Expected, ["fanOutApplied"] = caught.Applied,
                ["fanOutSecondsAfterLastRegistration"] = caught.SecondsAfterLastRegistration,
                ["sustainedWithFanOutPerSecond"] = Math.Round(sustained, 1),
                ["compilerCpuSeconds"] = Math.Round(compiled.CpuSeconds, 2),
            },
            Floors = new() { ["pgbench"] = pgbench, ["gatewayFloor"] = gatewayFloor },
            Targets = targets,
            Cpu = phase.Cpu,
            Summary = summary,
        };
    }

    /// <summary>
    /// Waits until membership's outbox and the consumers of its events have worked off what earlier phases left, so
    /// that a phase measures its own load, not that queue. The waits are reported.
    /// </summary>
    private async Task<(OutboxBacklog.Drain Backlog, OutboxBacklog.Quiet Consumers)> WaitForQuietAsync(CancellationToken ct)
    {
        var backlog = await OutboxBacklog.WaitUntilDrainedAsync(options.Pg, "membership", TimeSpan.FromMinutes(2), ct);
        progress.WriteLine(string.Create(Invariant,
            $"[bench] membership's outbox held {backlog.PendingAtStart} due events from earlier phases; drained in {backlog.Seconds:0.#} s ({backlog.PendingAtEnd} left)"));
        var consumers = await OutboxBacklog.WaitUntilConsumersIdleAsync(options.Pg, JoinedFanOut.Databases, TimeSpan.FromMinutes(2), ct);
        progress.WriteLine(string.Create(Invariant,
            $"[bench] the consumers worked off {consumers.ConsumedWhileWaiting} messages of earlier phases in {consumers.Seconds:0.#} s"));
        return (backlog, consumers);
    }

    public async Task<ScenarioResult> EventLatencyAsync(CancellationToken ct)
    {
        var started = DateTimeOffset.UtcNow;
        var machine = MachineInfo.Current();
        var duration = options.DurationOr(TimeSpan.FromSeconds(30));
        var pingFloor = await GatewayPingAsync("gateway ping, 1 client", 1, options.FloorDuration, TimeSpan.FromSeconds(1), ct);
        var (backlog, consumers) = await WaitForQuietAsync(ct);

        progress.WriteLine(string.Create(Invariant,
            $"[bench] event-latency: {options.Rate:0.#} registrations/s for {duration.TotalSeconds:0.#} s, feed polled every {options.PollInterval.TotalMilliseconds:0} ms..."));
        var eventLatency = new EventLatency(http, options.Rate, duration, options.PollInterval, options.MissingAfter);
        var run = await eventLatency.RunAsync(cpu, ct);
        var stages = await eventLatency.StagesAsync(options.Pg, ct);
        progress.WriteLine($"[bench] event-latency: {run.Created} created, server {run.ServerLatencyMs}; client-observed {run.ClientObservedLatencyMs}; missing {run.Missing}, duplicates {run.Duplicates}");

        var targets = new List<TargetCheck>
        {
            new(string.Create(Invariant, $"event-latency p99 < {EventLatencyTargetP99Ms:0} ms at {options.Rate:0.#} events/s (publishedAt - occurredAt)"),
                string.Create(Invariant, $"p99 {run.ServerLatencyMs.P99:0.#} ms over {run.ServerLatencyMs.Count} events; {run.Created / Math.Max(run.CompletionSeconds, 0.001):0.#}/s created (offered {options.Rate:0.#}/s)"),
                run.ServerLatencyMs.Count > 0 && run.ServerLatencyMs.P99 < EventLatencyTargetP99Ms && run.Missing == 0 && run.Duplicates == 0 && run.Errors.Total == 0),
            new(string.Create(Invariant, $"event-latency client-observed p99 < {EventLatencyTargetP99Ms:0} ms (first seen by the poller - 201 received)"),
                string.Create(Invariant, $"p99 {run.ClientObservedLatencyMs.P99:0.#} ms"),
                run.ClientObservedLatencyMs.Count > 0 && run.ClientObservedLatencyMs.P99 < EventLatencyTargetP99Ms && run.Missing == 0),
            new("missing = 0 and duplicates = 0", $"missing {run.Missing}, duplicates {run.Duplicates}", run.Missing == 0 && run.Duplicates == 0),
        };

        var summary = string.Create(Invariant,
            $"event-latency: {options.Rate:0.#} registrations/s open-loop for {run.SendSeconds:0.#} s: {run.Sent} sent, {run.Created} created "
            + $"(the last answer after {run.CompletionSeconds:0.#} s, so {run.Created / Math.Max(run.CompletionSeconds, 0.001):0.#}/s), "
            + $"{run.Conflicts} conflicts, {run.Errors.Total} errors{run.Errors.Detail}; POST (from its scheduled time) {run.PostLatencyMs}. "
            + $"Commit to feed entry (publishedAt - occurredAt): {run.ServerLatencyMs}; as the client sees it (201 to first seen in the feed): "
            + $"{run.ClientObservedLatencyMs}; missing {run.Missing}, duplicates {run.Duplicates}. "
            + $"Floors in the same run: gateway ping with 1 client {pingFloor.LatencyMs}; one feed read {run.FeedReadMs}; poll interval {options.PollInterval.TotalMilliseconds:0} ms. "
            + $"Before the start, {backlog.PendingAtStart} events left by earlier phases were published in {backlog.Seconds:0.#} s ({backlog.PendingAtEnd} left).");
        return new ScenarioResult
        {
            Scenario = "event-latency",
            Machine = machine,
            Started = started,
            Ended = DateTimeOffset.UtcNow,
            Parameters = Parameters(("ratePerSecond", options.Rate), ("durationSeconds", duration.TotalSeconds),
                ("pollIntervalMs", options.PollInterval.TotalMilliseconds), ("missingAfterSeconds", options.MissingAfter.TotalSeconds),
                ("feedPageSize", 100)),
            Requests = run.Sent,
            Errors = run.Errors,
            Throughput = Math.Round(run.Answered / Math.Max(run.SendSeconds, 0.001), 1),
            LatencyMs = run.PostLatencyMs,
            Counters = new()
            {
                ["created"] = run.Created,
                ["conflicts"] = run.Conflicts,
                ["errors"] = run.Errors.Total,
                ["missing"] = run.Missing,
                ["duplicates"] = run.Duplicates,
                ["seenBefore201"] = run.SeenBefore201,
                ["occurredAtNotMatching201"] = run.OccurredAtMismatches,
            },
            Floors = new()
            {
                ["gatewayPingOneClient"] = pingFloor,
                ["feedReadMs"] = run.FeedReadMs,
                ["pollIntervalMs"] = options.PollInterval.TotalMilliseconds,
            },
            Details = new()
            {
                ["serverLatencyMs"] = run.ServerLatencyMs,
                ["clientObservedLatencyMs"] = run.ClientObservedLatencyMs,
                ["scheduleLagMaxMs"] = run.ScheduleLagMaxMs,
                ["sendSeconds"] = run.SendSeconds,
                ["completionSeconds"] = run.CompletionSeconds,
                ["stages"] = stages,
                ["backlogBeforeStart"] = backlog,
                ["consumersIdleBeforeStart"] = consumers,
                ["drainSeconds"] = run.DrainSeconds,
                ["poller"] = run.Poller,
            },
            Targets = targets,
            Cpu = run.Cpu,
            Summary = summary,
        };
    }

    public async Task<CombinedResult> AllAsync(CancellationToken ct)
    {
        var started = DateTimeOffset.UtcNow;
        var machine = MachineInfo.Current();
        var pgbench = await PgbenchAsync(ct);
        var (gateway, gatewayPhase) = await GatewayFloorPhaseAsync(ct);
        var register = await RegisterCooperativeAsync(pgbench, gatewayPhase, ct);
        var events = await EventLatencyAsync(ct);
        var scenarios = new List<ScenarioResult> { gateway, register, events };
        var targets = scenarios.SelectMany(s => s.Targets ?? []).ToList();

        var lines = new List<string>
        {
            $"Floors: {pgbench.Line()}; {gateway.Summary}",
            register.Summary,
            events.Summary,
            "Targets: " + string.Join("; ", targets.Select(t => $"{t.Target}: {t.Measured} -> {(t.Met ? "met" : "MISSED")}")),
        };
        return new CombinedResult
        {
            Machine = machine,
            Started = started,
            Ended = DateTimeOffset.UtcNow,
            Parameters = Parameters(("clients", Clients), ("durationSeconds", options.Duration?.TotalSeconds),
                ("ratePerSecond", options.Rate), ("gateway", options.Gateway.ToString()), ("pgbenchSeconds", options.PgbenchSeconds)),
            Requests = scenarios.Sum(s => s.Requests),
            Errors = ErrorSummary.Merge(scenarios.Select(s => s.Errors)),
            Floors = new() { ["pgbench"] = pgbench, ["gatewayFloor"] = gatewayPhase },
            Scenarios = scenarios,
            Targets = targets,
            Summary = string.Join(Environment.NewLine, lines),
        };
    }

    private Dictionary<string, object?> Parameters(params (string Key, object? Value)[] values)
    {
        var parameters = new Dictionary<string, object?> { ["gateway"] = options.Gateway.ToString(), ["warmupSeconds"] = options.Warmup.TotalSeconds };
        foreach (var (key, value) in values)
        {
            parameters[key] = value;
        }

        return parameters;
    }

    private async Task<PhaseResult> Log(Task<PhaseResult> phase)
    {
        var result = await phase;
        progress.WriteLine($"[bench] {result.Line()}");
        return result;
    }

    private static string Share(double value, double floor) =>
        floor > 0 ? string.Create(Invariant, $"{value / floor:P0}") : "n/a";

}
