namespace Scop.Aspire.ServiceDefaults.Security;

/// <summary>The roles of DESIGN.md §8, as they appear in the <c>role</c> claim of a token.</summary>
public static class PlatformRoles
{
    public const string Member = "member";
    public const string CooperativeManager = "cooperative-manager";
    public const string Elected = "elected";
    public const string Delegate = "delegate";
    public const string Federation = "federation";
    public const string ConfederationAdmin = "confederation-admin";
    public const string Partner = "partner";

    public static readonly IReadOnlyList<string> All =
        [Member, CooperativeManager, Elected, Delegate, Federation, ConfederationAdmin, Partner];

    /// <summary>The roles of people of the movement (every role but a partner bank's machine client).</summary>
    public static readonly IReadOnlyList<string> People =
        [Member, CooperativeManager, Elected, Delegate, Federation, ConfederationAdmin];
}

/// <summary>Claim types the identity service issues and the services read.</summary>
public static class PlatformClaims
{
    public const string Subject = "sub";
    public const string Name = "name";

    /// <summary>The account's user name (for an account opened from a hire, its e-mail address): <c>name</c> falls back on it.</summary>
    public const string PreferredUserName = "preferred_username";
    public const string Role = "role";
    public const string Scope = "scope";
    public const string ClientId = "client_id";

    /// <summary>The regional union a delegate acts for, e.g. <c>urscop-aura</c>.</summary>
    public const string RegionalUnion = "regional_union";

    /// <summary>The cooperative a cooperative manager manages (its id in the membership register).</summary>
    public const string CooperativeId = "cooperative_id";

    /// <summary>
    /// The person the holder of the token is in the membership register (their person id, a UUID): what makes "my
    /// bookings", "my passport" theirs. Not the subject (<c>sub</c>), which names the account at the identity service.
    /// </summary>
    public const string PersonId = "person_id";
}

/// <summary>
/// The audience of each service's tokens (the resource a client asks for with the scope of the same name) and the
/// API scopes the identity service knows.
/// </summary>
public static class PlatformAudiences
{
    public const string Membership = ResourceNames.Membership;
    public const string Portal = ResourceNames.Portal;
    public const string PartnerHooks = "partner-hooks";
    public const string Identity = ResourceNames.Identity;
    public const string Training = ResourceNames.Training;
    public const string Notifications = ResourceNames.Notifications;
    public const string RepriseWatch = ResourceNames.RepriseWatch;
    public const string Ambassadors = ResourceNames.Ambassadors;

    public static readonly IReadOnlyList<string> All = [Membership, Portal, PartnerHooks, Identity, Training, Notifications, RepriseWatch, Ambassadors];
}
