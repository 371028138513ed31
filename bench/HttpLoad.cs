using System.Diagnostics;
using System.Net;

namespace Scop.Aspire.Bench;

public enum OutcomeKind
{
    Ok,
    /// <summary>An answer the scenario expects and counts apart (409 on a taken SIREN), neither success nor error.</summary>
    Expected,
    Error,
}

/// <summary>What one request came to; <see cref="Key"/> names the counter (or the error: a status, "bad-body", an exception type).</summary>
public readonly record struct Outcome(OutcomeKind Kind, string Key, bool Answered)
{
    public static Outcome Ok(string counter) => new(OutcomeKind.Ok, counter, true);

    public static Outcome Expected(string counter) => new(OutcomeKind.Expected, counter, true);

    public static Outcome Status(HttpStatusCode status) => new(OutcomeKind.Error, ((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture), true);

    public static Outcome BadBody(string why) => new(OutcomeKind.Error, $"bad-body: {why}", true);

    public static Outcome Exception(Exception e) => new(OutcomeKind.Error, $"exception: {e.GetType().Name}", false);
}

/// <summary>
/// One second of an open-loop phase, by the time the requests were sent (UTC): how many, and how long the slowest
/// waited. It places a tail in time, beside the services' logs and the machine's own stalls.
/// </summary>
public sealed record LoadSecond(DateTimeOffset At, long Sent, double P99Ms, double MaxMs)
{
    public static IReadOnlyList<LoadSecond> From(DateTimeOffset start, double[] sentAtSeconds, double[] latencies) =>
        sentAtSeconds.Select((sentAt, i) => (Second: (long)sentAt, Latency: latencies[i]))
            .GroupBy(r => r.Second)
            .OrderBy(g => g.Key)
            .Select(g =>
            {
                var summary = LatencySummary.From(g.Select(r => r.Latency));
                return new LoadSecond(start.AddSeconds(g.Key), summary.Count, summary.P99, summary.Max);
            })
            .ToList();
}

/// <summary>One closed-loop phase: N clients, each sends, waits for the answer, sends again, until the time is up.</summary>
public sealed record PhaseResult(
    string Name,
    int Clients,
    double Seconds,
    long Requests,
    long Answered,
    long Ok,
    SortedDictionary<string, long> Counters,
    ErrorSummary Errors,
    double Throughput,
    double OkThroughput,
    LatencySummary LatencyMs,
    CpuUsage? Cpu,
    IReadOnlyList<LoadSecond>? Timeline = null)
{
    public string Line() =>
        $"{Name}: {Clients} clients x {Seconds:0.#} s, {Requests} requests, {Ok} ok ({OkThroughput:0.#}/s), {Errors.Total} errors; {LatencyMs}";
}

public static class HttpLoad
{
    /// <summary>Connections of the one client of a run, unless <c>--clients</c> asks for more.</summary>
    public const int DefaultConnections = 64;

    /// <summary>
    /// The one client of a run: a fixed pool of <paramref name="connections"/> kept-alive connections, one per
    /// concurrent client of the closed loops. An open loop shares them: when the system falls behind, a request waits
    /// for a free connection and that wait counts in its latency, instead of the bench opening hundreds of new ones on
    /// the machine it measures.
    /// </summary>
    public static HttpClient CreateClient(Uri baseAddress, AccessTokens? tokens = null, int connections = DefaultConnections)
    {
        var sockets = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = connections,
            PooledConnectionLifetime = TimeSpan.FromMinutes(30),
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            ConnectTimeout = TimeSpan.FromSeconds(5),
            UseProxy = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
        };
        HttpMessageHandler handler = tokens is null ? sockets : new BearerTokenHandler(tokens, baseAddress) { InnerHandler = sockets };
        return new HttpClient(handler)
        {
            BaseAddress = baseAddress,
            Timeout = TimeSpan.FromSeconds(30),
        };
    }

    public static double Milliseconds(long fromTimestamp, long toTimestamp) =>
        (toTimestamp - fromTimestamp) * 1000.0 / Stopwatch.Frequency;

    private sealed class Worker
    {
        public readonly List<double> Latencies = new(16_384);
        public readonly Dictionary<string, long> Counters = new(StringComparer.Ordinal);
        public readonly Dictionary<string, long> Errors = new(StringComparer.Ordinal);
        public long Requests;
        public long Answered;
        public long Ok;
    }

    /// <summary>
    /// Runs <paramref name="send"/> from <paramref name="clients"/> concurrent loops for <paramref name="duration"/>
    /// (requests in flight at the end finish and count), after an unmeasured warm-up with the same loops (its errors
    /// still count).
    /// </summary>
    /// <summary>
    /// A closed loop of mixed requests, each of a kind (<paramref name="next"/> draws one: its kind and how to send it):
    /// the phase, and the latency of each kind's successful requests (warm-up included), by kind in order.
    /// </summary>
    public static async Task<(PhaseResult Phase, Dictionary<string, object?> LatencyByKind)> ClosedLoopByKindAsync(string name,
        int clients, TimeSpan duration, TimeSpan warmup, Func<(string Kind, Func<CancellationToken, Task<Outcome>> Send)> next,
        CpuSampler? cpu, CancellationToken ct)
    {
        var byKind = new System.Collections.Concurrent.ConcurrentDictionary<string, System.Collections.Concurrent.ConcurrentQueue<double>>(
            StringComparer.Ordinal);
        var phase = await ClosedLoopAsync(name, clients, duration, warmup, async token =>
        {
            var (kind, send) = next();
            var start = Stopwatch.GetTimestamp();
            var outcome = await send(token);
            if (outcome.Kind == OutcomeKind.Ok)
            {
                byKind.GetOrAdd(kind, _ => new System.Collections.Concurrent.ConcurrentQueue<double>()).Enqueue(Milliseconds(start, Stopwatch.GetTimestamp()));
            }

            return outcome;
        }, cpu, ct);
        return (phase, byKind.OrderBy(k => k.Key, StringComparer.Ordinal).ToDictionary(k => k.Key, k => (object?)LatencySummary.From(k.Value)));
    }

    public static async Task<PhaseResult> ClosedLoopAsync(string name, int clients, TimeSpan duration, TimeSpan warmup,
        Func<CancellationToken, Task<Outcome>> send, CpuSampler? cpu, CancellationToken ct)
    {
        var warmupWorkers = warmup > TimeSpan.Zero ? (await RunAsync(clients, warmup, send, ct)).Workers : [];

        var before = cpu?.Take();
        var (workers, elapsed) = await RunAsync(clients, duration, send, ct);
        var usage = before is null ? null : CpuSampler.Between(before, cpu!.Take());

        var counters = new SortedDictionary<string, long>(StringComparer.Ordinal);
        var errors = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var worker in workers)
        {
            foreach (var (key, count) in worker.Counters)
            {
                counters[key] = counters.GetValueOrDefault(key) + count;
            }
        }

        // Errors of the warm-up count too: a failed request is never a matter of measurement.
        foreach (var worker in workers.Concat(warmupWorkers))
        {
            foreach (var (key, count) in worker.Errors)
            {
                errors[key] = errors.GetValueOrDefault(key) + count;
            }
        }

        var seconds = elapsed.TotalSeconds;
        var requests = workers.Sum(w => w.Requests);
        var answered = workers.Sum(w => w.Answered);
        var ok = workers.Sum(w => w.Ok);
        return new PhaseResult(name, clients, Math.Round(seconds, 3), requests, answered, ok, counters,
            new ErrorSummary(errors.Values.Sum(), errors), Math.Round(answered / seconds, 1), Math.Round(ok / seconds, 1),
            LatencySummary.From(workers.SelectMany(w => w.Latencies)), usage);
    }

    /// <summary>
    /// Sends on the clock, whatever the answers. Each request's latency runs from the moment it was due, not from when
    /// it left: any queueing it met counts, in the system, in the client's pool, or in the bench itself. The first
    /// <paramref name="warmup"/> is sent at the same rate and not counted: after a phase that saturated the system,
    /// its queues are still draining, and that is not the system at this rate.
    /// </summary>
    /// <remarks>
    /// One dedicated thread keeps the clock and starts each request itself. A timer and a thread-pool hop for every
    /// request made the bench spend 0.28 to 0.41 ms of CPU per request at 450 to 720 requests/s, three to four times
    /// what the closed loops spend: CPU taken from the system it measures, on the same 2 cores. The thread sleeps
    /// until a request is due, never less, so a request leaves on time or a little late, and the lateness counts in
    /// its latency.
    /// </remarks>
    public static async Task<PhaseResult> OpenLoopAsync(string name, double rate, TimeSpan warmup, TimeSpan duration,
        Func<CancellationToken, Task<Outcome>> send, CancellationToken ct)
    {
        var unmeasured = (long)Math.Round(rate * warmup.TotalSeconds);
        var total = unmeasured + (long)Math.Round(rate * duration.TotalSeconds);
        var latencies = new double[total];
        var outcomes = new Outcome[total];
        var sentAt = new double[total];
        var tasks = new Task[total];
        var started = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();

        async Task SendAsync(long index, TimeSpan due)
        {
            try
            {
                outcomes[index] = await send(ct);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                outcomes[index] = Outcome.Exception(e);
            }

            latencies[index] = (clock.Elapsed - due).TotalMilliseconds;
        }

        // LongRunning: a thread of its own, not one borrowed from the pool the answers complete on.
        await Task.Factory.StartNew(() =>
        {
            for (long i = 0; i < total; i++)
            {
                ct.ThrowIfCancellationRequested();
                var due = TimeSpan.FromSeconds(i / rate);
                var wait = due - clock.Elapsed;
                if (wait > TimeSpan.Zero)
                {
                    Thread.Sleep((int)Math.Ceiling(wait.TotalMilliseconds));
                }

                sentAt[i] = due.TotalSeconds;
                tasks[i] = SendAsync(i, due);
            }
        }, ct, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        await Task.WhenAll(tasks);
        var seconds = clock.Elapsed.TotalSeconds - warmup.TotalSeconds;
        var measured = outcomes[(int)unmeasured..];
        var measuredLatencies = latencies[(int)unmeasured..];
        var counters = new SortedDictionary<string, long>(StringComparer.Ordinal);
        var errorBreakdown = new SortedDictionary<string, long>(StringComparer.Ordinal);
        for (var i = 0; i < outcomes.Length; i++)
        {
            var outcome = outcomes[i];
            if (outcome.Kind == OutcomeKind.Error)
            {
                // Errors of the warm-up count too: a failed request is never a matter of measurement.
                errorBreakdown[outcome.Key] = errorBreakdown.GetValueOrDefault(outcome.Key) + 1;
            }
            else if (i >= unmeasured)
            {
                counters[outcome.Key] = counters.GetValueOrDefault(outcome.Key) + 1;
            }
        }

        var ok = measured.LongCount(o => o.Kind == OutcomeKind.Ok);
        var requests = measured.LongLength;
        var measuredSentAt = sentAt[(int)unmeasured..].Select(at => at - warmup.TotalSeconds).ToArray();
        return new PhaseResult(name, 0, seconds, requests, measured.LongCount(o => o.Answered), ok, counters,
            new ErrorSummary(errorBreakdown.Values.Sum(), errorBreakdown), requests / seconds, ok / seconds,
            LatencySummary.From(measuredLatencies), null, LoadSecond.From(started + warmup, measuredSentAt, measuredLatencies));
    }

    private static async Task<(Worker[] Workers, TimeSpan Elapsed)> RunAsync(int clients, TimeSpan duration,
        Func<CancellationToken, Task<Outcome>> send, CancellationToken ct)
    {
        var workers = Enumerable.Range(0, clients).Select(_ => new Worker()).ToArray();
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(workers.Select(worker => Task.Run(async () =>
        {
            while (clock.Elapsed < duration && !ct.IsCancellationRequested)
            {
                var start = Stopwatch.GetTimestamp();
                Outcome outcome;
                try
                {
                    outcome = await send(ct);
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
                {
                    outcome = Outcome.Exception(e);
                }

                var end = Stopwatch.GetTimestamp();
                worker.Requests++;
                if (outcome.Answered)
                {
                    worker.Answered++;
                    worker.Latencies.Add(Milliseconds(start, end));
                }

                if (outcome.Kind == OutcomeKind.Error)
                {
                    worker.Errors[outcome.Key] = worker.Errors.GetValueOrDefault(outcome.Key) + 1;
                }
                else
                {
                    worker.Counters[outcome.Key] = worker.Counters.GetValueOrDefault(outcome.Key) + 1;
                    if (outcome.Kind == OutcomeKind.Ok)
                    {
                        worker.Ok++;
                    }
                }
            }
        }, ct)));
        return (workers, clock.Elapsed);
    }
}
