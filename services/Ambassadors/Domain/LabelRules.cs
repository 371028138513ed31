namespace Scop.Aspire.Ambassadors.Domain;

/// <summary>A rule of the label's workflow, with the stable code a refusal names (<c>rule</c> in the ProblemDetails).</summary>
public sealed record LabelRule(string Code, string Title, string Detail);

/// <summary>A step of the label's workflow that someone asks for.</summary>
public enum LabelStep
{
    Apply,
    RequestRenewal,
    Review,
    Approve,
    Refuse,
    Suspend,
    Reinstate,
    Withdraw,
}

/// <summary>
/// Every step of the workflow is a command with its rule: who may take it is the endpoint's (the cooperative's manager
/// applies; the delegates of its regional union and staff decide), from which status and with what is here. No step
/// jumps one, none brings back a withdrawn, refused or expired label, and approval asks for every criterion.
/// </summary>
public static class LabelRules
{
    public static readonly LabelRule OneLiveLabelPerCooperative = new("one-live-label-per-cooperative",
        "The cooperative has an application or a label already",
        "A cooperative holds one application or label at a time; a labelled one asks for its renewal instead.");

    public static readonly LabelRule CooperativeInRegister = new("cooperative-in-register",
        "The cooperative is not known from the membership register",
        "Only a cooperative of the register applies; its details arrive with membership's events.");

    public static readonly LabelRule ReviewPendingApplication = new("review-pending-application",
        "Only an application awaiting its decision is reviewed",
        "The application was decided already, or this label is in force with no renewal asked for.");

    public static readonly LabelRule DecidePendingApplication = new("decide-pending-application",
        "Only an application awaiting its decision is approved or refused",
        "The application was decided already, or this label is in force with no renewal asked for.");

    public static readonly LabelRule ReviewedBeforeDecision = new("reviewed-before-approval",
        "The application was not reviewed",
        "The union's delegate visits the cooperative and fills the checklist before the label is granted.");

    public static readonly LabelRule CriteriaMet = new("criteria-met",
        "Not every criterion of the label is met",
        "Signage in place, the capacity to welcome and inform project holders and a local representation are all required.");

    public static readonly LabelRule MembershipCurrent = new("membership-current",
        "The cooperative's membership is not current",
        "An Ambassade's cooperative is a member of the movement with its dues paid, as the membership register's events say.");

    public static readonly LabelRule RenewLabelled = new("renew-labelled",
        "Only a label in force is renewed",
        "A suspended label is reinstated first; a refused, withdrawn or expired one is applied for anew.");

    public static readonly LabelRule RenewalOnce = new("renewal-asked-once",
        "The renewal was asked for already",
        "The union's delegate reviews it and decides.");

    public static readonly LabelRule SuspendLabelled = new("suspend-labelled",
        "Only a label in force is suspended",
        "The label is not in force: it is suspended already, or it was never granted or has ended.");

    public static readonly LabelRule ReinstateSuspended = new("reinstate-suspended",
        "Only a suspended label is reinstated",
        "The label is not suspended.");

    public static readonly LabelRule WithdrawLiveLabel = new("withdraw-live-label",
        "Only a label in force or suspended is withdrawn",
        "An application is refused rather than withdrawn; a withdrawn, refused or expired label has ended already.");

    /// <summary>The rule a <paramref name="step"/> on <paramref name="ambassade"/> breaks by its status, or null when it may be taken.</summary>
    public static LabelRule? Breaks(LabelStep step, Ambassade ambassade) => step switch
    {
        LabelStep.RequestRenewal when ambassade.Status != LabelStatus.Labelled => RenewLabelled,
        LabelStep.RequestRenewal when ambassade.RenewalRequestedAt is not null => RenewalOnce,
        LabelStep.Review when !ambassade.AwaitsDecision => ReviewPendingApplication,
        LabelStep.Approve or LabelStep.Refuse when !ambassade.AwaitsDecision => DecidePendingApplication,
        LabelStep.Approve when ambassade.ReviewedAt is null => ReviewedBeforeDecision,
        LabelStep.Approve when ambassade.MissingCriteria().Count > 0 => CriteriaMet,
        LabelStep.Suspend when ambassade.Status != LabelStatus.Labelled => SuspendLabelled,
        LabelStep.Reinstate when ambassade.Status != LabelStatus.Suspended => ReinstateSuspended,
        LabelStep.Withdraw when ambassade.Status is not (LabelStatus.Labelled or LabelStatus.Suspended) => WithdrawLiveLabel,
        _ => null,
    };
}
