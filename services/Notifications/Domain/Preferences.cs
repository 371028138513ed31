namespace Scop.Aspire.Notifications.Domain;

/// <summary>One kind of notification, by which channels a person wants it.</summary>
public sealed record ChannelChoice(string Kind, bool Email, bool Inbox);

/// <summary>
/// A person's choices of what they are told and how. A kind they never chose is sent both ways. Stored as one row per
/// person with a version (the ETag of the preferences), so two concurrent edits cannot silently overwrite each other.
/// </summary>
public sealed class PreferenceSet
{
    public Guid PersonId { get; set; }

    /// <summary>Only the kinds the person changed from the default.</summary>
    public List<ChannelChoice> Choices { get; set; } = [];

    public int Version { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public ChannelChoice For(string kind) =>
        Choices.FirstOrDefault(c => c.Kind == kind) ?? new ChannelChoice(kind, Email: true, Inbox: true);
}
