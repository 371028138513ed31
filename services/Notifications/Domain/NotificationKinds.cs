namespace Scop.Aspire.Notifications.Domain;

/// <summary>
/// What a notification is about: one kind per event that concerns a person or a partner. The names are the keys of a
/// person's preferences and appear in the inbox.
/// </summary>
public static class NotificationKinds
{
    public const string BookingReleased = "booking-released";
    public const string WaitlistOffer = "waitlist-offer";
    public const string WelcomeDayInvitation = "welcome-day-invitation";
    public const string TrainingCompleted = "training-completed";
    public const string MembershipActivated = "membership-activated";
    public const string MembershipRenewed = "membership-renewed";
    public const string MembershipLapsed = "membership-lapsed";
    public const string MandateStarted = "mandate-started";
    public const string PartnerEndpointDisabled = "partner-endpoint-disabled";

    /// <summary>The invitation to set the password of a new account: always sent, by e-mail only.</summary>
    public const string AccountInvitation = "account-invitation";

    /// <summary>The kinds a person may turn off, channel by channel.</summary>
    public static readonly IReadOnlyList<string> Optional =
    [
        BookingReleased, WaitlistOffer, WelcomeDayInvitation, TrainingCompleted, MembershipActivated, MembershipRenewed,
        MembershipLapsed, MandateStarted,
    ];

    public static readonly IReadOnlyList<string> All = [.. Optional, PartnerEndpointDisabled, AccountInvitation];
}
