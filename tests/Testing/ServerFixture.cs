using System.Diagnostics;
using System.Globalization;
using Scop.Aspire.LocalServers;
using Scop.Aspire.Testing.Hosting;

namespace Scop.Aspire.Testing;

/// <summary>
/// What every server fixture shares: a folder of its own (under the temp folder, scop-tests/&lt;guid&gt;) with its log,
/// start-and-wait-until-ready, graceful stop-and-wait-until-the-port-closes, restart, and clean disposal.
/// </summary>
public abstract class ServerFixture : IServerFixture
{
    private readonly SemaphoreSlim gate = new(1, 1);
    private IServerHost? host;
    private bool disposed;

    private protected ServerFixture(string name)
    {
        Name = name;
        Directory = CreateFolder(name);
        Log = new FixtureLog(Path.Combine(Directory, "fixture.log"), name);
        Log.Info($"{name} fixture in {Directory}, infrastructure mode: {TestInfrastructure.Mode}");
    }

    public string Name { get; }

    /// <summary>This fixture's own folder: its log, and its server's data in local mode. Deleted on dispose.</summary>
    public string Directory { get; }

    public FixtureLog Log { get; }

    public abstract string ConnectionString { get; }

    public bool IsRunning { get; private set; }

    /// <summary>How long a start may take before it counts as failed.</summary>
    protected virtual TimeSpan StartTimeout => TimeSpan.FromSeconds(30);

    private protected IServerHost Host => host ??= CreateHost();

    public Task InitializeAsync() => StartAsync();

