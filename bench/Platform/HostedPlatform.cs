using System.Collections.Concurrent;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Scop.Aspire.AppHost.Infrastructure;
using Scop.Aspire.ServiceDefaults;

namespace Scop.Aspire.Bench.Platform;

/// <summary>How <see cref="HostedPlatform"/> starts the AppHost.</summary>
public sealed record PlatformOptions
{
    /// <summary><c>Scop:Replicas</c>: processes per service and for the gateway.</summary>
    public int Replicas { get; init; } = 1;

    /// <summary>Where the servers and services keep their files; a new temporary folder (deleted afterwards) when null.</summary>
    public string? DataRoot { get; init; }

    /// <summary>More AppHost settings, as <c>--Key=value</c>.</summary>
    public IReadOnlyList<string> Arguments { get; init; } = [];

    /// <summary>Changes to the model before it is built (a service's environment, say).</summary>
    public Action<IDistributedApplicationTestingBuilder>? Configure { get; init; }

    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromMinutes(10);
}

/// <summary>
/// The whole platform as the AppHost describes it — local PostgreSQL, RabbitMQ and Redis, the services and the
/// gateway — started by this process on free ports, beside whatever else runs on the machine. It follows every
/// process the orchestrator starts (each replica's state, health and process id), and can stop and start each one:
/// the end-to-end tests and the <c>faults</c> scenario act on the processes of this platform only.
/// </summary>
public sealed class HostedPlatform : IAsyncDisposable
{
    private readonly DistributedApplication app;
    private readonly bool ownsDataRoot;
    private readonly ConcurrentDictionary<string, ResourceEvent> latest = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource watching = new();
    private readonly Task watcher;

    private HostedPlatform(DistributedApplication app, PlatformOptions options, string dataRoot, bool ownsDataRoot)
    {
        this.app = app;
        this.ownsDataRoot = ownsDataRoot;
        Options = options;
        DataRoot = dataRoot;
        var notifications = app.Services.GetRequiredService<ResourceNotificationService>();
        watcher = Task.Run(async () =>
        {
            try
            {
                await foreach (var change in notifications.WatchAsync(watching.Token))
                {
                    latest[change.ResourceId] = change;
                }
            }
            catch (OperationCanceledException)
            {
            }
        });
    }

    public PlatformOptions Options { get; }

    public DistributedApplication App => app;

    public string DataRoot { get; }

    /// <summary>The gateway's address, the one clients use (its port is also the tokens' issuer).</summary>
    public Uri GatewayAddress { get; private set; } = null!;

    /// <summary>The services and the gateway: every project of the AppHost.</summary>
    public IReadOnlyList<string> Projects => app.Services.GetRequiredService<DistributedApplicationModel>().Resources
        .OfType<ProjectResource>().Select(p => p.Name).Order(StringComparer.Ordinal).ToList();

