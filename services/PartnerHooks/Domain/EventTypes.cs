namespace Scop.Aspire.PartnerHooks.Domain;

/// <summary>The CloudEvents <c>type</c> of every event a partner endpoint can subscribe to.</summary>
public static class EventTypes
{
    public const string CooperativeJoined = "scop.membership.cooperative.joined";
    public const string BenefitEnrolmentRequested = "scop.membership.benefit-enrolment.requested";

    /// <summary>The test event an operator sends on demand; every endpoint receives it, subscribed or not.</summary>
    public const string Ping = "scop.ping";

    public static readonly IReadOnlyList<string> Subscribable = [CooperativeJoined, BenefitEnrolmentRequested];
}
