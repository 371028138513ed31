namespace Scop.Aspire.Portal.Domain;

/// <summary>
/// One fact that counts towards a Congress target, as another service's event stated it: a cooperative that joined, a
/// person who completed a training, a premium granted for some jobs. One row per target, subject and year (the key), so an
/// event delivered twice, or two events about the same subject in a year, count once.
/// </summary>
public sealed class TargetFact
{
    public required string Target { get; set; }

    public Guid SubjectId { get; set; }

    public int Year { get; set; }

    public string? RegionalUnion { get; set; }

    public DateTimeOffset OccurredAt { get; set; }

    /// <summary>
    /// What the fact adds to its target's figure: 1 for a subject counted (a cooperative, a person, a takeover), the jobs
    /// of a job premium for the jobs kept.
    /// </summary>
    public int Quantity { get; set; } = 1;

    /// <summary>When the subject stopped counting (a cooperative whose membership lapsed); null while it counts.</summary>
    public DateTimeOffset? EndedAt { get; set; }
}
