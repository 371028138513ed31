using System.Diagnostics.CodeAnalysis;
using Scop.Aspire.LocalServers;

namespace Scop.Aspire.AppHost.Infrastructure;

/// <summary>A setting or a missing server that keeps the infrastructure from being set up; the message says what to do.</summary>
public sealed class InfrastructureSetupException(string message) : Exception(message);

public static class InfrastructureSetup
{
    /// <summary>
    /// Adds PostgreSQL (with one database per service), RabbitMQ and Redis in the mode the configuration selects.
    /// Returns false with a message for the user when it cannot (e.g. a server is not installed).
    /// </summary>
    public static bool TryAdd(
        IDistributedApplicationBuilder builder,
        [NotNullWhen(true)] out InfrastructureResources? resources,
        [NotNullWhen(false)] out string? problem)
    {
        try
        {
            resources = InfrastructureModeSelector.Select(builder.Configuration) switch
            {
                InfrastructureMode.Containers => ContainerInfrastructure.Add(builder),
                _ => LocalInfrastructure.Add(builder, LocalInfrastructureSettings.From(builder)),
            };
            problem = null;
            return true;
        }
        catch (Exception e) when (e is MissingServerException or InfrastructureSetupException)
        {
            resources = null;
            problem = e.Message;
            return false;
        }
    }
}
