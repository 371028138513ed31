namespace Scop.Aspire.Ambassadors.Domain;

/// <summary>
/// One line of a label's history: what happened (<see cref="Step"/>: Applied, RenewalRequested, Reviewed, Labelled, Placed,
/// Renewed, Refused, RenewalDue, Suspended, Reinstated, Withdrawn, Expired), from which status to which, when, who did it
/// (a person and their role and union; <c>timer</c> for the service's own timers) and why.
/// </summary>
public sealed class AmbassadeHistoryLine
{
    public const int MaxStepLength = 32;

    public Guid Id { get; set; }

    public Guid AmbassadeId { get; set; }

    /// <summary>The order of the lines of one Ambassade (an identity column: moments may tie).</summary>
    public long Sequence { get; set; }

    public required string Step { get; set; }

    public LabelStatus? FromStatus { get; set; }

    public LabelStatus ToStatus { get; set; }

    public DateTimeOffset At { get; set; }

    public Guid? ActorPersonId { get; set; }

    public required string ActorRole { get; set; }

    public string? ActorRegionalUnion { get; set; }

    /// <summary>The reason of a refusal, suspension or withdrawal.</summary>
    public string? Reason { get; set; }

    /// <summary>What the step said besides: a review's checklist, a label's dates.</summary>
    public string? Comment { get; set; }
}
