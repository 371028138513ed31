namespace Scop.Aspire.Portal.Features.Targets;

/// <summary>How a target counts: people or things over a calendar year, or what stands at a moment.</summary>
public enum TargetKind
{
    PerYear,
    Standing,
}

/// <summary>
/// One target of the Congress (the seed), where its figure comes from, or why none is shown yet. <paramref name="Target"/>
/// is 0 where the seed sets no figure: the progress is then the count alone, with no share of a target to compute.
/// </summary>
public sealed record CongressTarget(string Code, string Label, long Target, TargetKind Kind, string Source, string? NotFedBecause);

/// <summary>
/// Every target of the seed. Those no service feeds yet say so and show no number: the register's <c>PersonHired</c>
/// does not say whether a person is a worker-member.
/// </summary>
public static class CongressTargets
{
    public const string MemberCooperatives = "member-cooperatives";
    public const string TrainingEmployees = "training-entries-employees";
    public const string TrainingManagers = "training-entries-managers";
    public const string PortalVisits = "portal-visits";
    public const string TakeoversConverted = "takeovers-converted";
    public const string JobsKept = "jobs-kept";
    public const string Ambassades = "ambassades";
    public const string Clubs = "clubs";

    public static readonly IReadOnlyList<CongressTarget> All =
    [
        new(MemberCooperatives, "Coopératives adhérentes", 1_600, TargetKind.Standing,
            "membership: CooperativeJoined, MembershipLapsed, MembershipRenewed", null),
        new("worker-members", "Coopérateurs et coopératrices (associés salariés)", 36_000, TargetKind.Standing,
            "membership", "The register's PersonHired does not say whether the person is a worker-member: no event counts them yet."),
        new(TrainingEmployees, "Entrées en formation : salariés et associés (5 % du réseau)", 1_500, TargetKind.PerYear,
            "training: TrainingCompleted (role Employee), each person once a year", null),
        new(TrainingManagers, "Entrées en formation : dirigeants", 150, TargetKind.PerYear,
            "training: TrainingCompleted (role Manager), each person once a year", null),
        new(PortalVisits, "Visites du portail AGIR", 500_000, TargetKind.PerYear,
            "portal: visit beacons (a visitor counts once a day)", null),
        new(Ambassades, "SCOP Ambassades labellisées", 200, TargetKind.Standing,
            "ambassadors: AmbassadeLabelled (a first label, from its first day); AmbassadeSuspended, AmbassadeWithdrawn and AmbassadeExpired end it, AmbassadeReinstated counts it again", null),
        new(Clubs, "Clubs inter-SCOP", 50, TargetKind.Standing,
            "ambassadors: ClubOpened (from its opening day), ended by ClubClosed", null),
        // The seed sets no figure for these two (0): their progress is a count.
        new(TakeoversConverted, "Reprises transformées en SCOP", 0, TargetKind.PerYear,
            "reprise-watch: TakeoverOpportunityConverted, each opportunity once, in the year it converted", null),
        new(JobsKept, "Emplois créés ou maintenus (prime à l'emploi)", 0, TargetKind.PerYear,
            "reprise-watch: JobPremiumGranted, the jobs of each premium once, in the premium's year", null),
    ];
}