    public async Task StartAsync(CancellationToken ct = default)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        await gate.WaitAsync(ct);
        try
        {
            if (IsRunning)
            {
                return;
            }

            var stopwatch = Stopwatch.StartNew();
            await Host.StartAsync(ct);
            await WaitUntilReadyAsync(stopwatch, ct);
            IsRunning = true;
            Log.Info($"{Name} ready at {Describe()} after {stopwatch.Elapsed.TotalSeconds:0.0} s");
        }
        finally
        {
            gate.Release();
        }
    }

    public async Task StopAsync(CancellationToken ct = default)
    {
        await gate.WaitAsync(ct);
        try
        {
            await StopCoreAsync(ct);
        }
        finally
        {
            gate.Release();
        }
    }

    public async Task RestartAsync(CancellationToken ct = default)
    {
        Log.Info($"restarting {Name}");
        await StopAsync(ct);
        await StartAsync(ct);
    }

    public async Task DisposeAsync()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        await gate.WaitAsync();
        try
        {
            if (host is not null)
            {
                try
                {
                    await StopCoreAsync(CancellationToken.None);
                }
                finally
                {
                    await host.DisposeAsync();
                }
            }

            Log.Info($"{Name} disposed; deleting {Directory}");
            KeepLogIfAsked();
            DeleteFolder(Directory);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Builds the container or local-process host; called once, on first start.</summary>
    private protected abstract IServerHost CreateHost();

    /// <summary>One readiness attempt: a real client connection and a trivial request. Throws when not ready.</summary>
    protected abstract Task ProbeAsync(CancellationToken ct);

    /// <summary>Drops pooled client connections after the server went away (override where a client pools).</summary>
    protected virtual void OnStopped()
    {
    }

    private string Describe() => $"{Host.Host}:{Host.Port.ToString(CultureInfo.InvariantCulture)}";

    private async Task StopCoreAsync(CancellationToken ct)
    {
        if (host is null || !IsRunning)
        {
            return;
        }

        var stopwatch = Stopwatch.StartNew();
        Log.Info($"stopping {Name}");
        await host.StopAsync(ct);
        IsRunning = false;
        OnStopped();

        while (FreePorts.IsListening(host.Port, host.Host))
        {
            if (stopwatch.Elapsed > TimeSpan.FromSeconds(30))
            {
                throw new InvalidOperationException($"{Name} stopped but {Describe()} still accepts connections. Log {Log.Path}:{Environment.NewLine}{Log.Tail()}");
            }

            await Task.Delay(100, ct);
        }

        Log.Info($"{Name} stopped, port closed, after {stopwatch.Elapsed.TotalSeconds:0.0} s");
    }

    private async Task WaitUntilReadyAsync(Stopwatch stopwatch, CancellationToken ct)
    {
        Exception? last = null;
        var attempts = 0;
        while (stopwatch.Elapsed < StartTimeout)
        {
            ct.ThrowIfCancellationRequested();
            if (Host.FailureReason is { } failure)
            {
                await FailAsync($"{Name} did not start: {failure}.", last);
            }

            attempts++;
            using var attempt = CancellationTokenSource.CreateLinkedTokenSource(ct);
            attempt.CancelAfter(TimeSpan.FromSeconds(5));
            try
            {
                await ProbeAsync(attempt.Token);
                Log.Info($"{Name} answered after {attempts} attempt(s)");
                return;
            }
            catch (Exception e) when (e is not OutOfMemoryException && !ct.IsCancellationRequested)
            {
                last = e;
            }

            await Task.Delay(attempts < 20 ? 100 : 250, ct);
        }

        await FailAsync($"{Name} did not accept client connections at {Describe()} within {StartTimeout.TotalSeconds:0} s.", last);
    }

    private async Task FailAsync(string message, Exception? last)
    {
        Log.Info(message + (last is null ? "" : $" Last error: {last.GetType().Name}: {last.Message}"));
        if (Host is ContainerHost container)
        {
            await container.AppendContainerLogsAsync();
        }

        // Leave nothing running behind a failed start.
        try
        {
            await Host.StopAsync(CancellationToken.None);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Log.Info($"stopping after the failed start failed too: {e.Message}");
        }

        throw new InvalidOperationException(
            $"{message}{Environment.NewLine}Last 40 lines of {Log.Path}:{Environment.NewLine}{Log.Tail(40)}",
            last);
    }

    /// <summary>SCOP_TEST_KEEP_LOGS=1 keeps each fixture's log in scop-tests/logs after its folder is deleted.</summary>
    private void KeepLogIfAsked()
    {
        if (Environment.GetEnvironmentVariable("SCOP_TEST_KEEP_LOGS") is not ("1" or "true") || !File.Exists(Log.Path))
        {
            return;
        }

        var logs = Path.Combine(Path.GetTempPath(), "scop-tests", "logs");
        System.IO.Directory.CreateDirectory(logs);
        File.Copy(Log.Path, Path.Combine(logs, Path.GetFileName(Directory) + ".log"), overwrite: true);
    }

    private static string CreateFolder(string name)
    {
        var parent = Path.Combine(Path.GetTempPath(), "scop-tests");
        System.IO.Directory.CreateDirectory(parent);
        var folder = Path.Combine(parent, $"{name}-{Guid.NewGuid():N}");
        System.IO.Directory.CreateDirectory(folder);
        if (!OperatingSystem.IsWindows())
        {
            // The postgres account (PostgreSQL refuses root) must traverse these folders.
            const UnixFileMode traversable = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
                                             UnixFileMode.GroupRead | UnixFileMode.GroupExecute |
                                             UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
            TrySetMode(parent, traversable);
            TrySetMode(folder, traversable);
        }

        return folder;
    }

    private static void TrySetMode(string path, UnixFileMode mode)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        try
        {
            File.SetUnixFileMode(path, mode);
        }
        catch (UnauthorizedAccessException)
        {
            // someone else's folder: it is what it is
        }
    }

    private static void DeleteFolder(string folder)
    {
        for (var attempt = 0; attempt < 5; attempt++)
        {
            try
            {
                if (System.IO.Directory.Exists(folder))
                {
                    System.IO.Directory.Delete(folder, recursive: true);
                }

                return;
            }
            catch (IOException) when (attempt < 4)
            {
                Thread.Sleep(200);
            }
            catch (UnauthorizedAccessException) when (attempt < 4)
            {
                Thread.Sleep(200);
            }
        }
    }
}
