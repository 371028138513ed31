using Xunit;

namespace Scop.Aspire.Testing;

/// <summary>
/// A real server for tests: a container where a Docker engine answers, else the machine's installed server as a
/// local process (see <see cref="TestInfrastructure"/>). <see cref="IAsyncLifetime.InitializeAsync"/> starts it and
/// waits until it accepts client connections; <see cref="IAsyncLifetime.DisposeAsync"/> stops it and deletes its data.
/// </summary>
public interface IServerFixture : IAsyncLifetime
{
    /// <summary>How a client reaches the server; the same for the fixture's whole life (restarts included).</summary>
    string ConnectionString { get; }

    bool IsRunning { get; }

    /// <summary>Starts the server (again) and waits until it accepts client connections.</summary>
    Task StartAsync(CancellationToken ct = default);

    /// <summary>Stops the server gracefully and waits until its port is closed; its data is kept.</summary>
    Task StopAsync(CancellationToken ct = default);

    /// <summary>Stops then starts the server: same port, same data.</summary>
    Task RestartAsync(CancellationToken ct = default);
}
