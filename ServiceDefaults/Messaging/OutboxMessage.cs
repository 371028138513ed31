namespace Scop.Aspire.ServiceDefaults.Messaging;

/// <summary>
/// An integration event waiting to leave the service, saved in the same transaction as the state change that
/// caused it. The relay publishes it, then marks it sent.
/// </summary>
public sealed class OutboxMessage
{
    /// <summary>The event id; also the message id on the bus, which consumers' inboxes deduplicate on.</summary>
    public Guid Id { get; set; }

    /// <summary>
    /// Publication order; events of one aggregate are published in this order. Drawn from a database sequence when
    /// the unit of work is saved, in the order the events were added, so it follows both the order within a
    /// transaction and the order of transactions.
    /// </summary>
    public long Sequence { get; set; }

    /// <summary>The order in which this process added the event; not stored, used to number the rows in order.</summary>
    internal long AddedOrder { get; set; }

    /// <summary>Events with the same aggregate id are published in order; null means "no ordering needed".</summary>
    public string? AggregateId { get; set; }

    /// <summary>The CLR type to publish it as ("Namespace.Type, Assembly").</summary>
    public required string MessageType { get; set; }

    /// <summary>The event, as JSON.</summary>
    public required string Body { get; set; }

    /// <summary>W3C trace context of the request that wrote it, so one trace runs from that request to the consumers.</summary>
    public string? TraceParent { get; set; }

    public string? TraceState { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>A durable timer: the relay publishes the row no earlier than this.</summary>
    public DateTimeOffset? NotBefore { get; set; }

    public DateTimeOffset? SentAt { get; set; }

    /// <summary>
    /// The row carries a person's data that must not outlive its publication: an erasure (the event that announces it,
    /// or events about the person that were still waiting). The relay deletes it once published instead of keeping it
    /// for <see cref="OutboxOptions.SentRetention"/>.
    /// </summary>
    public bool DeleteWhenSent { get; set; }

    public int Attempts { get; set; }

    public string? LastError { get; set; }
}

/// <summary>A message a consumer has applied: its effect and this row commit together, so a redelivery is a no-op.</summary>
public sealed class InboxMessage
{
    public required string Consumer { get; set; }

    public Guid MessageId { get; set; }

    public DateTimeOffset ProcessedAt { get; set; }

    /// <summary>The trace the message was consumed under, for operators following one event across services.</summary>
    public string? TraceId { get; set; }
}
