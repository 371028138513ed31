namespace Scop.Aspire.Training.Domain;

/// <summary>
/// A cooperative as training learned it from the membership register's events (<c>CooperativeJoined</c>,
/// <c>CooperativeUpdated</c>, and <c>PersonHired</c>, which names the cooperative's union at the hire): its regional
/// union, whose delegates act for its people here, and the headcount it declared. Training never takes either from a
/// request.
/// </summary>
public sealed class KnownCooperative
{
    public Guid Id { get; set; }

    public required string RegionalUnion { get; set; }

    /// <summary>When the register stated <see cref="RegionalUnion"/>: an older fact arriving late changes nothing.</summary>
    public DateTimeOffset RegionStatedAt { get; set; }

    /// <summary>The number of people the cooperative declared to the register; null until it says.</summary>
    public int? DeclaredHeadcount { get; set; }

    /// <summary>When the register stated <see cref="DeclaredHeadcount"/>; null before any cooperative event.</summary>
    public DateTimeOffset? DetailsStatedAt { get; set; }
}

/// <summary>
/// A person of the register as training knows them (<c>PersonHired</c>, <c>PersonLeft</c>, <c>PersonErased</c>): only
/// these people can be booked, they count in their cooperative's headcount while they work there, and in the yearly
/// training targets (managers apart, <c>PersonRoleStarted</c> making one).
/// </summary>
public sealed class KnownPerson
{
    public Guid Id { get; set; }

    public Guid CooperativeId { get; set; }

    public DateOnly HiredOn { get; set; }

    public DateOnly? LeftOn { get; set; }

    /// <summary>Holds the manager role (from the hire or a later role): counted apart in the yearly targets.</summary>
    public bool IsManager { get; set; }

    /// <summary>Erased from the register: <see cref="Id"/> is a random stand-in, kept so the headcount stays right.</summary>
    public bool Erased { get; set; }
}
