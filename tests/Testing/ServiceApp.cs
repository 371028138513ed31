using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Npgsql;
using Xunit;

namespace Scop.Aspire.Testing;

/// <summary>
/// A real service (its own Program) in the Development environment on the real servers, with a database of its own
/// that it creates and migrates at start, as it does in development.
/// </summary>
/// <param name="databaseConnectionName">The service's database connection string name (e.g. membershipdb).</param>
public abstract class ServiceApp<TEntryPoint>(string databaseConnectionName, string databaseConnectionString,
    PlatformServers servers) : WebApplicationFactory<TEntryPoint>
    where TEntryPoint : class
{
    public string DatabaseConnectionString { get; } = databaseConnectionString;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting($"ConnectionStrings:{databaseConnectionName}", DatabaseConnectionString);
        builder.UseSetting("ConnectionStrings:rabbitmq", servers.RabbitMq.ConnectionString);
        builder.UseSetting("ConnectionStrings:redis", servers.Redis.ConnectionString);
        if (servers is PlatformServersWithMail withMail)
        {
            builder.UseSetting("ConnectionStrings:mail", withMail.Mail.ConnectionString);
        }

        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        foreach (var (key, value) in TestTokens.Settings)
        {
            builder.UseSetting(key, value); // the service trusts the test run's signing key, as it would the identity service's
        }
    }

    /// <summary>Starts the service's server; a start that fails leaves nothing running (the app is disposed, the error thrown).</summary>
    public async Task StartOrDisposeAsync()
    {
        try
        {
            StartServer();
            OnStarted();
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    /// <summary>What a test app does once its service runs (watching its bus, say).</summary>
    protected virtual void OnStarted()
    {
    }

    /// <summary>A client of the service that presents <paramref name="token"/> on every request.</summary>
    public HttpClient CreateClient(string? token) => CreateClient().WithToken(token);

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
}

/// <summary>One service (and database) shared by the tests of one class, started on first use, stopped after.</summary>
public class AppPerClass<TApp> : IAsyncLifetime
    where TApp : class, IAsyncDisposable
{
    private readonly SemaphoreSlim gate = new(1, 1);
    private TApp? app;

    public async Task<TApp> GetAsync(Func<Task<TApp>> start)
    {
        await gate.WaitAsync();
        try
        {
            return app ??= await start();
        }
        finally
        {
            gate.Release();
        }
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (app is not null)
        {
            await app.DisposeAsync();
        }
    }
}
