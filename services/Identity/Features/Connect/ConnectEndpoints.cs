using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using Scop.Aspire.Identity.Domain;
using Scop.Aspire.Identity.Features.Account;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Scop.Aspire.Identity.Features.Connect;

/// <summary>
/// The OpenID Connect endpoints whose decisions are the platform's: who is signed in at <c>/connect/authorize</c>,
/// what a token says at <c>/connect/token</c>, and sign-out. OpenIddict validates every request before these run
/// (client, redirect URI, PKCE, scopes, permissions) and serves discovery, the JWKS and revocation itself.
/// </summary>
public static class ConnectEndpoints
{
    public static IEndpointRouteBuilder MapConnect(this IEndpointRouteBuilder app)
    {
        var connect = app.MapGroup("/connect").AllowAnonymous().ExcludeFromDescription();
        connect.MapMethods("/authorize", [HttpMethods.Get, HttpMethods.Post], AuthorizeAsync);
        connect.MapPost("/token", TokenAsync);
        connect.MapMethods("/logout", [HttpMethods.Get, HttpMethods.Post], (Delegate)LogoutAsync);
        return app;
    }

    private static async Task<IResult> AuthorizeAsync(HttpContext http, UserManager<PlatformUser> users, Sessions sessions,
        AccountLockout lockout, IOpenIddictApplicationManager applications, IOpenIddictScopeManager scopes, CancellationToken ct)
    {
        var request = http.GetOpenIddictServerRequest()
            ?? throw new InvalidOperationException("Not an OpenID Connect request.");

        var signedIn = await http.AuthenticateAsync(IdentityConstants.ApplicationScheme);
        var user = signedIn.Succeeded ? await users.GetUserAsync(signedIn.Principal) : null;
        var session = Sessions.Of(signedIn.Principal);
        if (user is null || lockout.IsLocked(user) || sessions.IsOver(session))
        {
            if (request.HasPromptValue(PromptValues.None))
            {
                return Forbid(Errors.LoginRequired, "The user is not signed in.");
            }

            // To the sign-in page, which comes back here with the same request.
            var query = http.Request.HasFormContentType
                ? QueryString.Create(http.Request.Form.Where(f => f.Key != "__RequestVerificationToken")
                    .Select(f => KeyValuePair.Create(f.Key, f.Value)))
                : http.Request.QueryString;
            return Results.Challenge(new AuthenticationProperties { RedirectUri = http.Request.PathBase + http.Request.Path + query },
                [IdentityConstants.ApplicationScheme]);
        }

        var application = await applications.FindByClientIdAsync(request.ClientId!, ct)
            ?? throw new InvalidOperationException("OpenIddict let an unknown client through.");
        var identity = await TokenClaims.ForUserAsync(user, users, scopes, request.GetScopes(), ct);
        sessions.Stamp(identity, session!);
        identity.SetDestinations(TokenClaims.DestinationsOf);
        identity.SetAuthorizationId(await sessions.AuthorizeAsync(identity, application, user.Id, session!, request.GetScopes(), ct));
        return Results.SignIn(new(identity), authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    private static async Task<IResult> TokenAsync(HttpContext http, UserManager<PlatformUser> users, Sessions sessions,
        AccountLockout lockout, IOpenIddictApplicationManager applications, IOpenIddictScopeManager scopes, CancellationToken ct)
    {
        var request = http.GetOpenIddictServerRequest()
            ?? throw new InvalidOperationException("Not an OpenID Connect request.");

        if (request.IsClientCredentialsGrantType())
        {
            // OpenIddict has already checked the client's secret and its permission to ask for these scopes.
            var application = await applications.FindByClientIdAsync(request.ClientId!, ct);
            if (application is null)
            {
                return Forbid(Errors.InvalidClient, "Unknown client.");
            }

            var identity = await TokenClaims.ForApplicationAsync(application, applications, scopes, request.GetScopes(), ct);
            return Results.SignIn(new(identity), authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        }

        if (request.IsAuthorizationCodeGrantType() || request.IsRefreshTokenGrantType())
        {
            // The code or refresh token is valid and its authorization still stands (OpenIddict checked both); the
            // session must not be over and the user must still be allowed in. The new tokens carry the user's roles as
            // they are now, not as they were at sign-in, and stay in the same authorization and session.
            var result = await http.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
            var granted = result.Principal!;
            var session = Sessions.Of(granted);
            if (sessions.IsOver(session))
            {
                return Forbid(Errors.InvalidGrant, "The session has ended: sign in again.");
            }

            var user = granted.GetClaim(Claims.Subject) is { } id ? await users.FindByIdAsync(id) : null;
            if (user is null)
            {
                return Forbid(Errors.InvalidGrant, "The account no longer exists.");
            }

            if (lockout.IsLocked(user))
            {
                return Forbid(Errors.InvalidGrant, "The account is locked.");
            }

            var identity = await TokenClaims.ForUserAsync(user, users, scopes, granted.GetScopes(), ct);
            sessions.Stamp(identity, session!);
            identity.SetDestinations(TokenClaims.DestinationsOf);
            identity.SetAuthorizationId(granted.GetAuthorizationId());
            return Results.SignIn(new(identity), authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        }

        return Forbid(Errors.UnsupportedGrantType, "This grant type is not supported.");
    }

    /// <summary>
    /// Sign-out ends the session of the sign-in cookie, and the one named by <c>id_token_hint</c> when a client sends
    /// it: every authorization that session granted is revoked with its refresh tokens.
    /// </summary>
    private static async Task<IResult> LogoutAsync(HttpContext http, Sessions sessions, CancellationToken ct)
    {
        var cookie = await http.AuthenticateAsync(IdentityConstants.ApplicationScheme);
        var hint = await http.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        foreach (var principal in new[] { cookie.Principal, hint.Principal })
        {
            if (principal?.GetClaim(Claims.Subject) is { Length: > 0 } subject && Sessions.Of(principal) is { } session)
            {
                await sessions.EndAsync(subject, session.Id, ct);
            }
        }

        await http.SignOutAsync(IdentityConstants.ApplicationScheme);
        return Results.SignOut(new AuthenticationProperties { RedirectUri = "/" },
            [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
    }

    private static IResult Forbid(string error, string description) => Results.Forbid(
        new AuthenticationProperties(new Dictionary<string, string?>
        {
            [OpenIddictServerAspNetCoreConstants.Properties.Error] = error,
            [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = description,
        }),
        [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
}
