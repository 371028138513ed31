using Npgsql;

namespace Scop.Aspire.Bench;

/// <summary>
/// How much of a service's table is demo data (read-only, in the service's own database of the system under test): the
/// figures of a scenario on demo data mean little on an almost empty table.
/// </summary>
public static class DemoDataCount
{
    /// <summary>The rows of <paramref name="table"/>, and those of them with a SIREN in [<paramref name="from"/>, <paramref name="to"/>).</summary>
    public static async Task<(long Rows, long Demo)> ReadAsync(BenchOptions options, string database, string table, string from,
        string to, CancellationToken ct)
    {
        await using var db = await OpenAsync(options, database, ct);
        await using var command = new NpgsqlCommand(
            $"SELECT count(*), count(*) FILTER (WHERE siren >= @from AND siren < @to) FROM {table}", db);
        command.Parameters.AddWithValue("from", from);
        command.Parameters.AddWithValue("to", to);
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return (reader.GetInt64(0), reader.GetInt64(1));
    }

    /// <summary>One count of a service's database, <c>@run</c> bound to <paramref name="run"/> when given.</summary>
    public static async Task<long> ScalarAsync(BenchOptions options, string database, string sql, string? run, CancellationToken ct)
    {
        await using var db = await OpenAsync(options, database, ct);
        await using var command = new NpgsqlCommand(sql, db);
        if (run is not null)
        {
            command.Parameters.AddWithValue("run", run);
        }

        return (long)(await command.ExecuteScalarAsync(ct))!;
    }

    /// <summary>A connection to a service's database on the bench's server (no pool: a scenario reads it a few times).</summary>
    public static async Task<NpgsqlConnection> OpenAsync(BenchOptions options, string database, CancellationToken ct)
    {
        var connection = new NpgsqlConnectionStringBuilder(options.Pg) { Database = database, Pooling = false, Timeout = 10 };
        var db = new NpgsqlConnection(connection.ConnectionString);
        try
        {
            await db.OpenAsync(ct);
            return db;
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            await db.DisposeAsync();
            throw new BenchSetupException($"Cannot read the {database} database with --pg \"{options.Pg}\": {e.Message}");
        }
    }

    /// <summary>The connection string of <paramref name="database"/> on the bench's server, for the seed-demo commands it prints.</summary>
    public static string ConnectionTo(BenchOptions options, string database) =>
        new NpgsqlConnectionStringBuilder(options.Pg) { Database = database }.ConnectionString;
}
