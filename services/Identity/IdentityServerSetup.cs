using Microsoft.AspNetCore.Identity;
using OpenIddict.Validation.AspNetCore;
using Scop.Aspire.Identity.Data;
using Scop.Aspire.Identity.Domain;
using Scop.Aspire.Identity.Features.Account;
using Scop.Aspire.Identity.Features.Connect;
using Scop.Aspire.Identity.Keys;
using Scop.Aspire.Identity.Seeding;
using Scop.Aspire.ServiceDefaults;
using Scop.Aspire.ServiceDefaults.Http;
using Scop.Aspire.ServiceDefaults.Security;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Scop.Aspire.Identity;

public static class IdentityServerSetup
{
    /// <summary>
    /// ASP.NET Core Identity for the users (with lockout), OpenIddict's server (authorization code + PKCE S256, client
    /// credentials, rotating refresh tokens within an absolute session, revocation, discovery and JWKS) on EF Core stores, and OpenIddict's validation of the
    /// service's own tokens for its admin API.
    /// </summary>
    public static IHostApplicationBuilder AddIdentityServer(this IHostApplicationBuilder builder)
    {
        var settings = builder.Configuration.GetSection(IdentityServerSettings.Section).Get<IdentityServerSettings>()
            ?? new IdentityServerSettings();
        if (!Uri.TryCreate(settings.Issuer, UriKind.Absolute, out var issuer))
        {
            throw new InvalidOperationException(
                "Scop:Identity:Issuer is missing or not an absolute URI: the public address of the identity service (the gateway's, e.g. http://localhost:8080/).");
        }

        builder.Services.AddSingleton(settings);

        builder.Services.AddIdentity<PlatformUser, IdentityRole>(options =>
            {
                options.ClaimsIdentity.UserIdClaimType = Claims.Subject;
                options.ClaimsIdentity.UserNameClaimType = Claims.Name;
                options.ClaimsIdentity.RoleClaimType = Claims.Role;
                // Locks are set by the sign-in throttle (SignInThrottle), never by Identity's own count of failures in
                // a row, which anyone who knows a user name could run up from one address.
                options.Lockout.AllowedForNewUsers = true;
                options.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(settings.SignIn.LockoutMinutes);
                options.Password.RequiredLength = 12;
                options.Password.RequireNonAlphanumeric = false;
                options.User.RequireUniqueEmail = false;
            })
            .AddEntityFrameworkStores<IdentityServiceDbContext>()
            .AddDefaultTokenProviders();

        builder.Services.ConfigureApplicationCookie(cookie =>
        {
            cookie.LoginPath = "/account/login";
            cookie.Cookie.Name = "scop.identity";
            cookie.Cookie.HttpOnly = true;
            cookie.Cookie.SameSite = SameSiteMode.Lax;
            // The sign-in cookie ends with its session, however active: a new session needs the password again.
            cookie.ExpireTimeSpan = TimeSpan.FromHours(settings.SessionHours);
            cookie.SlidingExpiration = false;
            // Relative redirects: behind the gateway the service's own host name means nothing to the browser.
            cookie.Events.OnRedirectToLogin = context =>
            {
                context.Response.Redirect(Relative(context.RedirectUri));
                return Task.CompletedTask;
            };
        });
        builder.Services.AddAntiforgery(options => options.Cookie.Name = "scop.antiforgery");
        // The keys that protect both cookies, shared by the replicas and outside the database, like partner-hooks'.
        var cookieKeys = settings.CookieKeysFolder is { Length: > 0 } folder
            ? Path.GetFullPath(folder, builder.Environment.ContentRootPath)
            : Path.Combine(DataRoot.Resolve(builder.Configuration, builder.Environment), "identity", "cookie-keys");
        builder.AddProtectionKeyRing("scop-identity", cookieKeys, settings.CookieKeysCertificate,
            settings.PreviousCookieKeysCertificate, $"{IdentityServerSettings.Section}:CookieKeysCertificate",
            $"{IdentityServerSettings.Section}:PreviousCookieKeysCertificate",
            $"the sign-in and antiforgery cookies ({IdentityServerSettings.Section}:CookieKeysFolder)");

        builder.Services.AddOpenIddict()
            .AddCore(core => core.UseEntityFrameworkCore().UseDbContext<IdentityServiceDbContext>())
            .AddServer(server =>
            {
                server.SetIssuer(issuer);
                server.SetAuthorizationEndpointUris("connect/authorize")
                    .SetTokenEndpointUris("connect/token")
                    .SetEndSessionEndpointUris("connect/logout")
                    .SetRevocationEndpointUris("connect/revoke");

                // The code flow with PKCE only, and S256 only: "plain" would hand the verifier to whoever sees the
                // authorization request.
                server.AllowAuthorizationCodeFlow().RequireProofKeyForCodeExchange();
                server.Configure(options => options.CodeChallengeMethods.Remove(CodeChallengeMethods.Plain));
                server.AllowClientCredentialsFlow();
                server.AllowRefreshTokenFlow();

                server.RegisterScopes([Scopes.OpenId, Scopes.Profile, Scopes.Roles, Scopes.OfflineAccess, .. PlatformAudiences.All]);
                server.SetAccessTokenLifetime(TimeSpan.FromMinutes(settings.AccessTokenMinutes));
                // Defaults; each token of a user's session is cut to what is left of the session (Sessions.Stamp).
                server.SetRefreshTokenLifetime(TimeSpan.FromHours(settings.RefreshTokenHours));
                server.SetRefreshTokenReuseLeeway(TimeSpan.FromSeconds(settings.RefreshTokenReuseLeewaySeconds));
                server.AddEventHandler(EndAuthorizationOnRevocation.Descriptor);

                // Access tokens are signed JWTs that every service checks on its own; codes and refresh tokens stay encrypted.
                server.DisableAccessTokenEncryption();
                ServerKeys.Configure(server, settings, builder.Configuration, builder.Environment);

                server.UseAspNetCore()
                    .EnableAuthorizationEndpointPassthrough()
                    .EnableTokenEndpointPassthrough()
                    .EnableEndSessionEndpointPassthrough()
                    .EnableStatusCodePagesIntegration()
                    // TLS ends in front of the gateway; the service itself listens on plain HTTP inside the platform.
                    .DisableTransportSecurityRequirement();
            })
            .AddValidation(validation =>
            {
                validation.UseLocalServer();
                validation.AddAudiences(PlatformAudiences.Identity);
                // The admin API takes what every service takes: RS256 access tokens only (OpenIddict already insists on
                // the at+jwt type; it would take any algorithm the signing key can do).
                validation.Configure(options => options.TokenValidationParameters.ValidAlgorithms =
                    [PlatformAuthentication.AccessTokenAlgorithm]);
                validation.UseAspNetCore();
            });

        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(PlatformPolicies.ConfederationAdmin, policy => policy
                .AddAuthenticationSchemes(OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme)
                .RequireRole(PlatformRoles.ConfederationAdmin));

        builder.Services.AddPlatformSecurity(PlatformAudiences.Identity); // the admin API's, in its OpenAPI document
        builder.Services.AddScoped<Sessions>();
        builder.Services.AddScoped<SignInThrottle>();
        builder.Services.AddSingleton<AccountLockout>();
        builder.Services.AddSingleton<UnknownUserPassword>();
        builder.Services.AddSingleton<ClientAddresses>();
        builder.Services.AddHostedService<SignInAttemptPurge>();
        builder.Services.AddHostedService<ScopeCatalogue>();
        builder.Services.AddHostedService<PublicClients>();
        if (builder.Environment.IsDevelopment())
        {
            builder.Services.AddHostedService<DevelopmentSeed>();
        }

        return builder;
    }

    internal static string Relative(string uri) =>
        Uri.TryCreate(uri, UriKind.Absolute, out var absolute) ? absolute.PathAndQuery : uri;
}
