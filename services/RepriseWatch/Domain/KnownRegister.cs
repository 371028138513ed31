namespace Scop.Aspire.RepriseWatch.Domain;

/// <summary>
/// A cooperative of the register as the watch learned it from membership's events (<c>CooperativeJoined</c>,
/// <c>CooperativeUpdated</c>, <c>PersonHired</c>): its SIREN, which converts the opportunity of the same company (or
/// the one it is linked to), its regional union, and the headcount it declared.
/// </summary>
public sealed class KnownCooperative
{
    public Guid Id { get; set; }

    /// <summary>Null when only a hire named the cooperative so far.</summary>
    public string? Siren { get; set; }

    public required string RegionalUnion { get; set; }

    /// <summary>When the register stated <see cref="RegionalUnion"/>: an older fact arriving late changes nothing.</summary>
    public DateTimeOffset RegionStatedAt { get; set; }

    public int? DeclaredHeadcount { get; set; }
}

/// <summary>
/// A person of the register (<c>PersonHired</c>, <c>PersonLeft</c>, <c>PersonErased</c>): who reports for which
/// cooperative, who may volunteer for a pool of future managers, and whether they completed the managers' path.
/// </summary>
public sealed class KnownPerson
{
    public Guid Id { get; set; }

    public Guid CooperativeId { get; set; }

    public DateOnly? LeftOn { get; set; }

    /// <summary>When they completed the managers' path (training's <c>TrainingCompleted</c>); null until then.</summary>
    public DateOnly? ManagersPathCompletedOn { get; set; }

    /// <summary>Erased from the register: <see cref="Id"/> is a random stand-in.</summary>
    public bool Erased { get; set; }
}
