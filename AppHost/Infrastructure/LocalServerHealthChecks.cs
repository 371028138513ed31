using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using RabbitMQ.Client;
using StackExchange.Redis;

namespace Scop.Aspire.AppHost.Infrastructure;

/// <summary>
/// Healthy when PostgreSQL accepts a connection and answers a query. The connection is kept for the next check (the
/// AppHost checks every 30 s): a new one each time was a new server process, about 0.2 s of the server's CPU each time
/// on an idle system, a stall that requests on a small machine felt. After a restart of the server the kept connection
/// fails once, is dropped, and the next check opens a new one.
/// </summary>
public sealed class PostgresAcceptsConnections(string connectionString) : IHealthCheck, IDisposable
{
    private readonly NpgsqlDataSource _dataSource = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(connectionString)
    {
        MaxPoolSize = 1,
        Timeout = 3,
        ApplicationName = "apphost-health",
    }.ConnectionString);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var command = _dataSource.CreateCommand("SELECT 1");
            await command.ExecuteScalarAsync(cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, "PostgreSQL does not accept connections yet.", e);
        }
    }

    public void Dispose() => _dataSource.Dispose();
}

/// <summary>Healthy when RabbitMQ completes an AMQP handshake and opens a connection.</summary>
public sealed class RabbitMqAcceptsConnections(string connectionString) : IHealthCheck
{
    private readonly ConnectionFactory _factory = new()
    {
        Uri = new Uri(connectionString),
        RequestedConnectionTimeout = TimeSpan.FromSeconds(3),
        AutomaticRecoveryEnabled = false,
        ClientProvidedName = "apphost-health",
    };

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var connection = await _factory.CreateConnectionAsync(cancellationToken);
            return connection.IsOpen
                ? HealthCheckResult.Healthy()
                : new HealthCheckResult(context.Registration.FailureStatus, "RabbitMQ closed the connection.");
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, "RabbitMQ does not accept connections yet.", e);
        }
    }
}

/// <summary>Healthy when Redis answers PING.</summary>
public sealed class RedisAnswersPing(string connectionString) : IHealthCheck, IDisposable
{
    private readonly ConfigurationOptions _options = CreateOptions(connectionString);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private ConnectionMultiplexer? _connection;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await _gate.WaitAsync(cancellationToken);
            try
            {
                _connection ??= await ConnectionMultiplexer.ConnectAsync(_options);
                await _connection.GetDatabase().PingAsync();
                return HealthCheckResult.Healthy();
            }
            finally
            {
                _gate.Release();
            }
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, "Redis does not answer PING yet.", e);
        }
    }

    public void Dispose()
    {
        _connection?.Dispose();
        _gate.Dispose();
    }

    private static ConfigurationOptions CreateOptions(string connectionString)
    {
        var options = ConfigurationOptions.Parse(connectionString);
        options.AbortOnConnectFail = true;
        options.ConnectTimeout = 3000;
        options.ConnectRetry = 0;
        options.ClientName = "apphost-health";
        return options;
    }
}

/// <summary>Healthy when something accepts TCP connections on 127.0.0.1:<c>port</c>.</summary>
public sealed class TcpAcceptsConnections(int port) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(2));
            using var client = new System.Net.Sockets.TcpClient();
            await client.ConnectAsync(System.Net.IPAddress.Loopback, port, timeout.Token);
            return HealthCheckResult.Healthy();
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, $"Nothing listens on port {port} yet.", e);
        }
    }
}
