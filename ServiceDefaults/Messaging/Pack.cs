using MassTransit;
using MassTransit.Context;

namespace Scop.Aspire.ServiceDefaults.Messaging;

/// <summary>
/// Events of one type published as one message by the outbox relay (see
/// <see cref="Contracts.PublishedInPacksAttribute"/>), each with the id and trace it would have had alone.
/// </summary>
public sealed record Pack<TMessage>(IReadOnlyList<PackedEvent<TMessage>> Events)
    where TMessage : class;

/// <summary>One event of a <see cref="Pack{TMessage}"/>: its message id (the outbox row's) and the trace that wrote it.</summary>
public sealed record PackedEvent<TMessage>(Guid MessageId, string? TraceParent, TMessage Message)
    where TMessage : class;

/// <summary>
/// One event of a pack seen as if it had come alone: its own message id, for the inbox, and its own sent trace, so a
/// consumer cannot tell the two ways apart. Everything else is the pack's delivery.
/// </summary>
internal sealed class PackedEventContext<TMessage>(ConsumeContext<Pack<TMessage>> pack, PackedEvent<TMessage> packed)
    : ConsumeContextProxy(pack), ConsumeContext<TMessage>, IPackedEventContext
    where TMessage : class
{
    public override Guid? MessageId => packed.MessageId;

    public TMessage Message => packed.Message;

    /// <summary>The W3C <c>traceparent</c> of the request whose transaction wrote the event.</summary>
    public string? SentTraceParent => packed.TraceParent;

    public Task NotifyConsumed(TimeSpan duration, string consumerType) => NotifyConsumed(this, duration, consumerType);

    public Task NotifyFaulted(TimeSpan duration, string consumerType, Exception exception) =>
        NotifyFaulted(this, duration, consumerType, exception);
}

/// <summary>What <see cref="SentTrace"/> reads of an event that came in a pack, whatever its type.</summary>
internal interface IPackedEventContext
{
    string? SentTraceParent { get; }
}
