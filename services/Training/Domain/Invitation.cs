namespace Scop.Aspire.Training.Domain;

/// <summary>A new hire's invitation to a welcome day; a person is invited once (a unique constraint).</summary>
public sealed class Invitation
{
    public Guid Id { get; set; }

    public Guid PersonId { get; set; }

    public Guid CooperativeId { get; set; }

    public required string RegionalUnion { get; set; }

    public DateOnly HiredOn { get; set; }

    /// <summary>The welcome-day session proposed; null when none of the union is scheduled yet.</summary>
    public Guid? SessionId { get; set; }

    public DateTimeOffset InvitedAt { get; set; }

    public bool Anonymised { get; set; }
}
