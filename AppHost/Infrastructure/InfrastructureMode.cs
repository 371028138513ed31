using System.ComponentModel;
using System.Diagnostics;
using Microsoft.Extensions.Configuration;

namespace Scop.Aspire.AppHost.Infrastructure;

public enum InfrastructureMode
{
    /// <summary>Aspire's PostgreSQL, RabbitMQ and Redis containers, with persistent volumes.</summary>
    Containers,

    /// <summary>The servers installed on this machine, started by the AppHost on development ports.</summary>
    Local,
}

/// <summary>Decides how the infrastructure runs, from <c>Scop:Infrastructure</c>: <c>auto</c> (default), <c>containers</c> or <c>local</c>.</summary>
public static class InfrastructureModeSelector
{
    public const string ConfigurationKey = "Scop:Infrastructure";

    private static readonly TimeSpan ContainerRuntimeTimeout = TimeSpan.FromSeconds(5);

    public static InfrastructureMode Select(IConfiguration configuration)
    {
        var configured = configuration[ConfigurationKey];
        return configured?.Trim().ToLowerInvariant() switch
        {
            null or "" or "auto" => ContainerRuntimeAnswers(ContainerRuntime(configuration)) ? InfrastructureMode.Containers : InfrastructureMode.Local,
            "containers" => InfrastructureMode.Containers,
            "local" => InfrastructureMode.Local,
            _ => throw new InfrastructureSetupException(
                $"{ConfigurationKey} is '{configured}'; it must be 'auto', 'containers' or 'local'."),
        };
    }

    /// <summary>The container CLI Aspire itself would use (docker unless ASPIRE_CONTAINER_RUNTIME names another).</summary>
    private static string ContainerRuntime(IConfiguration configuration) =>
        configuration["ASPIRE_CONTAINER_RUNTIME"] ?? configuration["DOTNET_ASPIRE_CONTAINER_RUNTIME"] ?? "docker";

    /// <summary>True when <c>&lt;runtime&gt; info</c> succeeds quickly, i.e. a container engine is there to run containers.</summary>
    public static bool ContainerRuntimeAnswers(string runtime)
    {
        var start = new ProcessStartInfo(runtime, "info")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };

        try
        {
            using var process = Process.Start(start);
            if (process is null)
            {
                return false;
            }

            // Drain the output so a chatty CLI cannot block on a full pipe.
            _ = process.StandardOutput.ReadToEndAsync();
            _ = process.StandardError.ReadToEndAsync();

            if (!process.WaitForExit(ContainerRuntimeTimeout))
            {
                process.Kill(entireProcessTree: true);
                return false;
            }

            return process.ExitCode == 0;
        }
        catch (Win32Exception)
        {
            // The CLI is not installed.
            return false;
        }
    }
}
