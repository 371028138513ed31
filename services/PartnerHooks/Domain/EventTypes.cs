namespace Scop.Aspire.PartnerHooks.Domain;

/// <summary>The CloudEvents <c>type</c> of every event a partner endpoint can subscribe to.</summary>
public static class EventTypes
{
    public const string CooperativeJoined = "scop.membership.cooperative.joined";
    public const string BenefitEnrolmentRequested = "scop.membership.benefit-enrolment.requested";

    /// <summary>The seed fund was asked to finance a takeover from compartments the partner funds.</summary>
    public const string SeedFundRequested = "scop.reprise-watch.seed-fund.requested";

    public const string SeedFundApproved = "scop.reprise-watch.seed-fund.approved";

    public const string SeedFundRefused = "scop.reprise-watch.seed-fund.refused";

    /// <summary>The movement granted a job premium the partner bank is asked to double with an interest-free loan.</summary>
    public const string JobPremiumGranted = "scop.reprise-watch.job-premium.granted";

    /// <summary>The test event an operator sends on demand; every endpoint receives it, subscribed or not.</summary>
    public const string Ping = "scop.ping";

    public static readonly IReadOnlyList<string> Subscribable =
        [CooperativeJoined, BenefitEnrolmentRequested, SeedFundRequested, SeedFundApproved, SeedFundRefused, JobPremiumGranted];
}
