using Scop.Aspire.ServiceDefaults.Security;

namespace Scop.Aspire.Web.Components.Shared;

/// <summary>The platform's roles in the words of the site.</summary>
public static class RoleNames
{
    public static string Of(string role) => role switch
    {
        PlatformRoles.Member => "coopérateur·rice",
        PlatformRoles.CooperativeManager => "dirigeant·e de coopérative",
        PlatformRoles.Elected => "élu·e",
        PlatformRoles.Delegate => "délégué·e d'union régionale",
        PlatformRoles.Federation => "fédération",
        PlatformRoles.ConfederationAdmin => "Confédération",
        PlatformRoles.Partner => "partenaire",
        _ => role,
    };
}
