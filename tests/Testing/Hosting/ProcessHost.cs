using Scop.Aspire.LocalServers;

namespace Scop.Aspire.Testing.Hosting;

/// <summary>A server run as a local process; <paramref name="prepare"/> runs before every start (it must be idempotent).</summary>
internal sealed class ProcessHost(
    string name,
    FixtureLog log,
    int port,
    Func<LocalServerCommand> command,
    int stopSignal,
    Action? prepare = null) : IServerHost
{
    private readonly ServerProcess server = new(name, log, stopSignal);

    public string Host => "127.0.0.1";

    public int Port => port;

    public string? FailureReason => server.ExitDescription;

    public Task StartAsync(CancellationToken ct)
    {
        if (prepare is not null)
        {
            log.Info($"preparing {name}");
            prepare();
        }

        server.Start(command());
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken ct) => server.StopAsync(ct);

    public async ValueTask DisposeAsync()
    {
        if (!server.HasExited)
        {
            using var timeout = new CancellationTokenSource(ServerProcess.GracePeriod + TimeSpan.FromSeconds(15));
            try
            {
                await server.StopAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
            }
        }

        server.Kill();
    }
}
