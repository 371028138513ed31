using Microsoft.Extensions.Configuration;

namespace Scop.Aspire.AppHost;

internal static class DashboardStorage
{
    /// <summary>Where the dashboard's telemetry goes on Linux: a file system in memory.</summary>
    private const string MemoryDirectory = "/dev/shm";

    /// <summary>Below this much free room (a container's /dev/shm is often 64 MB), the dashboard keeps its default.</summary>
    private const long RoomNeeded = 1L << 30;

    private const string DashboardResourceName = "aspire-dashboard";
    private const string PersistenceModeVariable = "ASPIRE_DASHBOARD_PERSISTENCE_MODE";

    /// <summary>
    /// Keeps the dashboard's telemetry of this run in memory, as dashboards before Aspire 13.6 did. Since 13.6 the
    /// dashboard writes every span, log and metric point it receives into SQLite, and by default keeps the last ten
    /// runs on disk under <c>~/.aspire</c>. Under load (the training bench) that was 14 MB and 7,800 writes a second,
    /// on the disk where PostgreSQL flushes its WAL at every commit. In memory, the telemetry of one run is kept, and
    /// dropped when the dashboard stops. An <c>ASPIRE_DASHBOARD_PERSISTENCE_MODE</c> set by the user (say <c>Run</c>,
    /// to keep runs) is left as it is.
    /// </summary>
    public static IDistributedApplicationBuilder KeepDashboardTelemetryInMemory(this IDistributedApplicationBuilder builder)
    {
        if (!string.IsNullOrEmpty(builder.Configuration[PersistenceModeVariable])
            || !string.IsNullOrEmpty(builder.Configuration["Aspire:Dashboard:PersistenceMode"])
            || !HasRoomInMemory())
        {
            return builder;
        }

        // The dashboard resource only exists once the application starts; its environment is read after this event.
        builder.Eventing.Subscribe<BeforeResourceStartedEvent>((starting, _) =>
        {
            if (starting.Resource.Name == DashboardResourceName)
            {
                starting.Resource.Annotations.Add(new EnvironmentCallbackAnnotation(environment =>
                {
                    // "None": one database for this dashboard process, in a new temporary folder, deleted when it stops.
                    environment[PersistenceModeVariable] = "None";
                    environment["TMPDIR"] = MemoryDirectory;
                }));
            }

            return Task.CompletedTask;
        });
        return builder;
    }

    private static bool HasRoomInMemory()
    {
        try
        {
            return OperatingSystem.IsLinux() && Directory.Exists(MemoryDirectory)
                && new DriveInfo(MemoryDirectory).AvailableFreeSpace >= RoomNeeded;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
