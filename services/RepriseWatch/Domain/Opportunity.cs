namespace Scop.Aspire.RepriseWatch.Domain;

/// <summary>Where a takeover opportunity stands: reported → qualified → feasibility → financing → converted, or lost.</summary>
public enum Stage
{
    Reported,
    Qualified,
    Feasibility,
    Financing,
    Converted,
    Lost,
}

/// <summary>Why the company may change hands.</summary>
public enum TakeoverCause
{
    /// <summary>The owner retires (the owner's age band is then known).</summary>
    OwnerRetiring,

    NoSuccessor,

    /// <summary>Liquidation or receivership (<i>liquidation ou redressement judiciaire</i>).</summary>
    Receivership,

    /// <summary>A group sells one of its sites.</summary>
    GroupSellingSite,

    /// <summary>Anything else, said in words.</summary>
    Other,
}

/// <summary>The retiring owner's age band.</summary>
public enum OwnerAgeBand
{
    Under55,
    From55To59,
    From60To64,
    From65To69,
    From70,
}

/// <summary>
/// Who may see the company's name (and its SIREN, which names it as surely), in answers, searches and events alike.
/// The regional union's delegates and staff always do: they qualify it.
/// </summary>
public enum Confidentiality
{
    /// <summary>Everyone who sees the opportunity sees the company: its reporters' managers, the partners financing it, the events.</summary>
    Open,

    /// <summary>Its reporters, the union's delegates and staff; not a reporter's manager, nor a partner, nor an event.</summary>
    Restricted,

    /// <summary>The union's delegates and staff only.</summary>
    Confidential,
}

/// <summary>Why an opportunity was lost: a fixed list, so the losses can be counted; the comment says the rest.</summary>
public enum LostReason
{
    SoldToAnotherBuyer,
    OwnerWithdrew,
    NotViable,
    NoFinancing,
    NoManagerFound,
    EmployeesDeclined,
    Liquidated,
    Other,
}

/// <summary>
/// A company that may be taken over, as the movement's strategic watch knows it: reported by people of member
/// cooperatives (one opportunity per SIREN, whoever reports it again), qualified by the delegates of the regional union
/// of its commune, carried through the pipeline by moves that each follow a rule (<see cref="PipelineRules"/>), until
/// the company joins the movement as a cooperative (converted) or the opportunity is lost.
/// </summary>
public sealed class Opportunity
{
    public const int MaxNameLength = 200;
    public const int MaxCauseDetailLength = 1_000;
    public const int MaxSummaryLength = 4_000;
    public const int MaxCommentLength = 2_000;
    public const int MaxHeadcount = 100_000;

    private Opportunity()
    {
    }

    public Guid Id { get; private set; }

    public string Siren { get; private set; } = "";

    public string CompanyName { get; private set; } = "";

    /// <summary>The name folded for searching (lower case, no accents).</summary>
    public string SearchName { get; private set; } = "";

    public string NafCode { get; private set; } = "";

    /// <summary>The NAF division (first two digits): what pools of future managers match on.</summary>
    public string NafDivision { get; private set; } = "";

    public string CommuneCode { get; private set; } = "";

    /// <summary>The union of the commune's région, whose delegates qualify the opportunity.</summary>
    public string RegionalUnion { get; private set; } = "";

    public int Headcount { get; private set; }

    public TakeoverCause Cause { get; private set; }

    public OwnerAgeBand? OwnerAgeBand { get; private set; }

    public string? CauseDetail { get; private set; }

    public DateOnly? Deadline { get; private set; }

    public Confidentiality Confidentiality { get; private set; }

    public Stage Stage { get; private set; }

    public DateTimeOffset ReportedAt { get; private set; }

    /// <summary>The last report or move: the stale timer counts from here.</summary>
    public DateTimeOffset LastActivityAt { get; private set; }

    /// <summary>Flagged stale by its timer; the next activity clears it.</summary>
    public DateTimeOffset? StaleSince { get; private set; }

    public DateOnly? ContactedOn { get; private set; }

    public int? JobsAtStake { get; private set; }

    public string? FeasibilitySummary { get; private set; }

    public LostReason? LostReason { get; private set; }

    public string? LostComment { get; private set; }

    /// <summary>When it was converted or lost.</summary>
    public DateTimeOffset? ClosedAt { get; private set; }

    /// <summary>The SIREN of the cooperative that takes the company over, when it is a new company (a delegate links it).</summary>
    public string? SuccessorSiren { get; private set; }

    /// <summary>The cooperative of the register it became.</summary>
    public Guid? CooperativeId { get; private set; }

    public int? JobsKept { get; private set; }

    /// <summary>PostgreSQL's row version (<c>xmin</c>): the ETag, and the concurrency token of every move.</summary>
    public uint Version { get; private set; }

    public List<OpportunityReporter> Reporters { get; private set; } = [];

    public bool IsOpen => Stage is not (Stage.Converted or Stage.Lost);

