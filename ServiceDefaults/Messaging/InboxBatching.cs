using System.Reflection;
using MassTransit;

namespace Scop.Aspire.ServiceDefaults.Messaging;

/// <summary>How the bus finds and sets up the <see cref="InboxBatchConsumer{TMessage,TDbContext}"/>s of a service.</summary>
internal static class InboxBatching
{
    public static bool IsBatchConsumer(Type type)
    {
        for (var current = type.BaseType; current is not null; current = current.BaseType)
        {
            if (current.IsGenericType && current.GetGenericTypeDefinition() == typeof(InboxBatchConsumer<,>))
            {
                return true;
            }
        }

        return false;
    }

    public static IEnumerable<Type> BatchConsumersOf(Assembly assembly) =>
        assembly.GetTypes().Where(type => type is { IsClass: true, IsAbstract: false } && IsBatchConsumer(type));
}

/// <summary>
/// A batch consumer's limits: <see cref="InboxBatchLimits.MaxBatchSize"/> messages or
/// <see cref="InboxBatchLimits.BatchWindow"/> after the first, a few batches at a time per
/// process (MassTransit sets the queue's prefetch to match).
/// </summary>
internal sealed class InboxBatchDefinition<TConsumer> : ConsumerDefinition<TConsumer>
    where TConsumer : class, IConsumer
{
    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<TConsumer> consumerConfigurator, IRegistrationContext context) =>
        consumerConfigurator.Options<BatchOptions>(batch => batch
            .SetMessageLimit(InboxBatchLimits.MaxBatchSize)
            .SetTimeLimit(InboxBatchLimits.BatchWindow)
            .SetTimeLimitStart(BatchTimeLimitStart.FromFirst)
            .SetConcurrencyLimit(InboxBatchLimits.ConcurrentBatches));
}
