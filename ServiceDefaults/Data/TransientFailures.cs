using System.Net.Sockets;
using Npgsql;
using StackExchange.Redis;

namespace Scop.Aspire.ServiceDefaults.Data;

/// <summary>
/// Failures that say a server the service needs is away for a moment — PostgreSQL restarting or refusing connections,
/// Redis gone, a connection cut — rather than that the work itself is wrong. The same work succeeds once the server is
/// back: a request is answered 503 (try again) instead of 500, and a message is retried until then instead of going
/// to its <c>_error</c> queue.
/// </summary>
public static class TransientFailures
{
    public static bool IsTransient(Exception exception)
    {
        for (Exception? current = exception; current is not null; current = current.InnerException)
        {
            switch (current)
            {
                case PostgresException postgres when IsTransient(postgres.SqlState):
                case NpgsqlException { IsTransient: true }:
                case NpgsqlException { InnerException: SocketException or IOException or TimeoutException }:
                case RedisConnectionException:
                case RedisTimeoutException:
                case SocketException:
                    return true;
                case AggregateException aggregate when aggregate.InnerExceptions.Any(IsTransient):
                    return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Connection errors (08), too many connections or other resources (53), the server shutting down, crashed or not
    /// yet accepting connections (57P01–57P03), and the transactions PostgreSQL itself asks to retry (40001, 40P01).
    /// </summary>
    private static bool IsTransient(string sqlState) =>
        sqlState.StartsWith("08", StringComparison.Ordinal)
        || sqlState.StartsWith("53", StringComparison.Ordinal)
        || sqlState is PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown or PostgresErrorCodes.CannotConnectNow
            or PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected;
}
