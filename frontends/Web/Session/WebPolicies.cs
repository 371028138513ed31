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

    /// <summary>A regional union's delegates (their union's), federation and confederation staff: opening an inter-SCOP club, the SCOP Ambassade labels and enquiries.</summary>
    public const string StaffOrDelegate = "web:staff-or-delegate";

    /// <summary>One enquiry to an Ambassade: its cooperative's manager, its union's delegates and staff (the API says whose).</summary>
    public const string AmbassadeEnquiry = "web:ambassade-enquiry";

    public static AuthorizationBuilder AddWebPolicies(this AuthorizationBuilder authorization) => authorization
        .AddPolicy(SignedIn, policy => policy.RequireAuthenticatedUser())
        .AddPolicy(Manager, policy => policy.RequireRole(PlatformRoles.CooperativeManager))
        .AddPolicy(Delegate, policy => policy.RequireRole(PlatformRoles.Delegate, PlatformRoles.ConfederationAdmin))
        .AddPolicy(Staff, policy => policy.RequireRole(PlatformRoles.Federation, PlatformRoles.ConfederationAdmin))
        .AddPolicy(Admin, policy => policy.RequireRole(PlatformRoles.ConfederationAdmin))
        .AddPolicy(RepriseWatch, policy => policy.RequireRole(PlatformRoles.Delegate, PlatformRoles.Federation, PlatformRoles.ConfederationAdmin))
        .AddPolicy(StaffOrDelegate, policy => policy.RequireRole(PlatformRoles.Delegate, PlatformRoles.Federation, PlatformRoles.ConfederationAdmin))
        .AddPolicy(AmbassadeEnquiry, policy => policy.RequireRole(PlatformRoles.CooperativeManager, PlatformRoles.Delegate,
            PlatformRoles.Federation, PlatformRoles.ConfederationAdmin));
}
