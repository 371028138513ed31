using Microsoft.AspNetCore.Identity;
using OpenIddict.Validation.AspNetCore;
using Scop.Aspire.Identity.Data;
using Scop.Aspire.Identity.Domain;
using Scop.Aspire.Identity.Keys;
using Scop.Aspire.Identity.Seeding;
using Scop.Aspire.ServiceDefaults.Security;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Scop.Aspire.Identity;

public static class IdentityServerSetup
{
    /// <summary>
    /// ASP.NET Core Identity for the users (with lockout), OpenIddict's server (authorization code + PKCE, client
    /// credentials, rotating refresh tokens, discovery and JWKS) on EF Core stores, and OpenIddict's validation of the
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
                options.Lockout.AllowedForNewUsers = true;
                options.Lockout.MaxFailedAccessAttempts = settings.MaxFailedLogins;
                options.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(settings.LockoutMinutes);
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
            cookie.ExpireTimeSpan = TimeSpan.FromHours(8);
            // Relative redirects: behind the gateway the service's own host name means nothing to the browser.
            cookie.Events.OnRedirectToLogin = context =>
            {
                context.Response.Redirect(Relative(context.RedirectUri));
                return Task.CompletedTask;
            };
        });
        builder.Services.AddAntiforgery(options => options.Cookie.Name = "scop.antiforgery");

        builder.Services.AddOpenIddict()
            .AddCore(core => core.UseEntityFrameworkCore().UseDbContext<IdentityServiceDbContext>())
            .AddServer(server =>
            {
                server.SetIssuer(issuer);
                server.SetAuthorizationEndpointUris("connect/authorize")
                    .SetTokenEndpointUris("connect/token")
                    .SetEndSessionEndpointUris("connect/logout");

                server.AllowAuthorizationCodeFlow().RequireProofKeyForCodeExchange();
                server.AllowClientCredentialsFlow();
                server.AllowRefreshTokenFlow();

                server.RegisterScopes([Scopes.OpenId, Scopes.Profile, Scopes.Roles, Scopes.OfflineAccess, .. PlatformAudiences.All]);
                server.SetAccessTokenLifetime(TimeSpan.FromMinutes(settings.AccessTokenMinutes));
                server.SetRefreshTokenLifetime(TimeSpan.FromDays(settings.RefreshTokenDays));
                server.SetRefreshTokenReuseLeeway(TimeSpan.FromSeconds(settings.RefreshTokenReuseLeewaySeconds));

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
                validation.UseAspNetCore();
            });

        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(PlatformPolicies.ConfederationAdmin, policy => policy
                .AddAuthenticationSchemes(OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme)
                .RequireRole(PlatformRoles.ConfederationAdmin));

        builder.Services.AddHostedService<ScopeCatalogue>();
        if (builder.Environment.IsDevelopment())
        {
            builder.Services.AddHostedService<DevelopmentSeed>();
        }

        return builder;
    }

    internal static string Relative(string uri) =>
        Uri.TryCreate(uri, UriKind.Absolute, out var absolute) ? absolute.PathAndQuery : uri;
}
