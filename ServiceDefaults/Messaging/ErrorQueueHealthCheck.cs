using MassTransit;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Scop.Aspire.ServiceDefaults.Messaging;

/// <summary>
/// Messages in a consumer's <c>_error</c> queue failed every retry and wait for an operator. The service still works,
/// so it reports Degraded — visible in the dashboard and in <c>/health</c> — naming each queue and its depth. The
/// queues exist from the first check on, empty until something fails.
/// </summary>
internal sealed class ErrorQueueHealthCheck(Uri broker, IReadOnlyList<string> errorQueues) : IHealthCheck, IAsyncDisposable
{
    private readonly SemaphoreSlim connecting = new(1, 1);
    private IConnection? connection;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        if (errorQueues.Count == 0)
        {
            return HealthCheckResult.Healthy("This service consumes no messages.");
        }

        try
        {
            var current = await ConnectAsync(ct);
            var depths = new Dictionary<string, object>();
            // One channel for every queue: a declare that succeeds leaves it open (only a failed one closed it).
            await using var channel = await current.CreateChannelAsync(cancellationToken: ct);
            foreach (var queue in errorQueues)
            {
                // Declared as MassTransit declares it when a message first fails (durable, no arguments, as the
                // consumers' own queues are): a queue that exists is left as it is and its depth comes back. Only asking
                // whether it exists made the broker log an error for every consumer that never failed, at every check.
                var declared = await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false,
                    cancellationToken: ct);
                if (declared.MessageCount > 0)
                {
                    depths[queue] = declared.MessageCount;
                }
            }

            return depths.Count == 0
                ? HealthCheckResult.Healthy()
                : HealthCheckResult.Degraded(
                    "Messages wait in error queues: " + string.Join(", ", depths.Select(d => $"{d.Key} ({d.Value})")),
                    data: depths);
        }
        catch (Exception exception) when (exception is BrokerUnreachableException or AlreadyClosedException or IOException)
        {
            return HealthCheckResult.Unhealthy("The broker cannot be reached to read the error queues.", exception);
        }
    }

    private async Task<IConnection> ConnectAsync(CancellationToken ct)
    {
        await connecting.WaitAsync(ct);
        try
        {
            if (connection is not { IsOpen: true })
            {
                if (connection is not null)
                {
                    await connection.DisposeAsync();
                }

                connection = await new ConnectionFactory { Uri = broker, ClientProvidedName = "error-queue-health" }
                    .CreateConnectionAsync(ct);
            }

            return connection;
        }
        finally
        {
            connecting.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (connection is not null)
        {
            await connection.DisposeAsync();
        }
    }

    /// <summary>The <c>_error</c> queues of the consumers in <paramref name="assembly"/>, named as MassTransit names them.</summary>
    public static IReadOnlyList<string> ErrorQueuesOf(System.Reflection.Assembly assembly, IEndpointNameFormatter formatter)
    {
        var name = typeof(IEndpointNameFormatter).GetMethod(nameof(IEndpointNameFormatter.Consumer))!;
        return assembly.GetTypes()
            .Where(type => type is { IsClass: true, IsAbstract: false } && type.IsAssignableTo(typeof(IConsumer)))
            .Select(type => (string)name.MakeGenericMethod(type).Invoke(formatter, null)! + "_error")
            .ToList();
    }
}
