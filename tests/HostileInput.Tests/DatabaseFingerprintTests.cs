using Npgsql;
using Scop.Aspire.HostileInput.Tests.Support;
using Scop.Aspire.Testing;

namespace Scop.Aspire.HostileInput.Tests;

/// <summary>
/// The fingerprint the hostile run compares after every request sees every write, including those it does not read the
/// rows for: a write committed after it, an update that keeps the row count, a delete, and a transaction that was
/// already open (its id given) when the fingerprint was read and commits afterwards.
/// </summary>
public sealed class DatabaseFingerprintTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task Every_committed_write_changes_the_fingerprint_and_nothing_else_does()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var writer = new NpgsqlConnection(connectionString);
        await writer.OpenAsync();
        await ExecuteAsync(writer, "CREATE TABLE cooperatives (id int PRIMARY KEY, name text NOT NULL); INSERT INTO cooperatives VALUES (1, 'Ateliers'), (2, 'Tisserands')");
        await using var fingerprint = await DatabaseFingerprint.OpenAsync(connectionString);

        var first = await fingerprint.ReadAsync();
        Assert.Equal(2, first["cooperatives"].Rows);
        await ExecuteAsync(writer, "SELECT count(*) FROM cooperatives"); // a read is not a write
        Assert.Empty(DatabaseFingerprint.Changes(first, await fingerprint.ReadAsync()));

        await ExecuteAsync(writer, "UPDATE cooperatives SET name = 'Ateliers du Rhône' WHERE id = 1");
        var updated = await fingerprint.ReadAsync();
        Assert.Equal(["cooperatives (2 → 2 rows)"], DatabaseFingerprint.Changes(first, updated));

        // A transaction holding its id before the read, writing and committing after it.
        await using var open = await writer.BeginTransactionAsync();
        await ExecuteAsync(writer, "SELECT pg_current_xact_id()", open);
        var whileOpen = await fingerprint.ReadAsync();
        Assert.Empty(DatabaseFingerprint.Changes(updated, whileOpen));
        await ExecuteAsync(writer, "INSERT INTO cooperatives VALUES (3, 'Menuisiers')", open);
        Assert.Empty(DatabaseFingerprint.Changes(updated, await fingerprint.ReadAsync())); // not committed: not seen
        await open.CommitAsync();
        var inserted = await fingerprint.ReadAsync();
        Assert.Equal(["cooperatives (2 → 3 rows)"], DatabaseFingerprint.Changes(whileOpen, inserted));

        await ExecuteAsync(writer, "DELETE FROM cooperatives WHERE id = 2");
        Assert.Equal(["cooperatives (3 → 2 rows)"], DatabaseFingerprint.Changes(inserted, await fingerprint.ReadAsync()));
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, NpgsqlTransaction? transaction = null)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync();
    }
}
