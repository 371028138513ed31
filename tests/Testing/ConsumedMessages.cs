using System.Collections.Concurrent;
using MassTransit;

namespace Scop.Aspire.Testing;

/// <summary>
/// How many times a service's bus consumed each message (by message id), succeeded or faulted: a test waits for a
/// redelivered message to have been consumed again before it checks that nothing changed.
/// </summary>
public sealed class ConsumedMessages : IConsumeObserver
{
    private readonly ConcurrentDictionary<Guid, int> done = new();
    private readonly ConcurrentDictionary<Guid, int> faulted = new();

    public int Count(Guid messageId) => done.GetValueOrDefault(messageId) + faulted.GetValueOrDefault(messageId);

    public int Faults(Guid messageId) => faulted.GetValueOrDefault(messageId);

    public Task PreConsume<T>(ConsumeContext<T> context)
        where T : class => Task.CompletedTask;

    public Task PostConsume<T>(ConsumeContext<T> context)
        where T : class
    {
        if (context.MessageId is { } id)
        {
            done.AddOrUpdate(id, 1, (_, n) => n + 1);
        }

        return Task.CompletedTask;
    }

    public Task ConsumeFault<T>(ConsumeContext<T> context, Exception exception)
        where T : class
    {
        if (context.MessageId is { } id)
        {
            faulted.AddOrUpdate(id, 1, (_, n) => n + 1);
        }

        return Task.CompletedTask;
    }
}
