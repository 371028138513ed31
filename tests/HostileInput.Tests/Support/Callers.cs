using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Scop.Aspire.ServiceDefaults.Security;

namespace Scop.Aspire.HostileInput.Tests.Support;

/// <summary>
/// Who may call an endpoint, asked of the service itself: its own authorization policies are evaluated for a caller
/// of each platform role, the widest first (a confederation admin sees every record), so the hostile requests are
/// refused for what they carry and never merely for who sends them.
/// </summary>
public static class Callers
{
    public const string RegionalUnion = "urscop-aura";

    /// <summary>A cooperative a manager's token names (tests prefer wider roles; this one exists nowhere).</summary>
    public static readonly Guid ManagedCooperative = Guid.Parse("0195a3c4-1f00-7000-8000-0000000000aa");

    private static readonly string[] Preference =
    [
        PlatformRoles.ConfederationAdmin, PlatformRoles.Federation, PlatformRoles.Delegate, PlatformRoles.Partner,
        PlatformRoles.CooperativeManager, PlatformRoles.Elected, PlatformRoles.Member,
    ];

    public static string? RegionalUnionOf(string role) => role == PlatformRoles.Delegate ? RegionalUnion : null;

    public static Guid? CooperativeOf(string role) => role == PlatformRoles.CooperativeManager ? ManagedCooperative : null;

    /// <summary>The role to call <paramref name="endpoint"/> with, or null when it is anonymous.</summary>
    public static async Task<string?> RoleForAsync(IServiceProvider services, Endpoint endpoint)
    {
        if (endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null)
        {
            return null;
        }

        var provider = services.GetRequiredService<IAuthorizationPolicyProvider>();
        var policy = await AuthorizationPolicy.CombineAsync(provider, endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>(),
                endpoint.Metadata.GetOrderedMetadata<AuthorizationPolicy>())
            ?? await provider.GetFallbackPolicyAsync();
        if (policy is null)
        {
            return null;
        }

        var authorization = services.GetRequiredService<IAuthorizationService>();
        foreach (var role in Preference.Concat(PlatformRoles.All.Except(Preference)))
        {
            if ((await authorization.AuthorizeAsync(Principal(role), resource: null, policy)).Succeeded)
            {
                return role;
            }
        }

        throw new InvalidOperationException($"No platform role may call {endpoint.DisplayName}.");
    }

    private static ClaimsPrincipal Principal(string role)
    {
        var claims = new List<Claim> { new(PlatformClaims.Subject, Guid.NewGuid().ToString()), new(PlatformClaims.Role, role) };
        if (RegionalUnionOf(role) is { } union)
        {
            claims.Add(new Claim(PlatformClaims.RegionalUnion, union));
        }

        if (CooperativeOf(role) is { } cooperative)
        {
            claims.Add(new Claim(PlatformClaims.CooperativeId, cooperative.ToString()));
        }

        return new ClaimsPrincipal(new ClaimsIdentity(claims, "Bearer", PlatformClaims.Name, PlatformClaims.Role));
    }
}
