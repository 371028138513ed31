using System.Text;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;
using Scop.Aspire.Testing;

namespace Scop.Aspire.Infrastructure.Tests;

public sealed class RabbitMqFixtureTests(RabbitMqFixture rabbit) : IClassFixture<RabbitMqFixture>
{
    [Fact]
    public async Task Durable_messages_survive_a_restart_and_clients_fail_while_the_broker_is_stopped()
    {
        await rabbit.StartAsync();
        await using (var connection = await rabbit.CreateConnectionFactory().CreateConnectionAsync())
        await using (var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true)))
        {
            await channel.QueueDeclareAsync("training.booked", durable: true, exclusive: false, autoDelete: false);
            await channel.BasicPublishAsync(
                exchange: "",
                routingKey: "training.booked",
                mandatory: true,
                basicProperties: new BasicProperties { Persistent = true, MessageId = "booking-1" },
                body: Encoding.UTF8.GetBytes("seat booked"));
        }

        await rabbit.StopAsync();
        Assert.False(rabbit.IsRunning);
        await Assert.ThrowsAsync<BrokerUnreachableException>(() => rabbit.CreateConnectionFactory().CreateConnectionAsync());

        await rabbit.StartAsync();
        Assert.True(rabbit.IsRunning);
        await using (var connection = await rabbit.CreateConnectionFactory().CreateConnectionAsync())
        await using (var channel = await connection.CreateChannelAsync())
        {
            var message = await channel.BasicGetAsync("training.booked", autoAck: true);
            Assert.NotNull(message);
            Assert.Equal("booking-1", message.BasicProperties.MessageId);
            Assert.Equal("seat booked", Encoding.UTF8.GetString(message.Body.Span));
        }
    }
}

/// <summary>Two brokers started at the same time, each with its own node name and data.</summary>
public sealed class RabbitMqPair : IAsyncLifetime
{
    public RabbitMqFixture First { get; } = new();

    public RabbitMqFixture Second { get; } = new();

    public Task InitializeAsync() => Task.WhenAll(First.InitializeAsync(), Second.InitializeAsync());

    public Task DisposeAsync() => Task.WhenAll(First.DisposeAsync(), Second.DisposeAsync());
}

public sealed class TwoRabbitMqFixturesTests(RabbitMqPair pair) : IClassFixture<RabbitMqPair>
{
    [Fact]
    public async Task Two_brokers_run_side_by_side_and_are_independent()
    {
        Assert.NotEqual(pair.First.ConnectionString, pair.Second.ConnectionString);
        Assert.NotEqual(pair.First.NodeName, pair.Second.NodeName);

        await using var first = await pair.First.CreateConnectionFactory().CreateConnectionAsync();
        await using var second = await pair.Second.CreateConnectionFactory().CreateConnectionAsync();
        await using var firstChannel = await first.CreateChannelAsync();
        await using var secondChannel = await second.CreateChannelAsync();

        await firstChannel.QueueDeclareAsync("only-on-first", durable: true, exclusive: false, autoDelete: false);

        var error = await Assert.ThrowsAsync<OperationInterruptedException>(
            () => secondChannel.QueueDeclarePassiveAsync("only-on-first"));
        Assert.Equal<ushort?>(404, error.ShutdownReason?.ReplyCode);
        Assert.Equal(0u, await firstChannel.MessageCountAsync("only-on-first"));
    }
}
