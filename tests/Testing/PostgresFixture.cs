using System.Text.RegularExpressions;
using Npgsql;
using Scop.Aspire.LocalServers;
using Scop.Aspire.Testing.Hosting;
using Testcontainers.PostgreSql;

namespace Scop.Aspire.Testing;

/// <summary>
/// A real PostgreSQL server with PostGIS. Local mode: the installed server (as the postgres account when root), durability
/// settings off for speed (data still survives a graceful restart).
/// </summary>
public sealed partial class PostgresFixture : ServerFixture
{
    /// <summary>PostGIS' image: the Ambassades' geography needs the extension, as in the AppHost's container mode.</summary>
    private const string ContainerImage = $"{LocalPostgres.PostGisImage}:{LocalPostgres.PostGisImageTag}";
    private const string ContainerPassword = "scop";

    private readonly int port = FreePorts.Next();

    public PostgresFixture()
        : base("postgres")
    {
    }

    public override string ConnectionString => TestInfrastructure.UseContainers
        ? $"Host={Host.Host};Port={port};Username={LocalPostgres.UserName};Password={ContainerPassword};Database=postgres"
        : LocalPostgres.ConnectionString(port);

    /// <summary>The data folder in local mode.</summary>
    public string DataDirectory => Path.Combine(Directory, "postgres", "data");

    /// <summary>Creates a new empty database and returns its connection string.</summary>
    /// <param name="name">Lower-case letters, digits and underscores; a unique name when null.</param>
    public async Task<string> CreateDatabaseAsync(string? name = null)
    {
        name ??= $"test_{Guid.NewGuid():N}";
        if (!DatabaseName().IsMatch(name))
        {
            throw new ArgumentException($"'{name}' is not a plain database name (lower-case letters, digits, underscores).", nameof(name));
        }

        await using (var connection = new NpgsqlConnection(AdminConnectionString()))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await create.ExecuteNonQueryAsync();
        }

        Log.Info($"created database {name}");
        return new NpgsqlConnectionStringBuilder(ConnectionString) { Database = name }.ConnectionString;
    }

    private protected override IServerHost CreateHost()
    {
        if (TestInfrastructure.UseContainers)
        {
            var container = new PostgreSqlBuilder(ContainerImage)
                .WithUsername(LocalPostgres.UserName)
                .WithPassword(ContainerPassword)
                .WithDatabase("postgres")
                .WithPortBinding(port, PostgreSqlBuilder.PostgreSqlPort)
                .WithCommand([.. LocalPostgres.ServerSettings, .. LocalPostgres.ThrowAwaySettings])
                .Build();
            return new ContainerHost("postgres", Log, container, port);
        }

        return new ProcessHost(
            "postgres",
            Log,
            port,
            () => LocalPostgres.Command(DataDirectory, port, forTests: true),
            stopSignal: Posix.SIGINT, // fast shutdown: open client connections do not hold it up
            prepare: () =>
            {
                LocalPostgres.EnsurePostGis();
                LocalPostgres.EnsureInitialized(DataDirectory, forTests: true);
            });
    }

    protected override async Task ProbeAsync(CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(AdminConnectionString());
        await connection.OpenAsync(ct);
        await using var select = new NpgsqlCommand("SELECT 1", connection);
        await select.ExecuteScalarAsync(ct);
    }

    protected override void OnStopped() => NpgsqlConnection.ClearAllPools();

    private string AdminConnectionString() =>
        new NpgsqlConnectionStringBuilder(ConnectionString) { Pooling = false, Timeout = 5 }.ConnectionString;

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$")]
    private static partial Regex DatabaseName();
}
