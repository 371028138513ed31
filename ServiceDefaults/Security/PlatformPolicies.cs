namespace Scop.Aspire.ServiceDefaults.Security;

/// <summary>
/// The named authorization policies every endpoint chooses from. A policy says who may call at all; which rows the
/// caller then sees or changes is the handler's business, through <see cref="CallerScope"/>.
/// </summary>
public static class PlatformPolicies
{
    /// <summary>Any valid token of the service's audience.</summary>
    public const string Authenticated = "authenticated";

    /// <summary>Register or change a cooperative: a delegate (of the cooperative's region) or a confederation admin.</summary>
    public const string ManageCooperatives = "cooperatives:manage";

    /// <summary>
    /// Read the register: a delegate (their region), a cooperative manager (their cooperative), federation staff and
    /// confederation admins (everything).
    /// </summary>
    public const string ReadCooperatives = "cooperatives:read";

    /// <summary>Administer identities, roles, partner clients, the catalogue of partners: confederation admins.</summary>
    public const string ConfederationAdmin = "confederation-admin";

    /// <summary>A partner bank's machine client.</summary>
    public const string Partner = "partner";

    /// <summary>Partner endpoints and subscriptions are run by the confederation.</summary>
    public const string PartnerAdmin = ConfederationAdmin;

    /// <summary>Confederation staff: federation or confederation admins.</summary>
    public const string Staff = "staff";

    /// <summary>
    /// A person of the movement, whatever their role (not a partner's machine client): for what people do for
    /// themselves or for those in their scope (book training, read their passport); the handler narrows it with
    /// <see cref="CallerScope"/>.
    /// </summary>
    public const string Person = "person";

    /// <summary>
    /// What a cooperative does for itself — hire, record roles and departures, apply and pay its dues, declare its events:
    /// its own manager, a delegate of its union, or a confederation admin (the handler checks which cooperative,
    /// <see cref="CallerScope.CanActFor"/>).
    /// </summary>
    public const string CooperativeSelfService = "cooperatives:self-service";

    /// <summary>What only a cooperative's own manager does (apply for its SCOP Ambassade label): the handler takes the cooperative from the token.</summary>
    public const string CooperativeManager = "cooperative-manager";

    /// <summary>Staff, or a regional union's delegate for their region (the handler checks the region).</summary>
    public const string StaffOrDelegate = "staff-or-delegate";
}