    public static async Task<HostedPlatform> StartAsync(PlatformOptions options, CancellationToken ct)
    {
        var ownsDataRoot = options.DataRoot is null;
        var dataRoot = options.DataRoot ?? Path.Combine(Path.GetTempPath(), "scop-platform", Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dataRoot);
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Scop_Aspire_AppHost>(
        [
            "--Scop:Infrastructure=local",
            $"--Scop:DataRoot={dataRoot}",
            $"--Scop:Replicas={options.Replicas}",
            .. LocalInfrastructureSettings.OnFreePorts,
            // The gateway's port is part of the tokens' issuer: keep the one the AppHost chose.
            "--DcpPublisher:RandomizePorts=false",
            $"--Scop:RabbitMqNodeName=p{Guid.NewGuid():N}"[..48] + "@localhost",
            .. options.Arguments,
        ], ct);
        // Warnings and errors only, the processes' own console output included (their errors still show). Failed health
        // checks are not logged: a process starting, or stopped on purpose, fails them, and what is not ready says so
        // in the error of WaitUntilHealthyAsync.
        builder.Services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning)
            .AddFilter("Scop.Aspire.AppHost", LogLevel.Warning)
            .AddFilter("Microsoft.Extensions.Diagnostics.HealthChecks", LogLevel.None));
        builder.Configuration["DcpPublisher:RandomizePorts"] = "false"; // the testing builder turns it on
        options.Configure?.Invoke(builder);

        var app = await builder.BuildAsync(ct);
        var platform = new HostedPlatform(app, options, dataRoot, ownsDataRoot);
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(options.StartTimeout);
            await app.StartAsync(timeout.Token);
            await platform.WaitUntilHealthyAsync(timeout.Token);
            using var gateway = app.CreateHttpClient(ResourceNames.Gateway);
            platform.GatewayAddress = gateway.BaseAddress!;
            return platform;
        }
        catch
        {
            await platform.DisposeAsync();
            throw;
        }
    }

    /// <summary>A client of the gateway, as clients reach it.</summary>
    public HttpClient CreateGatewayClient(HttpMessageHandler? handler = null) =>
        new(handler ?? new SocketsHttpHandler()) { BaseAddress = GatewayAddress };

    public async Task<string> ConnectionStringAsync(string resource, CancellationToken ct = default) =>
        await app.GetConnectionStringAsync(resource, ct)
        ?? throw new InvalidOperationException($"No connection string for {resource}");

    /// <summary>Every process the orchestrator runs for <paramref name="resource"/> (one per replica), as last reported.</summary>
    public IReadOnlyList<ResourceInstance> Instances(string resource) => latest.Values
        .Where(e => e.Resource.Name == resource)
        .Select(Of)
        .OrderBy(i => i.Id, StringComparer.Ordinal)
        .ToList();

    public ResourceInstance Instance(string resourceId) =>
        latest.TryGetValue(resourceId, out var e) ? Of(e) : throw new InvalidOperationException($"No resource {resourceId}");

    private static ResourceInstance Of(ResourceEvent e) =>
        new(e.ResourceId, e.Resource.Name, e.Snapshot.State?.Text, e.Snapshot.HealthStatus, ProcessId(e.Snapshot), Address(e.Snapshot),
            e.Snapshot.HealthReports.Length == 0 || e.Snapshot.HealthReports.Any(r => r.LastRunAt is null)
                ? null
                : e.Snapshot.HealthReports.Min(r => r.LastRunAt));

    /// <summary>For each resource named, the resources it waits for before it starts (the AppHost's <c>WaitFor</c>).</summary>
    public IReadOnlyDictionary<string, IReadOnlySet<string>> WaitsOf(IEnumerable<string> resources)
    {
        var model = app.Services.GetRequiredService<DistributedApplicationModel>().Resources;
        return resources.Distinct(StringComparer.Ordinal).ToDictionary(name => name, IReadOnlySet<string> (name) =>
            model.Single(r => r.Name == name).Annotations.OfType<WaitAnnotation>().Select(w => w.Resource.Name).ToHashSet(StringComparer.Ordinal),
            StringComparer.Ordinal);
    }

    /// <summary>Runs one of the orchestrator's commands (<see cref="KnownResourceCommands"/>) on one process.</summary>
    public async Task ExecuteAsync(string resourceId, string command, CancellationToken ct)
    {
        var result = await app.Services.GetRequiredService<ResourceCommandService>().ExecuteCommandAsync(resourceId, command, ct);
        if (!result.Success)
        {
            throw new InvalidOperationException($"'{command}' on {resourceId} failed: {result.Message}");
        }
    }

    /// <summary>
    /// Waits until every process of every resource runs and is healthy: each project with all its replicas.
    /// </summary>
    public async Task WaitUntilHealthyAsync(CancellationToken ct)
    {
        while (!IsHealthy())
        {
            try
            {
                await Task.Delay(250, ct);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException("Not every process of the platform became healthy: " + string.Join("; ",
                    NotReady().Select(r => $"{r} [{string.Join(", ", Instances(r).Select(i => $"{i.Id} {i.State} {i.Health}"))}]")));
            }
        }
    }

    /// <summary>True when every process of the platform runs and passes its health checks, each project with all its replicas.</summary>
    public bool IsHealthy() => NotReady().Count == 0;

    /// <summary>The resources some process of which is not running, or not healthy.</summary>
    public IReadOnlyList<string> NotReady() => app.Services.GetRequiredService<DistributedApplicationModel>().Resources
        .Where(IsProcess)
        .Where(r => Instances(r.Name).Count(i => i.IsRunning
                && (i.Health == HealthStatus.Healthy || !r.Annotations.OfType<HealthCheckAnnotation>().Any()))
            < (r is ProjectResource ? Options.Replicas : 1))
        .Select(r => r.Name)
        .ToList();

    /// <summary>
    /// The services, the gateway and the servers — not the orchestrator's helpers that never start by themselves (each
    /// project's "rebuilder", for one): the servers are the executables with health checks.
    /// </summary>
    private static bool IsProcess(IResource resource) =>
        resource is ProjectResource || (resource is ExecutableResource && resource.Annotations.OfType<HealthCheckAnnotation>().Any());

    private static int? ProcessId(CustomResourceSnapshot snapshot) =>
        snapshot.Properties.FirstOrDefault(p => p.Name == "executable.pid")?.Value switch
        {
            int pid => pid,
            long pid => (int)pid,
            string text when int.TryParse(text, out var pid) => pid,
            _ => null,
        };

    /// <summary>Where a project's process itself listens (each replica on a port of its own, behind the proxy).</summary>
    private static Uri? Address(CustomResourceSnapshot snapshot) =>
        snapshot.EnvironmentVariables.FirstOrDefault(v => v.Name == "ASPNETCORE_URLS")?.Value is { Length: > 0 } urls
        && Uri.TryCreate(urls.Split(';')[0].Replace("+", "localhost").Replace("*", "localhost"), UriKind.Absolute, out var uri)
            ? uri
            : null;

    public async ValueTask DisposeAsync()
    {
        try
        {
            await app.StopAsync();
        }
        catch (Exception exception) when (exception is OperationCanceledException or InvalidOperationException)
        {
            // Stopping a platform that did not start.
        }

        await app.DisposeAsync();
        await watching.CancelAsync();
        await watcher;
        watching.Dispose();
        if (ownsDataRoot)
        {
            try
            {
                Directory.Delete(DataRoot, recursive: true);
            }
            catch (IOException)
            {
                // A server may still be releasing a file; the folder is in the temporary area anyway.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }
}

/// <summary>One process of a resource as the orchestrator last reported it.</summary>
/// <param name="HealthCheckedAt">When the oldest of its latest health reports was made (null before every check has run).</param>
public sealed record ResourceInstance(string Id, string Resource, string? State, HealthStatus? Health, int? ProcessId, Uri? Address,
    DateTime? HealthCheckedAt)
{
    public bool IsRunning => State == KnownResourceStates.Running;
}
