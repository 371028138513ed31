using System.Diagnostics;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Scop.Aspire.Bench.Platform;
using Scop.Aspire.LocalServers;
using Scop.Aspire.ServiceDefaults;

namespace Scop.Aspire.Bench.Faults;

/// <summary>
/// One fault done to processes of the platform, and its end: each process is signalled (or stopped), left down for a
/// while if the fault says so, started again through the orchestrator, and the fault is over once every process of
/// the platform is running and healthy again. Only processes of the <see cref="HostedPlatform"/> given are touched,
/// found by the process ids its orchestrator reports.
/// </summary>
public sealed record Fault(string Name, string What, int Signal, TimeSpan Down, IReadOnlyList<(string Resource, int Replica)> Targets)
{
    /// <summary>A service or the gateway: the process of one replica killed outright.</summary>
    public static Fault Kill(string project, int replica) =>
        new($"kill {project} #{replica + 1}", $"SIGKILL to {project}'s process (replica {replica + 1})", Posix.SIGKILL, TimeSpan.Zero,
            [(project, replica)]);

    /// <summary>One process of every service and of the gateway killed at the same moment, as a host going down would.</summary>
    public static Fault KillOneOfEach(IReadOnlyList<string> projects) =>
        new("kill one process of each", $"SIGKILL to the first process of each of {string.Join(", ", projects)} at once",
            Posix.SIGKILL, TimeSpan.Zero, [.. projects.Select(p => (p, 0))]);

    /// <summary>RabbitMQ stopped as an operator stops it (SIGTERM: the node shuts down), then started again.</summary>
    public static Fault StopBroker(TimeSpan down) =>
        new("stop rabbitmq", $"RabbitMQ stopped (SIGTERM), started again {down.TotalSeconds:0} s later", Posix.SIGTERM, down,
            [(ResourceNames.RabbitMq, 0)]);

    /// <summary>PostgreSQL restarted: a fast shutdown (SIGINT: every session cut, open transactions rolled back), then a start.</summary>
    public static Fault RestartDatabase() =>
        new("restart postgres", "PostgreSQL fast shutdown (SIGINT) and start", Posix.SIGINT, TimeSpan.Zero, [(ResourceNames.Postgres, 0)]);

    /// <summary>Redis killed outright and started again (its rate-limit buckets and caches are lost with it).</summary>
    public static Fault RestartRedis() =>
        new("restart redis", "SIGKILL to Redis, then a start", Posix.SIGKILL, TimeSpan.Zero, [(ResourceNames.Redis, 0)]);

    /// <summary>
    /// The faults of one run, in order: each service and the gateway (each of its processes in turn when
    /// <paramref name="everyReplica"/>; one process of each at once when <paramref name="atOnce"/>), then the broker, the
    /// database, Redis.
    /// </summary>
    public static IReadOnlyList<Fault> Sequence(IReadOnlyList<string> projects, int replicas, bool everyReplica, bool atOnce, TimeSpan brokerDown)
    {
        var faults = new List<Fault>();
        if (atOnce)
        {
            faults.Add(KillOneOfEach(projects));
        }
        else
        {
            foreach (var project in projects)
            {
                for (var replica = 0; replica < (everyReplica ? replicas : 1); replica++)
                {
                    faults.Add(Kill(project, replica));
                }
            }
        }

        faults.Add(StopBroker(brokerDown));
        faults.Add(RestartDatabase());
        faults.Add(RestartRedis());
        return faults;
    }