    public static Opportunity Report(OpportunityFacts facts, string regionalUnion, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(now),
        Siren = facts.Siren,
        CompanyName = facts.CompanyName,
        SearchName = Scop.Aspire.ReferenceData.SearchText.Fold(facts.CompanyName),
        NafCode = facts.NafCode,
        NafDivision = facts.NafCode[..2],
        CommuneCode = facts.CommuneCode,
        RegionalUnion = regionalUnion,
        Headcount = facts.Headcount,
        Cause = facts.Cause,
        OwnerAgeBand = facts.OwnerAgeBand,
        CauseDetail = facts.CauseDetail,
        Deadline = facts.Deadline,
        Confidentiality = facts.Confidentiality,
        Stage = Stage.Reported,
        ReportedAt = now,
        LastActivityAt = now,
    };

    /// <summary>Someone else reports it again: the stricter confidentiality of the two holds, and it counts as activity.</summary>
    public void ReportedAgain(Confidentiality requested, DateTimeOffset now)
    {
        if (requested > Confidentiality)
        {
            Confidentiality = requested;
        }

        Touch(now);
    }

    public void Qualify(DateOnly contactedOn, int jobsAtStake, DateTimeOffset now)
    {
        ContactedOn = contactedOn;
        JobsAtStake = jobsAtStake;
        MoveTo(Stage.Qualified, now);
    }

    public void StartFeasibility(DateTimeOffset now) => MoveTo(Stage.Feasibility, now);

    public void StartFinancing(string feasibilitySummary, DateTimeOffset now)
    {
        FeasibilitySummary = feasibilitySummary;
        MoveTo(Stage.Financing, now);
    }

    public void Lose(LostReason reason, string comment, DateTimeOffset now)
    {
        LostReason = reason;
        LostComment = comment;
        ClosedAt = now;
        MoveTo(Stage.Lost, now);
    }

    public void LinkSuccessor(string siren, DateTimeOffset now)
    {
        SuccessorSiren = siren;
        Touch(now);
    }

    /// <summary>The company joined the movement as <paramref name="cooperativeId"/>, keeping <paramref name="jobsKept"/> jobs.</summary>
    public void Convert(Guid cooperativeId, int jobsKept, DateTimeOffset now)
    {
        CooperativeId = cooperativeId;
        JobsKept = jobsKept;
        ClosedAt = now;
        MoveTo(Stage.Converted, now);
    }

    /// <summary>Its stale timer found it without activity: flagged until its next report or move.</summary>
    public void FlagStale(DateTimeOffset now) => StaleSince = now;

    /// <summary>The jobs a conversion keeps: those the new cooperative declared, else those at stake, else the headcount.</summary>
    public int JobsKeptBy(int? declaredHeadcount) => declaredHeadcount ?? JobsAtStake ?? Headcount;

    private void MoveTo(Stage stage, DateTimeOffset now)
    {
        Stage = stage;
        Touch(now);
    }

    private void Touch(DateTimeOffset now)
    {
        LastActivityAt = now;
        StaleSince = null;
    }
}

/// <summary>What a report says about the company, validated.</summary>
public sealed record OpportunityFacts(
    string Siren,
    string CompanyName,
    string NafCode,
    string CommuneCode,
    int Headcount,
    TakeoverCause Cause,
    OwnerAgeBand? OwnerAgeBand,
    string? CauseDetail,
    DateOnly? Deadline,
    Confidentiality Confidentiality);

/// <summary>
/// Someone who reported the opportunity: a person of the register (their <c>person_id</c>) and the cooperative they
/// reported for — or a delegate or staff member, who reports for the union. The same person reporting the same company
/// again is the same reporter.
/// </summary>
public sealed class OpportunityReporter
{
    public Guid Id { get; set; }

    public Guid OpportunityId { get; set; }

    public Guid? PersonId { get; set; }

    public Guid? CooperativeId { get; set; }

    public DateTimeOffset ReportedAt { get; set; }

    /// <summary>The level this reporter asked for (the opportunity keeps the strictest).</summary>
    public Confidentiality Confidentiality { get; set; }
}

/// <summary>
/// One step of an opportunity's history: who moved it (a person, or their role and union; the register for a
/// conversion), when, from which stage to which, and why. The report itself is the first (from nothing to reported).
/// </summary>
public sealed class OpportunityMove
{
    public const int MaxReasonLength = 64;

    public Guid Id { get; set; }

    public Guid OpportunityId { get; set; }

    /// <summary>The order the moves were recorded in (moves of one instant keep their order).</summary>
    public long Sequence { get; set; }

    public Stage? FromStage { get; set; }

    public Stage ToStage { get; set; }

    public DateTimeOffset At { get; set; }

    public Guid? ActorPersonId { get; set; }

    /// <summary><c>delegate</c>, <c>federation</c>, <c>confederation-admin</c>, <c>member</c>…, or <c>register</c>.</summary>
    public string ActorRole { get; set; } = "";

    public string? ActorRegionalUnion { get; set; }

    /// <summary>A lost reason, or <c>CooperativeJoined</c> for a conversion.</summary>
    public string? Reason { get; set; }

    public string? Comment { get; set; }
}
