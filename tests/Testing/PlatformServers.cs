using Xunit;

namespace Scop.Aspire.Testing;

/// <summary>
/// The three real servers every service needs — PostgreSQL, RabbitMQ and Redis — started together once for a test
/// assembly (as an xunit collection fixture), each service test getting a database of its own.
/// </summary>
public class PlatformServers : IAsyncLifetime
{
    public PostgresFixture Postgres { get; } = new();

    public RabbitMqFixture RabbitMq { get; } = new();

    public RedisFixture Redis { get; } = new();

    public virtual async Task InitializeAsync()
    {
        try
        {
            await Task.WhenAll(Postgres.InitializeAsync(), RabbitMq.InitializeAsync(), Redis.InitializeAsync());
        }
        catch
        {
            // xunit does not dispose a fixture whose initialisation failed: stop whatever did start.
            await DisposeAsync();
            throw;
        }
    }

    public virtual Task DisposeAsync() =>
        Task.WhenAll(Postgres.DisposeAsync(), RabbitMq.DisposeAsync(), Redis.DisposeAsync());
}
