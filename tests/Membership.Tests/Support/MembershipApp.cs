using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Npgsql;

namespace Scop.Aspire.Membership.Tests.Support;

/// <summary>
/// The real membership service (its own Program) in the Development environment, on real PostgreSQL, RabbitMQ and
/// Redis. At start it creates and migrates its database, as it does in development.
/// </summary>
public sealed class MembershipApp(string databaseConnectionString, string rabbitMqConnectionString, string redisConnectionString)
    : WebApplicationFactory<Program>
{
    public string DatabaseConnectionString { get; } = databaseConnectionString;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting("ConnectionStrings:membershipdb", DatabaseConnectionString);
        builder.UseSetting("ConnectionStrings:rabbitmq", rabbitMqConnectionString);
        builder.UseSetting("ConnectionStrings:redis", redisConnectionString);
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
    }

    /// <summary>Runs a scalar query against the service's database, as someone checking its tables would.</summary>
    public async Task<T> QueryScalarAsync<T>(string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(DatabaseConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return (T)(await command.ExecuteScalarAsync())!;
    }

    public Task<long> CountAsync(string table) => QueryScalarAsync<long>($"SELECT count(*) FROM {table}");

    /// <summary>The row counts of the tables a registration writes to.</summary>
    public async Task<(long Cooperatives, long Outbox, long IdempotencyKeys)> CountWritesAsync() =>
        (await CountAsync("cooperatives"), await CountAsync("outbox_messages"), await CountAsync("idempotency_keys"));
}
