using Npgsql;

namespace Scop.Aspire.Testing;

/// <summary>
/// Looks for values in every column of every table of a database, as someone with a dump of it would: text of any
/// kind, JSON, arrays and, when asked, uuids — the check that an erased person left nothing behind.
/// </summary>
public static class DatabaseScan
{
    /// <summary>
    /// Every place (<c>table.column: value</c>) where one of <paramref name="needles"/> appears, ignoring case, in a
    /// text, character, JSON or array column (and uuid columns with <paramref name="includeUuids"/>) of any table
    /// outside PostgreSQL's own schemas.
    /// </summary>
    public static async Task<List<string>> FindAsync(string connectionString, IReadOnlyCollection<string> needles,
        bool includeUuids = false)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var columns = new List<(string Schema, string Table, string Column)>();
        await using (var list = new NpgsqlCommand(
            """
            SELECT c.table_schema, c.table_name, c.column_name
            FROM information_schema.columns c
            JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
            WHERE t.table_type = 'BASE TABLE' AND c.table_schema NOT IN ('pg_catalog', 'information_schema')
              AND (c.data_type IN ('text', 'character varying', 'character', 'json', 'jsonb', 'ARRAY')
                   OR (@uuids AND c.data_type = 'uuid'))
            ORDER BY 1, 2, 3
            """, connection))
        {
            list.Parameters.AddWithValue("uuids", includeUuids);
            await using var reader = await list.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                columns.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2)));
            }
        }

        var found = new List<string>();
        var lowered = needles.Where(n => n.Length > 0).Select(n => n.ToLowerInvariant()).ToArray();
        foreach (var (schema, table, column) in columns)
        {
            await using var query = new NpgsqlCommand(
                $"""
                SELECT "{column}"::text FROM "{schema}"."{table}"
                WHERE EXISTS (SELECT 1 FROM unnest(@needles) n WHERE strpos(lower("{column}"::text), n) > 0)
                LIMIT 5
                """, connection);
            query.Parameters.AddWithValue("needles", lowered);
            await using var reader = await query.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                found.Add($"{schema}.{table}.{column}: {reader.GetString(0)}");
            }
        }

        return found;
    }
}
