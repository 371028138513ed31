namespace Scop.Aspire.Notifications.Domain;

/// <summary>
/// A person of the register as this service needs them, learnt from membership's events: where to write to them, and
/// which cooperative they manage (a cooperative's notices go to its managers). Nothing else is kept; erasure deletes it.
/// </summary>
public sealed class Recipient
{
    public Guid PersonId { get; set; }

    /// <summary>Null when the register holds no address: they are told in the inbox only.</summary>
    public string? Email { get; set; }

    public Guid CooperativeId { get; set; }

    public string RegionalUnion { get; set; } = "";

    /// <summary>Holds the manager role of <see cref="CooperativeId"/>.</summary>
    public bool IsManager { get; set; }

    /// <summary>Left the cooperative: no longer told what concerns it.</summary>
    public bool HasLeft { get; set; }

    /// <summary>When the register stated the latest fact applied here; an older fact arriving late changes nothing.</summary>
    public DateTimeOffset StatedAt { get; set; }
}
