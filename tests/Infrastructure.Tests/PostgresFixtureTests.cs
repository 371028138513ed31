using Npgsql;
using Scop.Aspire.Testing;

namespace Scop.Aspire.Infrastructure.Tests;

public sealed class PostgresFixtureTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task Server_answers_a_query()
    {
        await postgres.StartAsync();
        await using var connection = new NpgsqlConnection(postgres.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT current_user || ' ' || pg_encoding_to_char(encoding) FROM pg_database WHERE datname = current_database()", connection);

        Assert.True(postgres.IsRunning);
        Assert.Equal("scop UTF8", await command.ExecuteScalarAsync());
    }

    [Fact]
    public async Task Created_databases_are_new_and_empty()
    {
        await postgres.StartAsync();
        var first = await postgres.CreateDatabaseAsync();
        var second = await postgres.CreateDatabaseAsync("named_one");

        Assert.NotEqual(new NpgsqlConnectionStringBuilder(first).Database, new NpgsqlConnectionStringBuilder(second).Database);
        Assert.Equal("named_one", new NpgsqlConnectionStringBuilder(second).Database);
        await using var connection = new NpgsqlConnection(first);
        await connection.OpenAsync();
        await using var count = new NpgsqlCommand("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'", connection);
        Assert.Equal(0L, await count.ExecuteScalarAsync());
    }

    [Fact]
    public async Task Rows_survive_a_restart_and_clients_fail_while_the_server_is_stopped()
    {
        await postgres.StartAsync();
        var database = await postgres.CreateDatabaseAsync();
        await Execute(database, "CREATE TABLE members (name text NOT NULL); INSERT INTO members VALUES ('Coopérative Ouvrière');");
        var connectionString = postgres.ConnectionString;

        await postgres.RestartAsync();

        Assert.Equal(connectionString, postgres.ConnectionString);
        Assert.Equal("Coopérative Ouvrière", await Scalar(database, "SELECT name FROM members"));

        await postgres.StopAsync();
        Assert.False(postgres.IsRunning);
        await Assert.ThrowsAnyAsync<NpgsqlException>(() => Scalar(database, "SELECT 1"));

        await postgres.StartAsync();
        Assert.True(postgres.IsRunning);
        Assert.Equal("Coopérative Ouvrière", await Scalar(database, "SELECT name FROM members"));
    }

    private static async Task Execute(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<object?> Scalar(string connectionString, string sql)
    {
        var noPool = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false, Timeout = 3 }.ConnectionString;
        await using var connection = new NpgsqlConnection(noPool);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }
}
