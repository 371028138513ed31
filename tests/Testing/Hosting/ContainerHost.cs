using DotNet.Testcontainers.Containers;

namespace Scop.Aspire.Testing.Hosting;

/// <summary>
/// A server run as a container whose host port is fixed (chosen with FreePorts), so a stop and a start of the
/// same container keep both the port and the data.
/// </summary>
internal sealed class ContainerHost(string name, FixtureLog log, IContainer container, int hostPort) : IServerHost
{
    public string Host => container.Hostname;

    public int Port => hostPort;

    public string? FailureReason => container.State is TestcontainersStates.Exited or TestcontainersStates.Dead
        ? $"{name} container is {container.State}"
        : null;

    private DateTime startedAt;

    public async Task StartAsync(CancellationToken ct)
    {
        startedAt = DateTime.UtcNow;
        log.Info($"starting {name} container {container.Image.FullName} on host port {hostPort}");
        await container.StartAsync(ct);
        log.Info($"{name} container {container.Id} started");
    }

    public async Task StopAsync(CancellationToken ct)
    {
        log.Info($"stopping {name} container {container.Id}");
        await container.StopAsync(ct);
        await AppendContainerLogsAsync();
    }

    public async ValueTask DisposeAsync()
    {
        log.Info($"removing {name} container");
        await container.DisposeAsync();
    }

    /// <summary>Copies what the container printed since its last start into the fixture log.</summary>
    public async Task AppendContainerLogsAsync()
    {
        try
        {
            var (stdout, stderr) = await container.GetLogsAsync(since: startedAt, timestampsEnabled: false);
            foreach (var line in (stdout + stderr).Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                log.Output(name, line);
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            log.Info($"could not read the container's logs: {e.Message}");
        }
    }
}
