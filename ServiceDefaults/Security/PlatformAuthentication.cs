using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;
using Scop.Aspire.ServiceDefaults.Http;

namespace Scop.Aspire.ServiceDefaults.Security;

/// <summary>Where tokens come from and how to check them (<c>Scop:Identity</c>).</summary>
public sealed class PlatformIdentityOptions
{
    public const string Section = "Scop:Identity";

    /// <summary>
    /// The issuer every token carries: the identity service's public address, which is the gateway's
    /// (e.g. <c>http://localhost:8080/</c>). Clients and services agree on it.
    /// </summary>
    public string? Issuer { get; set; }

    /// <summary>
    /// Where a service fetches the discovery document and the signing keys from, inside the platform: by default
    /// the identity service found by service discovery.
    /// </summary>
    public string Authority { get; set; } = $"http://{ResourceNames.Identity}";

    /// <summary>
    /// Signing keys to trust instead of fetching them (a JWKS document, as JSON). For services that must work
    /// without the identity service reachable, and for tests that mint their own tokens.
    /// </summary>
    public string? SigningKeys { get; set; }

    /// <summary>Tolerated clock difference between the identity service and this one.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);
}

public static class PlatformAuthentication
{
    internal const string MetadataClient = "scop-identity-metadata";

    /// <summary>The one signature algorithm of the platform's access tokens.</summary>
    public const string AccessTokenAlgorithm = SecurityAlgorithms.RsaSha256;

    /// <summary>The <c>typ</c> header of an access token (RFC 9068); identity tokens are <c>JWT</c>.</summary>
    public const string AccessTokenType = "at+jwt";

    /// <summary>
    /// Bearer tokens issued by the identity service, for one service: the token must be an RS256 <c>at+jwt</c> access
    /// token signed by the identity service, carry its issuer, this service's <paramref name="audience"/>, and be within its lifetime. Adds the
    /// named policies of <see cref="PlatformPolicies"/>; an endpoint that names none requires an authenticated caller.
    /// </summary>
    public static IHostApplicationBuilder AddPlatformAuthentication(this IHostApplicationBuilder builder, string audience)
    {
        builder.Services.AddPlatformSecurity(audience); // declared in the service's OpenAPI document
        return builder.AddPlatformAuthentication([audience], authenticatedByDefault: true);
    }

    /// <summary>
    /// The same, accepting any of <paramref name="audiences"/> (the gateway checks tokens for every service before
    /// forwarding them). Without <paramref name="authenticatedByDefault"/>, endpoints with no policy stay open.
    /// </summary>
    public static IHostApplicationBuilder AddPlatformAuthentication(this IHostApplicationBuilder builder,
        IReadOnlyCollection<string> audiences, bool authenticatedByDefault)
    {
        var section = builder.Configuration.GetSection(PlatformIdentityOptions.Section);
        var settings = section.Get<PlatformIdentityOptions>() ?? new PlatformIdentityOptions();
        if (string.IsNullOrWhiteSpace(settings.Issuer))
        {
            throw new InvalidOperationException(
                $"{PlatformIdentityOptions.Section}:Issuer is missing: the identity service's public address (the gateway's, e.g. http://localhost:8080/).");
        }

        builder.Services.Configure<PlatformIdentityOptions>(section);
        builder.Services.AddHttpClient(MetadataClient);
        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        builder.Services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<IHttpClientFactory>((options, clients) =>
            {
                options.MapInboundClaims = false;
                options.RequireHttpsMetadata = false;
                // One full check per distinct token, not per request (see CachingJsonWebTokenHandler).
                options.TokenHandlers.Clear();
                options.TokenHandlers.Add(new CachingJsonWebTokenHandler());
                options.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidIssuer = settings.Issuer,
                    ValidIssuers = [settings.Issuer.TrimEnd('/'), settings.Issuer.TrimEnd('/') + "/"],
                    ValidAudiences = audiences,
                    ValidateAudience = true,
                    ValidateLifetime = true,
                    RequireExpirationTime = true,
                    RequireSignedTokens = true,
                    // Access tokens only, as the identity service signs them: RS256 and typed at+jwt (RFC 9068). A
                    // token with another algorithm (none, or HS256 keyed with the public key) is refused before any
                    // key is tried, and an identity token (typ JWT) is not an access token whatever it says.
                    ValidAlgorithms = [AccessTokenAlgorithm],
                    ValidTypes = [AccessTokenType],
                    ClockSkew = settings.ClockSkew,
                    NameClaimType = PlatformClaims.Name,
                    RoleClaimType = PlatformClaims.Role,
                };
                options.ConfigurationManager = string.IsNullOrWhiteSpace(settings.SigningKeys)
                    ? new ConfigurationManager<OpenIdConnectConfiguration>(
                        new Uri(new Uri(settings.Authority.TrimEnd('/') + "/"), ".well-known/openid-configuration").ToString(),
                        new InternalAddressRetriever(settings.Authority),
                        new HttpDocumentRetriever(clients.CreateClient(MetadataClient)) { RequireHttps = false })
                    {
                        AutomaticRefreshInterval = TimeSpan.FromHours(1),
                        RefreshInterval = TimeSpan.FromSeconds(30),
                    }
                    : new StaticConfigurationManager<OpenIdConnectConfiguration>(StaticConfiguration(settings));
            });

