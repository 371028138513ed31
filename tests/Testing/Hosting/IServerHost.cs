namespace Scop.Aspire.Testing.Hosting;

/// <summary>Runs one server, either as local processes or as a container. Readiness is the fixture's business.</summary>
internal interface IServerHost : IAsyncDisposable
{
    /// <summary>Where clients connect (the port stays the same across restarts).</summary>
    string Host { get; }

    int Port { get; }

    Task StartAsync(CancellationToken ct);

    /// <summary>Graceful stop; returns once the server is gone. Its data is kept.</summary>
    Task StopAsync(CancellationToken ct);

    /// <summary>Null while the server may still come up; else why it will not (e.g. it exited).</summary>
    string? FailureReason { get; }
}
