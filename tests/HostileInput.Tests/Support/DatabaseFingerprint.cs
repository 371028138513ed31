using System.Text;
using Npgsql;

namespace Scop.Aspire.HostileInput.Tests.Support;

/// <summary>
/// What a service's database holds, table by table: the number of rows and a checksum of their contents (every
/// column, as PostgreSQL prints the row), read in one statement. Two equal fingerprints mean no row was added,
/// removed or changed in between.
/// A full read scans and hashes every row (a fifth of a second for the Ambassades' communes), so a read that can prove
/// nothing was written since the last one skips it: see <see cref="ReadAsync"/>.
/// </summary>
public sealed class DatabaseFingerprint : IAsyncDisposable
{
    /// <summary>
    /// Tables whose rows may change without any request, and what changes them. None so far: a refused request
    /// writes nothing anywhere, and what the service does on its own (its outbox relay marking rows sent, the
    /// dev seed) is over before the hostile requests start, since the run waits for the database to be still.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> ExcludedTables = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>The name of the row that carries the statement's snapshot beside the tables' (no table has an empty name).</summary>
    private const string SnapshotRow = "";

    private readonly NpgsqlConnection connection;
    private readonly string sql;

    /// <summary>The last full read and the snapshot it was read under.</summary>
    private (string Snapshot, IReadOnlyDictionary<string, (long Rows, string Checksum)> Fingerprint)? lastRead;

    private DatabaseFingerprint(NpgsqlConnection connection, string sql, IReadOnlyList<string> tables)
    {
        this.connection = connection;
        this.sql = sql;
        Tables = tables;
    }

    public IReadOnlyList<string> Tables { get; }

    public static async Task<DatabaseFingerprint> OpenAsync(string connectionString)
    {
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        var tables = new List<string>();
        await using (var list = new NpgsqlCommand(
            """
            SELECT table_name FROM information_schema.tables
            WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name
            """, connection))
        await using (var reader = await list.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                tables.Add(reader.GetString(0));
            }
        }

        tables.RemoveAll(ExcludedTables.ContainsKey);
        // The snapshot in the same statement as the checksums: it names exactly the transactions whose rows they saw.
        var sql = new StringBuilder($"SELECT '{SnapshotRow}', 0::bigint, pg_current_snapshot()::text");
        foreach (var table in tables)
        {
            sql.Append("\nUNION ALL ");
            var quoted = "\"" + table.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
            sql.Append($"SELECT '{table.Replace("'", "''", StringComparison.Ordinal)}', count(*), ")
                .Append($"coalesce(md5(string_agg(md5(t::text), '' ORDER BY md5(t::text))), '') FROM {quoted} t");
        }

        return new DatabaseFingerprint(connection, sql.ToString(), tables);
    }

    /// <summary>
    /// Each table's row count and checksum; without reading a row when the server's snapshot (<c>xmin:xmax:in-progress</c>)
    /// is the same as at the last full read. A transaction that writes is given an id; a snapshot sees the rows of the
    /// committed ids below its <c>xmax</c> but those it lists in progress, and <c>xmax</c> moves past every id that
    /// ends above it. The same snapshot therefore sees the same transactions' rows: those of the last read.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, (long Rows, string Checksum)>> ReadAsync()
    {
        if (lastRead is { } last && await CurrentSnapshotAsync() == last.Snapshot)
        {
            return last.Fingerprint;
        }

        var fingerprint = new Dictionary<string, (long, string)>(StringComparer.Ordinal);
        var snapshot = "";
        await using (var command = new NpgsqlCommand(sql, connection))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                if (reader.GetString(0) == SnapshotRow)
                {
                    snapshot = reader.GetString(2);
                }
                else
                {
                    fingerprint[reader.GetString(0)] = (reader.GetInt64(1), reader.GetString(2));
                }
            }
        }

        lastRead = (snapshot, fingerprint);
        return fingerprint;
    }

    private async Task<string> CurrentSnapshotAsync()
    {
        await using var command = new NpgsqlCommand("SELECT pg_current_snapshot()::text", connection);
        return (string)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>The tables that differ, with their row counts before and after.</summary>
    public static IReadOnlyList<string> Changes(IReadOnlyDictionary<string, (long Rows, string Checksum)> before,
        IReadOnlyDictionary<string, (long Rows, string Checksum)> after) =>
        before.Keys.Union(after.Keys)
            .Where(table => before.GetValueOrDefault(table) != after.GetValueOrDefault(table))
            .Select(table => $"{table} ({before.GetValueOrDefault(table).Rows} → {after.GetValueOrDefault(table).Rows} rows)")
            .ToList();

    /// <summary>
    /// Waits until the service has nothing left to do on its own (<paramref name="pendingWork"/>: queries counting
    /// rows it will still change, such as outbox rows due and not yet published) and the database holds still (the
    /// same fingerprint twice, a moment apart), and returns that fingerprint.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, (long Rows, string Checksum)>> StillAsync(TimeSpan within,
        IReadOnlyList<string> pendingWork)
    {
        var deadline = DateTime.UtcNow + within;
        var last = await ReadAsync();
        while (true)
        {
            await Task.Delay(150);

            // Pending work first: work finished between the two reads shows as a changed fingerprint, never as a
            // fingerprint taken before it with nothing pending after it.
            var pending = await PendingAsync(pendingWork);
            var now = await ReadAsync();
            if (pending == 0 && Changes(last, now).Count == 0)
            {
                return now;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException(
                    $"The database kept changing for {within.TotalSeconds} s ({pending} rows of work pending): {string.Join(", ", Changes(last, now))}");
            }

            last = now;
        }
    }

    private async Task<long> PendingAsync(IReadOnlyList<string> pendingWork)
    {
        long pending = 0;
        foreach (var sql in pendingWork.Where(sql => Tables.Any(table => sql.Contains(table, StringComparison.Ordinal))))
        {
            await using var command = new NpgsqlCommand(sql, connection);
            pending += Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
        }

        return pending;
    }

    public ValueTask DisposeAsync() => connection.DisposeAsync();
}
