using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace Scop.Aspire.ServiceDefaults.Data;

/// <summary>
/// Held by one replica of a service at a time, for the work every replica would otherwise do at once when they start
/// together: migrations, seeding. A PostgreSQL session advisory lock in the service's database, on a connection of its
/// own: released on dispose, and by the server when the process holding it dies.
/// </summary>
public sealed class ReplicaLock : IAsyncDisposable
{
    private readonly NpgsqlDataSource dataSource;
    private readonly NpgsqlConnection connection;
    private readonly long key;

    private ReplicaLock(NpgsqlDataSource dataSource, NpgsqlConnection connection, long key)
    {
        this.dataSource = dataSource;
        this.connection = connection;
        this.key = key;
    }

    /// <summary>Waits until no other replica holds the lock named <paramref name="name"/>, then holds it.</summary>
    public static async Task<ReplicaLock> AcquireAsync(NpgsqlDataSource dataSource, string name, CancellationToken ct)
    {
        var key = BinaryPrimitives.ReadInt64BigEndian(SHA256.HashData(Encoding.UTF8.GetBytes("scop:" + name)));
        var connection = await dataSource.OpenConnectionAsync(ct);
        try
        {
            // As long as the replica holding it needs: a first start's seeding hashes passwords for a minute or more on a
            // busy machine. Only the caller's cancellation ends the wait.
            await using var command = new NpgsqlCommand("SELECT pg_advisory_lock(@key)", connection) { CommandTimeout = 0 };
            command.Parameters.AddWithValue("key", key);
            await command.ExecuteNonQueryAsync(ct);
            return new ReplicaLock(dataSource, connection, key);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await using var command = new NpgsqlCommand("SELECT pg_advisory_unlock(@key)", connection);
            command.Parameters.AddWithValue("key", key);
            await command.ExecuteNonQueryAsync();
        }
        catch (Exception exception) when (exception is NpgsqlException or InvalidOperationException)
        {
            // Pooled connections are not reset on return (ServiceDatabase): one that may still hold the lock must not
            // go back to the pool. Clearing it closes the idle ones, this one as it is returned.
            dataSource.Clear();
        }
        finally
        {
            await connection.DisposeAsync();
        }
    }
}