        var authorization = builder.Services.AddAuthorizationBuilder()
            .AddPolicy(PlatformPolicies.Authenticated, policy => policy.RequireAuthenticatedUser())
            .AddPolicy(PlatformPolicies.ManageCooperatives,
                policy => policy.RequireRole(PlatformRoles.Delegate, PlatformRoles.ConfederationAdmin))
            .AddPolicy(PlatformPolicies.ReadCooperatives, policy => policy.RequireRole(PlatformRoles.Delegate,
                PlatformRoles.CooperativeManager, PlatformRoles.Federation, PlatformRoles.ConfederationAdmin))
            .AddPolicy(PlatformPolicies.CooperativeSelfService, policy => policy.RequireRole(PlatformRoles.Delegate,
                PlatformRoles.CooperativeManager, PlatformRoles.ConfederationAdmin))
            .AddPolicy(PlatformPolicies.CooperativeManager, policy => policy.RequireRole(PlatformRoles.CooperativeManager))
            .AddPolicy(PlatformPolicies.ConfederationAdmin, policy => policy.RequireRole(PlatformRoles.ConfederationAdmin))
            .AddPolicy(PlatformPolicies.Partner, policy => policy.RequireRole(PlatformRoles.Partner))
            .AddPolicy(PlatformPolicies.Staff,
                policy => policy.RequireRole(PlatformRoles.Federation, PlatformRoles.ConfederationAdmin))
            .AddPolicy(PlatformPolicies.Person, policy => policy.RequireRole(PlatformRoles.People))
            .AddPolicy(PlatformPolicies.StaffOrDelegate, policy => policy.RequireRole(PlatformRoles.Delegate,
                PlatformRoles.Federation, PlatformRoles.ConfederationAdmin));
        if (authenticatedByDefault)
        {
            authorization.SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());
        }

        return builder;
    }

    private static OpenIdConnectConfiguration StaticConfiguration(PlatformIdentityOptions settings)
    {
        var configuration = new OpenIdConnectConfiguration { Issuer = settings.Issuer };
        foreach (var key in new JsonWebKeySet(settings.SigningKeys).GetSigningKeys())
        {
            configuration.SigningKeys.Add(key);
        }

        return configuration;
    }

    /// <summary>
    /// Reads the discovery document from the identity service's internal address and fetches the keys from there
    /// too: the document names public (gateway) addresses, which a service inside the platform need not reach.
    /// </summary>
    private sealed class InternalAddressRetriever(string authority) : IConfigurationRetriever<OpenIdConnectConfiguration>
    {
        private readonly Uri internalBase = new(authority.TrimEnd('/') + "/");

        public async Task<OpenIdConnectConfiguration> GetConfigurationAsync(string address, IDocumentRetriever retriever,
            CancellationToken cancel)
        {
            var configuration = OpenIdConnectConfiguration.Create(await retriever.GetDocumentAsync(address, cancel));
            if (string.IsNullOrEmpty(configuration.JwksUri))
            {
                throw new InvalidOperationException($"The discovery document at {address} names no jwks_uri.");
            }

            var keysAddress = new Uri(internalBase, new Uri(configuration.JwksUri).PathAndQuery.TrimStart('/'));
            configuration.JsonWebKeySet = new JsonWebKeySet(await retriever.GetDocumentAsync(keysAddress.ToString(), cancel));
            foreach (var key in configuration.JsonWebKeySet.GetSigningKeys())
            {
                configuration.SigningKeys.Add(key);
            }

            return configuration;
        }
    }
}
