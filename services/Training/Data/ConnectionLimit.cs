using Npgsql;

namespace Scop.Aspire.Training.Data;

/// <summary>
/// PostgreSQL's connections (<c>max_connections</c>) are shared by every service of the platform, and Npgsql's pool
/// would take up to 100 of them for one service. Training keeps at most <see cref="TrainingOptions.MaxDatabaseConnections"/>:
/// a burst of bookings then waits in the service's pool for a connection, instead of asking the server for more than
/// it has left and answering 500 with "53300: sorry, too many clients already".
/// </summary>
public static class ConnectionLimit
{
    /// <summary>Lowers the pool size of the connection string <paramref name="connectionName"/>; a lower one is kept.</summary>
    public static IHostApplicationBuilder LimitDatabaseConnections(this IHostApplicationBuilder builder, string connectionName,
        int maxConnections)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConnections, 2); // the relay's listener keeps one
        var key = $"ConnectionStrings:{connectionName}";
        if (builder.Configuration[key] is not { Length: > 0 } connectionString)
        {
            return builder; // the database set-up names what is missing
        }

        var settings = new NpgsqlConnectionStringBuilder(connectionString);
        if (settings.MaxPoolSize > maxConnections)
        {
            settings.MaxPoolSize = maxConnections;
            settings.MinPoolSize = Math.Min(settings.MinPoolSize, maxConnections);
            builder.Configuration[key] = settings.ConnectionString;
        }

        return builder;
    }
}