    /// <summary>Does the fault and waits until the platform has recovered from it.</summary>
    public async Task<FaultTiming> RunAsync(HostedPlatform platform, TextWriter progress, CancellationToken ct)
    {
        var targets = Targets.Select(t =>
        {
            var running = platform.Instances(t.Resource).Where(i => i.IsRunning && i.ProcessId is not null).ToList();
            return running.Count > t.Replica
                ? running[t.Replica]
                : throw new InvalidOperationException($"{Name}: {t.Resource} has {running.Count} running processes.");
        }).ToList();
        var processes = targets.SelectMany(t => SignalledProcesses(t.ProcessId!.Value)).ToList();
        var injectedAt = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        foreach (var pid in processes)
        {
            Posix.SendSignal(pid, Signal);
        }

        progress.WriteLine($"[faults] {Name}: signal {Signal} to process {string.Join(", ", processes)} ({string.Join(", ", targets.Select(t => t.Id))})");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        // A safety net, not a figure: on a saturated machine six processes started together took over 4 minutes.
        timeout.CancelAfter(TimeSpan.FromMinutes(12));
        // What is awaited, for the error when the safety net is reached.
        var awaited = "the signalled processes to end";
        try
        {
            while (targets.Any(t => platform.Instance(t.Id).IsRunning) || processes.Any(Posix.IsAlive))
            {
                await Task.Delay(100, timeout.Token);
            }

            var downAt = clock.Elapsed;
            if (Down > TimeSpan.Zero)
            {
                await Task.Delay(Down, timeout.Token);
            }

            // Started in the order the AppHost waits for them (the identity service, then the services, then the gateway):
            // the orchestrator refuses to start a process while a resource it waits for has a process that is not running.
            using var probe = new HttpClient { Timeout = TimeSpan.FromSeconds(3) };
            var pending = targets.ToList();
            while (pending.Count > 0)
            {
                var waits = platform.WaitsOf(pending.Select(t => t.Resource));
                var round = pending.Where(t => !pending.Any(other => waits[t.Resource].Contains(other.Resource))).ToList();
                round = round.Count > 0 ? round : pending;
                pending = pending.Except(round).ToList();
                var startedAt = DateTime.UtcNow;
                awaited = $"the orchestrator to start {string.Join(", ", round.Select(t => t.Id))}";
                await Task.WhenAll(round.Select(t => platform.ExecuteAsync(t.Id, KnownResourceCommands.StartCommand, timeout.Token)));
                foreach (var target in round)
                {
                    // A new process, running, and found healthy by checks made since it was started: a report from
                    // before the fault would say so too early.
                    awaited = $"{target.Id} to run again and be found healthy";
                    while (platform.Instance(target.Id) is not { IsRunning: true, Health: HealthStatus.Healthy, HealthCheckedAt: { } checkedAt } instance
                           || checkedAt < startedAt || instance.ProcessId == target.ProcessId)
                    {
                        await Task.Delay(100, timeout.Token);
                    }

                    // Behind the proxy of several replicas, the orchestrator's check may have reached another one: the
                    // new process itself must answer. Its address is read again each time: the orchestrator may report
                    // the new process before its port.
                    while (platform.Instance(target.Id) is { Address: { } address } now)
                    {
                        var answer = await HealthOfAsync(probe, new Uri(address, "/health"), timeout.Token);
                        if (answer is null)
                        {
                            break;
                        }

                        awaited = $"{target.Id} (process {now.ProcessId}, {now.State}, {now.Health}) to answer {address}health itself; it last answered {answer}";
                        await Task.Delay(100, timeout.Token);
                    }
                }
            }

            awaited = $"every process to be healthy (not yet: {string.Join(", ", platform.NotReady())})";
            await platform.WaitUntilHealthyAsync(timeout.Token);
            var recovered = clock.Elapsed;
            progress.WriteLine($"[faults] {Name}: down after {downAt.TotalSeconds:0.0} s, every process healthy again after {recovered.TotalSeconds:0.0} s");
            return new FaultTiming(Name, What, [.. targets.Select(t => t.Id)], processes, injectedAt, Math.Round(downAt.TotalSeconds, 2),
                Math.Round(recovered.TotalSeconds, 2));
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            throw new TimeoutException($"{Name}: after {clock.Elapsed.TotalMinutes:0} min, still waiting for {awaited}.");
        }
    }

    /// <summary>Null when the process answers its health check with a success; else what it answered, or why it did not.</summary>
    private static async Task<string?> HealthOfAsync(HttpClient probe, Uri health, CancellationToken ct)
    {
        try
        {
            using var response = await probe.GetAsync(health, ct);
            if (response.IsSuccessStatusCode)
            {
                return null;
            }

            var body = await response.Content.ReadAsStringAsync(ct);
            return $"{(int)response.StatusCode} {body[..Math.Min(body.Length, 400)]}";
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            return $"{e.GetType().Name}: {e.Message}";
        }
    }
    /// <summary>
    /// The processes the signal goes to. A project runs under <c>dotnet run</c>, whose child is the service itself: the
    /// service is killed, as a crash would, and <c>dotnet run</c> ends with it. RabbitMQ's script waits on the Erlang VM,
    /// which is the node that shuts down. PostgreSQL and Redis are the orchestrator's process themselves.
    /// </summary>
    private static IReadOnlyList<int> SignalledProcesses(int processId)
    {
        var descendants = Posix.Descendants(processId);
        var named = descendants.Where(pid => Command(pid) is { } command
            && (command.StartsWith("Scop.Aspire", StringComparison.Ordinal) || command == "beam.smp")).ToList();
        return named.Count > 0 ? named : [processId];
    }

    /// <summary>The process's command name, as the kernel keeps it (15 characters at most).</summary>
    private static string? Command(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/comm").Trim();
        }
        catch (IOException)
        {
            return null;
        }
    }
}

/// <summary>When a fault was done, to which processes, and how long the platform took to be whole again.</summary>
public sealed record FaultTiming(string Fault, string What, IReadOnlyList<string> ResourceIds, IReadOnlyList<int> ProcessIds,
    DateTimeOffset InjectedAt, double DownAfterSeconds, double RecoveredAfterSeconds);
