using Scop.Aspire.Web.Api.Membership;

namespace Scop.Aspire.Web.Components.Shared;

/// <summary>The register's states and roles in the words of the site.</summary>
public static class MembershipNames
{
    public static string Status(MembershipStatus status) => status switch
    {
        MembershipStatus.Pending => "En attente de la première cotisation",
        MembershipStatus.New => "Nouvelle adhérente",
        MembershipStatus.Current => "À jour de ses cotisations",
        MembershipStatus.Grace => "Cotisation en retard (délai de grâce)",
        MembershipStatus.Expired => "Adhésion échue",
        MembershipStatus.StruckOff => "Radiée",
        _ => status.ToString(),
    };

    /// <summary>In good standing: the membership opens its members' rights (their card is valid).</summary>
    public static bool IsGood(MembershipStatus status) =>
        status is MembershipStatus.New or MembershipStatus.Current or MembershipStatus.Grace;

    /// <summary>The person's role today (the latest of those still open).</summary>
    public static string Role(PersonResponse person) =>
        person.Roles.Where(r => r.EndsOn is null).OrderByDescending(r => r.StartsOn).FirstOrDefault()?.Kind is { } kind
            ? Role(kind)
            : "—";

    public static string Role(RoleKind kind) => kind switch
    {
        RoleKind.WorkerMember => "associé·e",
        RoleKind.Manager => "dirigeant·e",
        RoleKind.Employee => "salarié·e",
        _ => kind.ToString(),
    };

    public static string MandateLevel(MandateLevel level) => level switch
    {
        Api.Membership.MandateLevel.Regional => "régional",
        Api.Membership.MandateLevel.Federal => "fédéral",
        Api.Membership.MandateLevel.Confederal => "confédéral",
        _ => level.ToString(),
    };
}
