using Microsoft.AspNetCore.Authorization;
using Scop.Aspire.ServiceDefaults.Security;

namespace Scop.Aspire.Web.Session;

/// <summary>Who reaches which pages. The APIs decide again on every call; these only keep people off pages that would refuse them.</summary>
public static class WebPolicies
{
    public const string SignedIn = "web:signed-in";
    public const string Manager = "web:manager";
    public const string Delegate = "web:delegate";
    public const string Staff = "web:staff";
    public const string Admin = "web:admin";

    /// <summary>The reprise watch's pipeline and pool: a regional union's delegates, federation and confederation staff.</summary>
    public const string RepriseWatch = "web:reprise-watch";

    /// <summary>Opening an inter-SCOP club: a regional union's delegates (their union's areas), federation and confederation staff.</summary>
    public const string StaffOrDelegate = "web:staff-or-delegate";

    public static AuthorizationBuilder AddWebPolicies(this AuthorizationBuilder authorization) => authorization
        .AddPolicy(SignedIn, policy => policy.RequireAuthenticatedUser())
        .AddPolicy(Manager, policy => policy.RequireRole(PlatformRoles.CooperativeManager))
        .AddPolicy(Delegate, policy => policy.RequireRole(PlatformRoles.Delegate, PlatformRoles.ConfederationAdmin))
        .AddPolicy(Staff, policy => policy.RequireRole(PlatformRoles.Federation, PlatformRoles.ConfederationAdmin))
        .AddPolicy(Admin, policy => policy.RequireRole(PlatformRoles.ConfederationAdmin))
        .AddPolicy(RepriseWatch, policy => policy.RequireRole(PlatformRoles.Delegate, PlatformRoles.Federation, PlatformRoles.ConfederationAdmin))
        .AddPolicy(StaffOrDelegate, policy => policy.RequireRole(PlatformRoles.Delegate, PlatformRoles.Federation, PlatformRoles.ConfederationAdmin));
}
