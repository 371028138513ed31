using System.Diagnostics;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Scop.Aspire.Bench.Platform;
using Scop.Aspire.LocalServers;
using Scop.Aspire.ServiceDefaults;

namespace Scop.Aspire.Bench.Faults;

/// <summary>
/// One fault done to a process of the platform, and its end: the process is signalled (or stopped), left down for a
/// while if the fault says so, started again through the orchestrator, and the fault is over once every process of
/// the platform is running and healthy again. Only processes of the <see cref="HostedPlatform"/> given are touched,
/// found by the process ids its orchestrator reports.
/// </summary>
public sealed record Fault(string Name, string Resource, string What, int Signal, TimeSpan Down)
{
    /// <summary>A service or the gateway: the process of one replica killed outright.</summary>
    public static Fault Kill(string project, int replica) =>
        new($"kill {project} #{replica + 1}", project, $"SIGKILL to {project}'s process (replica {replica + 1})", Posix.SIGKILL, TimeSpan.Zero)
        { Replica = replica };

    /// <summary>RabbitMQ stopped as an operator stops it (SIGTERM: the node shuts down), then started again.</summary>
    public static Fault StopBroker(TimeSpan down) =>
        new("stop rabbitmq", ResourceNames.RabbitMq, $"RabbitMQ stopped (SIGTERM), started again {down.TotalSeconds:0} s later",
            Posix.SIGTERM, down);

    /// <summary>PostgreSQL restarted: a fast shutdown (SIGINT: every session cut, open transactions rolled back), then a start.</summary>
    public static Fault RestartDatabase() =>
        new("restart postgres", ResourceNames.Postgres, "PostgreSQL fast shutdown (SIGINT) and start", Posix.SIGINT, TimeSpan.Zero);

    /// <summary>Redis killed outright and started again (its rate-limit buckets and caches are lost with it).</summary>
    public static Fault RestartRedis() =>
        new("restart redis", ResourceNames.Redis, "SIGKILL to Redis, then a start", Posix.SIGKILL, TimeSpan.Zero);

    public int Replica { get; init; }

    /// <summary>The faults of one run, in order: each service and the gateway, then the broker, the database, Redis.</summary>
    public static IReadOnlyList<Fault> Sequence(IReadOnlyList<string> projects, int replicas, bool everyReplica, TimeSpan brokerDown)
    {
        var faults = new List<Fault>();
        foreach (var project in projects)
        {
            for (var replica = 0; replica < (everyReplica ? replicas : 1); replica++)
            {
                faults.Add(Kill(project, replica));
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
        var running = platform.Instances(Resource).Where(i => i.IsRunning && i.ProcessId is not null).ToList();
        if (running.Count <= Replica)
        {
            throw new InvalidOperationException($"{Name}: {Resource} has {running.Count} running processes.");
        }

        var target = running[Replica];
        var processes = Targets(target.ProcessId!.Value);
        var injectedAt = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        foreach (var pid in processes)
        {
            Posix.SendSignal(pid, Signal);
        }

        progress.WriteLine($"[faults] {Name}: signal {Signal} to process {string.Join(", ", processes)} ({target.Id})");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromMinutes(4));
        while (platform.Instance(target.Id).IsRunning || processes.Any(Posix.IsAlive))
        {
            await Task.Delay(100, timeout.Token);
        }

        var downAt = clock.Elapsed;
        if (Down > TimeSpan.Zero)
        {
            await Task.Delay(Down, timeout.Token);
        }

        var startedAt = DateTime.UtcNow;
        await platform.ExecuteAsync(target.Id, KnownResourceCommands.StartCommand, timeout.Token);
        // A new process, running, and found healthy by checks made since it was started: a report from before the
        // fault would say so too early.
        while (platform.Instance(target.Id) is not { IsRunning: true, Health: HealthStatus.Healthy, HealthCheckedAt: { } checkedAt } instance
               || checkedAt < startedAt || instance.ProcessId == target.ProcessId)
        {
            await Task.Delay(100, timeout.Token);
        }

        // Behind the proxy of several replicas, the orchestrator's check may have reached another one: the new process
        // itself must answer.
        if (platform.Instance(target.Id).Address is { } address)
        {
            using var probe = new HttpClient { Timeout = TimeSpan.FromSeconds(3) };
            while (!await AnswersAsync(probe, new Uri(address, "/health"), timeout.Token))
            {
                await Task.Delay(100, timeout.Token);
            }
        }

        await platform.WaitUntilHealthyAsync(timeout.Token);
        var recovered = clock.Elapsed;
        progress.WriteLine($"[faults] {Name}: down after {downAt.TotalSeconds:0.0} s, every process healthy again after {recovered.TotalSeconds:0.0} s");
        return new FaultTiming(Name, What, target.Id, processes, injectedAt, Math.Round(downAt.TotalSeconds, 2),
            Math.Round(recovered.TotalSeconds, 2));
    }

    private static async Task<bool> AnswersAsync(HttpClient probe, Uri health, CancellationToken ct)
    {
        try
        {
            using var response = await probe.GetAsync(health, ct);
            return response.IsSuccessStatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>
    /// The processes the signal goes to. A project runs under <c>dotnet run</c>, whose child is the service itself: the
    /// service is killed, as a crash would, and <c>dotnet run</c> ends with it. RabbitMQ's script waits on the Erlang VM,
    /// which is the node that shuts down. PostgreSQL and Redis are the orchestrator's process themselves.
    /// </summary>
    private IReadOnlyList<int> Targets(int processId)
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
public sealed record FaultTiming(string Fault, string What, string ResourceId, IReadOnlyList<int> ProcessIds,
    DateTimeOffset InjectedAt, double DownAfterSeconds, double RecoveredAfterSeconds);
