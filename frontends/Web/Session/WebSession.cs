using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Scop.Aspire.ServiceDefaults;
using Scop.Aspire.ServiceDefaults.Security;

namespace Scop.Aspire.Web.Session;

/// <summary>
/// Sign-in for the front-end as a backend for the browser (BFF): the OpenID Connect code flow with PKCE (S256) against
/// the identity service, through the gateway, as the public client <c>scop-web</c>. The tokens stay on the server
/// (<see cref="SessionStore"/>); the browser holds an HTTP-only cookie that names its session and nothing else.
/// </summary>
public static class WebSession
{
    public const string CookieName = "scop.web";
    public const string SignInPath = "/connexion";
    public const string SignOutPath = "/deconnexion";
    public const string AccessDeniedPath = "/acces-refuse";

    /// <summary>The scopes the front-end asks for: every API it calls (one token, one audience per service) and a refresh token.</summary>
    public static readonly string[] Scopes =
        ["openid", "profile", "roles", "offline_access", .. PlatformAudiences.All];

    public static IHostApplicationBuilder AddWebSession(this IHostApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection(WebOptions.Section);
        builder.Services.Configure<WebOptions>(section);
        var settings = section.Get<WebOptions>() ?? new WebOptions();
        var issuer = builder.Configuration[$"{PlatformIdentityOptions.Section}:Issuer"] is { Length: > 0 } configured
            ? configured
            : throw new InvalidOperationException(
                $"{PlatformIdentityOptions.Section}:Issuer is missing: the identity service's public address (the gateway's, e.g. http://localhost:8080/).");

        builder.AddProtectionKeys(settings);
        builder.Services.AddSingleton<SessionStore>();
        builder.Services.AddSingleton<Microsoft.Extensions.Options.IPostConfigureOptions<CookieAuthenticationOptions>, SessionStore.Setup>();
        builder.Services.AddScoped<SessionTokens>();
#pragma warning disable EXTEXP0001 // a refresh token is exchanged once; no automatic retry
        builder.Services.AddHttpClient(SessionTokens.TokenClient).RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001

        builder.Services.AddAuthentication(options =>
            {
                options.DefaultScheme = CookieAuthenticationDefaults.AuthenticationScheme;
                options.DefaultChallengeScheme = OpenIdConnectDefaults.AuthenticationScheme;
            })
            .AddCookie(cookie =>
            {
                cookie.Cookie.Name = CookieName;
                cookie.Cookie.HttpOnly = true;
                cookie.Cookie.SameSite = SameSiteMode.Lax;
                cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                cookie.ExpireTimeSpan = settings.SessionLifetime;
                cookie.SlidingExpiration = false;
                cookie.AccessDeniedPath = AccessDeniedPath;
                // A page refused to this role answers 403 where it was asked (the status page says so), no redirect.
                cookie.Events.OnRedirectToAccessDenied = context =>
                {
                    context.Response.StatusCode = StatusCodes.Status403Forbidden;
                    return Task.CompletedTask;
                };
            })
            .AddOpenIdConnect(oidc =>
            {
                oidc.Authority = issuer;
                oidc.RequireHttpsMetadata = !builder.Environment.IsDevelopment() && issuer.StartsWith("https:", StringComparison.Ordinal);
                oidc.ClientId = settings.ClientId;
                oidc.ResponseType = OpenIdConnectResponseType.Code;
                oidc.ResponseMode = OpenIdConnectResponseMode.Query;
                oidc.UsePkce = true; // S256
                oidc.SaveTokens = true; // into the session (SessionStore), never into the cookie
                oidc.GetClaimsFromUserInfoEndpoint = false;
                oidc.MapInboundClaims = false;
                oidc.DisableTelemetry = true;
                oidc.Scope.Clear();
                foreach (var scope in Scopes)
                {
                    oidc.Scope.Add(scope);
                }

                oidc.CallbackPath = "/signin-oidc";
                oidc.SignedOutCallbackPath = "/signout-callback-oidc";
                oidc.SignedOutRedirectUri = "/";
                oidc.TokenValidationParameters.NameClaimType = PlatformClaims.Name;
                oidc.TokenValidationParameters.RoleClaimType = PlatformClaims.Role;
                // The flow's own cookies travel on a top-level redirect back from the sign-in page: Lax is enough, and
                // plain HTTP on a developer's machine keeps them.
                oidc.CorrelationCookie.SameSite = SameSiteMode.Lax;
                oidc.CorrelationCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                oidc.NonceCookie.SameSite = SameSiteMode.Lax;
                oidc.NonceCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                oidc.Events.OnRedirectToIdentityProviderForSignOut = context =>
                {
                    // The session's id token names the session to end at the identity service (its refresh tokens die).
                    if (context.Properties.Items.TryGetValue(IdTokenHintItem, out var hint) && hint is { Length: > 0 })
                    {
                        context.ProtocolMessage.IdTokenHint = hint;
                    }

                    return Task.CompletedTask;
                };
                oidc.Events.OnRemoteFailure = context =>
                {
                    // A cancelled or failed sign-in (the person went back, the code expired) lands on the home page.
                    context.Response.Redirect("/?connexion=echec");
                    context.HandleResponse();
                    return Task.CompletedTask;
                };
            });
        builder.Services.AddAuthorizationBuilder().AddWebPolicies();
        builder.Services.AddCascadingAuthenticationState();
        return builder;
    }

