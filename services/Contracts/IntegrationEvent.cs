namespace Scop.Aspire.Contracts;

/// <summary>
/// The shape every integration event shares. Events are immutable records, evolved additively only:
/// a breaking change is a new type.
/// </summary>
public interface IIntegrationEvent
{
    /// <summary>Unique id of this occurrence; also the message id on the bus, so consumers can deduplicate.</summary>
    Guid EventId { get; }

    /// <summary>When the fact happened, in the publishing service's clock (UTC).</summary>
    DateTimeOffset OccurredAt { get; }
}
