using Scop.Aspire.Testing;

namespace Scop.Aspire.Messaging.Tests;

/// <summary>One PostgreSQL and one RabbitMQ for the messaging tests; some tests stop and restart the broker.</summary>
public sealed class MessagingServers : IAsyncLifetime
{
    public PostgresFixture Postgres { get; } = new();

    public RabbitMqFixture RabbitMq { get; } = new();

    public Task InitializeAsync() => Task.WhenAll(Postgres.InitializeAsync(), RabbitMq.InitializeAsync());

    public async Task DisposeAsync()
    {
        await RabbitMq.DisposeAsync();
        await Postgres.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class MessagingCollection : ICollectionFixture<MessagingServers>
{
    public const string Name = "messaging";
}