    private const string IdTokenHintItem = "scop.id_token_hint";

    /// <summary><c>/connexion</c> starts the code flow; <c>POST /deconnexion</c> ends the session here and at the identity service.</summary>
    public static IEndpointRouteBuilder MapWebSession(this IEndpointRouteBuilder app)
    {
        app.MapGet(SignInPath, (string? returnUrl) => TypedResults.Challenge(new AuthenticationProperties
        {
            RedirectUri = IsLocal(returnUrl) ? returnUrl : "/espace",
        })).AllowAnonymous();

        app.MapPost(SignOutPath, SignOutAsync).AllowAnonymous().DisableAntiforgery();
        return app;
    }

    private static async Task<IResult> SignOutAsync(HttpContext http, IAntiforgery antiforgery, SessionTokens tokens)
    {
        if (!await antiforgery.IsRequestValidAsync(http))
        {
            return TypedResults.Redirect("/");
        }

        if (http.User.FindFirst(SessionStore.SessionClaim)?.Value is not { } session)
        {
            await http.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return TypedResults.Redirect("/");
        }

        var idToken = await tokens.IdTokenAsync(session);
        await http.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme); // removes the stored session
        var properties = new AuthenticationProperties { RedirectUri = "/?deconnexion=ok" };
        if (idToken is not null)
        {
            properties.Items[IdTokenHintItem] = idToken;
        }

        return TypedResults.SignOut(properties, [OpenIdConnectDefaults.AuthenticationScheme]);
    }

    internal static bool IsLocal(string? url) =>
        url is { Length: > 0 } && url[0] == '/' && (url.Length == 1 || (url[1] != '/' && url[1] != '\\'));

    private static void AddProtectionKeys(this IHostApplicationBuilder builder, WebOptions settings)
    {
        var folder = settings.KeysFolder is { Length: > 0 } configured
            ? Path.GetFullPath(configured, builder.Environment.ContentRootPath)
            : Path.Combine(DataRoot.Resolve(builder.Configuration, builder.Environment), "web", "keys");
        var dataProtection = builder.Services.AddDataProtection()
            .SetApplicationName("scop-web")
            .PersistKeysToFileSystem(new DirectoryInfo(folder));
        const string certificateKey = $"{WebOptions.Section}:KeysCertificate";
        if (settings.KeysCertificate.IsSet)
        {
            dataProtection.ProtectKeysWithCertificate(settings.KeysCertificate.Load(certificateKey));
        }
        else if (!builder.Environment.IsDevelopment())
        {
            throw new InvalidOperationException(
                $"Outside Development the web front-end needs the certificate that protects its session keys at rest: set " +
                $"{certificateKey}:Path (a PKCS#12 file) and {certificateKey}:Password. The keys are kept in {folder}.");
        }
    }
}
