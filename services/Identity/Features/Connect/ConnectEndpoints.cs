using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using Scop.Aspire.Identity.Domain;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Scop.Aspire.Identity.Features.Connect;

/// <summary>
/// The OpenID Connect endpoints whose decisions are the platform's: who is signed in at <c>/connect/authorize</c>,
/// what a token says at <c>/connect/token</c>, and sign-out. OpenIddict validates every request before these run
/// (client, redirect URI, PKCE, scopes, permissions) and serves discovery and the JWKS itself.
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

    private static async Task<IResult> AuthorizeAsync(HttpContext http, UserManager<PlatformUser> users,
        IOpenIddictScopeManager scopes, CancellationToken ct)
    {
        var request = http.GetOpenIddictServerRequest()
            ?? throw new InvalidOperationException("Not an OpenID Connect request.");

        var signedIn = await http.AuthenticateAsync(IdentityConstants.ApplicationScheme);
        var user = signedIn.Succeeded ? await users.GetUserAsync(signedIn.Principal) : null;
        if (user is null || await users.IsLockedOutAsync(user))
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

        var identity = await TokenClaims.ForUserAsync(user, users, scopes, request.GetScopes(), ct);
        return Results.SignIn(new(identity), authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    private static async Task<IResult> TokenAsync(HttpContext http, UserManager<PlatformUser> users,
        IOpenIddictApplicationManager applications, IOpenIddictScopeManager scopes, CancellationToken ct)
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
            // The code or refresh token is valid (OpenIddict checked it); the user must still be allowed in, and the
            // new tokens carry their roles as they are now, not as they were at sign-in.
            var result = await http.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
            var user = result.Principal?.GetClaim(Claims.Subject) is { } id ? await users.FindByIdAsync(id) : null;
            if (user is null)
            {
                return Forbid(Errors.InvalidGrant, "The account no longer exists.");
            }

            if (await users.IsLockedOutAsync(user))
            {
                return Forbid(Errors.InvalidGrant, "The account is locked.");
            }

            var identity = await TokenClaims.ForUserAsync(user, users, scopes, result.Principal!.GetScopes(), ct);
            return Results.SignIn(new(identity), authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        }

        return Forbid(Errors.UnsupportedGrantType, "This grant type is not supported.");
    }

    private static async Task<IResult> LogoutAsync(HttpContext http)
    {
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
