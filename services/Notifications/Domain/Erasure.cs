namespace Scop.Aspire.Notifications.Domain;

/// <summary>A person who was erased: nothing about them is kept but this id, so a late event tells nobody.</summary>
public sealed class Erasure
{
    public Guid PersonId { get; set; }

    public DateTimeOffset ErasedAt { get; set; }
}
