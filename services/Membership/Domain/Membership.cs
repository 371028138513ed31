namespace Scop.Aspire.Membership.Domain;

/// <summary>How a membership's terms run: a year from the start, or up to the next rollover date.</summary>
public enum TermKind
{
    Rolling,
    CalendarYear,
}

/// <summary>Where a membership stands on a given day; never stored, always computed from the terms.</summary>
public enum MembershipStatus
{
    /// <summary>Applied, dues not paid yet (or the first paid term has not begun).</summary>
    Pending,

    /// <summary>Within the first paid term.</summary>
    New,

    /// <summary>Within a paid term, after the first.</summary>
    Current,

    /// <summary>The last term ended less than <see cref="MembershipRules.GraceDays"/> days ago: renewing now keeps continuity.</summary>
    Grace,

    /// <summary>The grace period is over: a renewal starts a new term on its payment date, leaving a gap.</summary>
    Expired,

    /// <summary>More than <see cref="MembershipRules.StrikeOffDays"/> days without a paid term.</summary>
    StruckOff,
}

/// <summary>A paid term, first day to last day, both included.</summary>
public readonly record struct TermSpan(DateOnly StartsOn, DateOnly EndsOn);

/// <summary>The membership rules, as pure functions of the terms and the day.</summary>
public static class MembershipRules
{
    /// <summary>Days after a term's last day during which the membership is in grace.</summary>
    public const int GraceDays = 90;

    /// <summary>Days after a term's last day after which an unrenewed membership is struck off.</summary>
    public const int StrikeOffDays = 365;

    public static MembershipStatus StatusOn(IReadOnlyCollection<TermSpan> paidTerms, DateOnly today)
    {
        var begun = paidTerms.Where(t => t.StartsOn <= today).ToList();
        if (begun.Count == 0)
        {
            return MembershipStatus.Pending;
        }

        var first = paidTerms.MinBy(t => t.StartsOn);
        var running = begun.Where(t => today <= t.EndsOn).ToList();
        if (running.Count > 0)
        {
            return running.Any(t => t == first) ? MembershipStatus.New : MembershipStatus.Current;
        }

        var daysSinceEnd = today.DayNumber - begun.Max(t => t.EndsOn).DayNumber;
        return daysSinceEnd <= GraceDays ? MembershipStatus.Grace
            : daysSinceEnd <= StrikeOffDays ? MembershipStatus.Expired
            : MembershipStatus.StruckOff;
    }

    /// <summary>In good standing: its members' cards are valid.</summary>
    public static bool IsInGoodStanding(MembershipStatus status) =>
        status is MembershipStatus.New or MembershipStatus.Current or MembershipStatus.Grace;

    /// <summary>The last day of a term that starts on <paramref name="startsOn"/>.</summary>
    public static DateOnly TermEndsOn(TermKind kind, DateOnly startsOn, int rolloverMonth, int rolloverDay)
    {
        if (kind == TermKind.Rolling)
        {
            return startsOn.AddYears(1).AddDays(-1);
        }

        var rollover = new DateOnly(startsOn.Year, rolloverMonth, rolloverDay);
        if (rollover <= startsOn)
        {
            rollover = rollover.AddYears(1);
        }

        return rollover.AddDays(-1);
    }

    /// <summary>
    /// Where a term paid on <paramref name="paidOn"/> starts: right after the last term when paid before it ends or
    /// within its grace period (a renewal extends the term), else on the payment day — a renewal after a lapse is not
    /// back-dated, so the gap stays visible.
    /// </summary>
    public static DateOnly NextTermStartsOn(IReadOnlyCollection<TermSpan> paidTerms, DateOnly paidOn)
    {
        if (paidTerms.Count == 0)
        {
            return paidOn;
        }

        var lastEnd = paidTerms.Max(t => t.EndsOn);
        return paidOn.DayNumber - lastEnd.DayNumber <= GraceDays ? lastEnd.AddDays(1) : paidOn;
    }

    /// <summary>The moment the grace period after a term is over (the start of the first day out of grace, UTC).</summary>
    public static DateTimeOffset GraceEndsAt(DateOnly termEndsOn) =>
        new(termEndsOn.AddDays(GraceDays + 1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
}

/// <summary>A cooperative's membership of the movement: its terms, their dues and payments.</summary>
public sealed class CooperativeMembership
{
    private CooperativeMembership()
    {
    }

    public Guid Id { get; private set; }

    public Guid CooperativeId { get; private set; }

    public string RegionalUnion { get; private set; } = "";

    public TermKind TermKind { get; private set; }

    public int RolloverMonth { get; private set; }

    public int RolloverDay { get; private set; }

    /// <summary>Yearly dues, in euro cents.</summary>
    public long DuesCents { get; private set; }

    public DateOnly AppliedOn { get; private set; }

    /// <summary>The last day of the latest paid term (denormalised, so concurrent payments conflict on this row).</summary>
    public DateOnly? PaidThrough { get; private set; }

    /// <summary>The term end whose lapse was published: MembershipLapsed goes out once per lapse.</summary>
    public DateOnly? LapseReportedFor { get; private set; }

    public uint Version { get; private set; }

    public List<MembershipTerm> Terms { get; private set; } = [];

    public static CooperativeMembership Apply(Cooperative cooperative, TermKind kind, int rolloverMonth, int rolloverDay,
        long duesCents, DateOnly appliedOn, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(now),
        CooperativeId = cooperative.Id,
        RegionalUnion = cooperative.RegionalUnion,
        TermKind = kind,
        RolloverMonth = rolloverMonth,
        RolloverDay = rolloverDay,
        DuesCents = duesCents,
        AppliedOn = appliedOn,
    };

    public IReadOnlyCollection<TermSpan> PaidTerms => Terms.Select(t => new TermSpan(t.StartsOn, t.EndsOn)).ToList();

    public MembershipStatus StatusOn(DateOnly today) => MembershipRules.StatusOn(PaidTerms, today);

    /// <summary>Records a payment of a year's dues: the first activates the membership, the next renew it.</summary>
    public MembershipTerm Pay(long amountCents, DateOnly paidOn)
    {
        var startsOn = MembershipRules.NextTermStartsOn(PaidTerms, paidOn);
        var term = new MembershipTerm
        {
            Id = Guid.CreateVersion7(),
            MembershipId = Id,
            StartsOn = startsOn,
            EndsOn = MembershipRules.TermEndsOn(TermKind, startsOn, RolloverMonth, RolloverDay),
            AmountCents = amountCents,
            PaidOn = paidOn,
        };
        Terms.Add(term);
        PaidThrough = Terms.Max(t => t.EndsOn);
        return term;
    }

    /// <summary>
    /// Whether the grace period after <paramref name="termEndsOn"/> has ended with no renewal, and is not reported yet:
    /// then it is marked reported and the caller publishes MembershipLapsed.
    /// </summary>
    public bool TryReportLapse(DateOnly termEndsOn, DateOnly today)
    {
        if (PaidThrough != termEndsOn || LapseReportedFor == termEndsOn
            || StatusOn(today) is not (MembershipStatus.Expired or MembershipStatus.StruckOff))
        {
            return false;
        }

        LapseReportedFor = termEndsOn;
        return true;
    }
}

public sealed class MembershipTerm
{
    public Guid Id { get; init; }

    public Guid MembershipId { get; init; }

    public DateOnly StartsOn { get; init; }

    public DateOnly EndsOn { get; init; }

    public long AmountCents { get; init; }

    public DateOnly PaidOn { get; init; }
}
