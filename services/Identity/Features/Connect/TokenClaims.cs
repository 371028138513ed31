using System.Collections.Immutable;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Identity;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using Scop.Aspire.Identity.Domain;
using Scop.Aspire.ServiceDefaults.Security;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Scop.Aspire.Identity.Features.Connect;

/// <summary>What a token says about its holder, and which token (access, identity) carries each claim.</summary>
public static class TokenClaims
{
    /// <summary>The property of an OpenIddict application that lists its roles (a partner bank's is <c>partner</c>).</summary>
    public const string ApplicationRolesProperty = "scop_roles";

    public static async Task<ClaimsIdentity> ForUserAsync(PlatformUser user, UserManager<PlatformUser> users,
        IOpenIddictScopeManager scopeManager, ImmutableArray<string> scopes, CancellationToken ct)
    {
        var identity = NewIdentity();
        identity.SetClaim(Claims.Subject, user.Id)
            .SetClaim(Claims.Name, user.DisplayName ?? user.UserName)
            .SetClaim(Claims.PreferredUsername, user.UserName);
        var roles = await users.GetRolesAsync(user);
        identity.SetClaims(Claims.Role, [.. roles]);
        if (roles.Contains(PlatformRoles.Delegate) && user.RegionalUnion is { Length: > 0 } union)
        {
            identity.SetClaim(PlatformClaims.RegionalUnion, union);
        }

        if (roles.Contains(PlatformRoles.CooperativeManager) && user.CooperativeId is { } cooperative)
        {
            identity.SetClaim(PlatformClaims.CooperativeId, cooperative.ToString());
        }

        // The person of the register the account belongs to, whatever the role: what makes "my bookings" theirs.
        if (user.PersonId is { } person)
        {
            identity.SetClaim(PlatformClaims.PersonId, person.ToString());
        }

        return await FinishAsync(identity, scopeManager, scopes, ct);
    }

    public static async Task<ClaimsIdentity> ForApplicationAsync(object application, IOpenIddictApplicationManager applications,
        IOpenIddictScopeManager scopeManager, ImmutableArray<string> scopes, CancellationToken ct)
    {
        var clientId = await applications.GetClientIdAsync(application, ct);
        var identity = NewIdentity();
        identity.SetClaim(Claims.Subject, clientId)
            .SetClaim(Claims.Name, await applications.GetDisplayNameAsync(application, ct) ?? clientId);
        identity.SetClaims(Claims.Role, [.. await ApplicationRolesAsync(application, applications, ct)]);
        return await FinishAsync(identity, scopeManager, scopes, ct);
    }

    public static async Task<IReadOnlyList<string>> ApplicationRolesAsync(object application,
        IOpenIddictApplicationManager applications, CancellationToken ct)
    {
        var properties = await applications.GetPropertiesAsync(application, ct);
        return properties.TryGetValue(ApplicationRolesProperty, out var value) && value.ValueKind == JsonValueKind.Array
            ? value.EnumerateArray().Select(v => v.GetString()).OfType<string>().ToList()
            : [];
    }

    private static ClaimsIdentity NewIdentity() =>
        new(TokenValidationParameters.DefaultAuthenticationType, Claims.Name, Claims.Role);

    private static async Task<ClaimsIdentity> FinishAsync(ClaimsIdentity identity, IOpenIddictScopeManager scopeManager,
        ImmutableArray<string> scopes, CancellationToken ct)
    {
        identity.SetScopes(scopes);
        var resources = new List<string>();
        await foreach (var resource in scopeManager.ListResourcesAsync(scopes, ct))
        {
            resources.Add(resource);
        }

        identity.SetResources(resources);
        identity.SetDestinations(DestinationsOf);
        return identity;
    }

    /// <summary>Which tokens carry a claim; every claim stays in the codes and refresh tokens, which only this service reads.</summary>
    public static IEnumerable<string> DestinationsOf(Claim claim)
    {
        switch (claim.Type)
        {
            case Claims.Name or Claims.PreferredUsername:
                yield return Destinations.AccessToken;
                if (claim.Subject!.HasScope(Scopes.Profile))
                {
                    yield return Destinations.IdentityToken;
                }

                yield break;
            case Claims.Role or PlatformClaims.RegionalUnion or PlatformClaims.CooperativeId or PlatformClaims.PersonId:
                yield return Destinations.AccessToken;
                if (claim.Subject!.HasScope(Scopes.Roles))
                {
                    yield return Destinations.IdentityToken;
                }

                yield break;
            case Sessions.IdClaim or Claims.AuthenticationTime:
                // The session is the client's business (id token), not the APIs'.
                yield return Destinations.IdentityToken;
                yield break;
            default:
                yield return Destinations.AccessToken;
                yield break;
        }
    }
}
