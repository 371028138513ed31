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
        var connection = new NpgsqlConnectionStringBuilder(options.Pg) { Database = database, Pooling = false, Timeout = 10 };
        try
        {
            await using var db = new NpgsqlConnection(connection.ConnectionString);
            await db.OpenAsync(ct);
            await using var command = new NpgsqlCommand(
                $"SELECT count(*), count(*) FILTER (WHERE siren >= @from AND siren < @to) FROM {table}", db);
            command.Parameters.AddWithValue("from", from);
            command.Parameters.AddWithValue("to", to);
            await using var reader = await command.ExecuteReaderAsync(ct);
            await reader.ReadAsync(ct);
            return (reader.GetInt64(0), reader.GetInt64(1));
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            throw new BenchSetupException($"Cannot read the {database} database with --pg \"{options.Pg}\": {e.Message}");
        }
    }

    /// <summary>The connection string of <paramref name="database"/> on the bench's server, for the seed-demo commands it prints.</summary>
    public static string ConnectionTo(BenchOptions options, string database) =>
        new NpgsqlConnectionStringBuilder(options.Pg) { Database = database }.ConnectionString;
}
