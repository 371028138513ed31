using MassTransit;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Scop.Aspire.ServiceDefaults.Messaging;

/// <summary>
/// Messages in a consumer's <c>_error</c> queue failed every retry and wait for an operator. The service still works,
/// so it reports Degraded — visible in the dashboard and in <c>/health</c> — naming each queue and its depth.
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
            foreach (var queue in errorQueues)
            {
                await using var channel = await current.CreateChannelAsync(cancellationToken: ct);
                try
                {
                    var declared = await channel.QueueDeclarePassiveAsync(queue, ct);
                    if (declared.MessageCount > 0)
                    {
                        depths[queue] = declared.MessageCount;
                    }
                }
                catch (OperationInterruptedException)
                {
                    // The error queue does not exist yet: nothing ever failed there.
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
