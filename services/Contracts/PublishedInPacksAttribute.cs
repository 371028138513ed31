namespace Scop.Aspire.Contracts;

/// <summary>
/// An event that comes by the hundred a second (a cooperative joining). The outbox relay publishes the ones it finds
/// waiting together as one message, a pack, instead of one message each: the broker and every consumer then pay their
/// cost per message once for the pack. Every consumer of such an event must take packs; a batch consumer does.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class PublishedInPacksAttribute : Attribute;
