using Microsoft.AspNetCore.Identity;

namespace Scop.Aspire.Identity.Domain;

/// <summary>
/// A person who signs in: a worker-member, a manager, an elected official, a delegate, confederation staff. Roles
/// are ASP.NET Core Identity roles; the scope of a role (a delegate's regional union, a manager's cooperative) is
/// kept on the user and issued as a claim.
/// </summary>
public sealed class PlatformUser : IdentityUser
{
    public const int MaxDisplayNameLength = 200;
    public const int MaxRegionalUnionLength = 64;

    public string? DisplayName { get; set; }

    /// <summary>The regional union a delegate acts for (e.g. <c>urscop-aura</c>).</summary>
    public string? RegionalUnion { get; set; }

    /// <summary>The cooperative a cooperative manager manages.</summary>
    public Guid? CooperativeId { get; set; }

    /// <summary>
    /// The person the account belongs to in the membership register: set when the account is made for a person the
    /// register hired, and issued as <c>person_id</c>. Null for accounts of no person (staff, delegates made by hand).
    /// </summary>
    public Guid? PersonId { get; set; }
}
