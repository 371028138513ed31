using OpenIddict.Abstractions;
using Scop.Aspire.ServiceDefaults.Data;
using Scop.Aspire.ServiceDefaults.Security;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Scop.Aspire.Identity.Seeding;

/// <summary>
/// The platform's own front-ends, in every environment, from configuration (<c>Scop:Identity:WebClient</c>,
/// <c>Scop:Identity:MobileClient</c>): public clients of the code flow with PKCE, their redirect and sign-out
/// addresses exactly as configured (a deployment names its own), refresh tokens, and every API scope. A client with no
/// redirect address configured is not registered. In Development the web client also takes the curl helper's
/// addresses (<see cref="IdentityServerSettings.DevelopmentWebRedirectUris"/>).
/// </summary>
public sealed partial class PublicClients(IServiceProvider services, IdentityServerSettings settings, IHostEnvironment environment,
    ILogger<PublicClients> logger) : StartupWork(logger)
{
    public const string WebClientId = "scop-web";
    public const string MobileClientId = "scop-mobile";

    protected override async Task RunAsync(CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var applications = scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>();
        var webRedirects = environment.IsDevelopment()
            ? [.. settings.WebClient.RedirectUris, .. settings.DevelopmentWebRedirectUris]
            : settings.WebClient.RedirectUris;
        await EnsureAsync(applications, WebClientId, "SCOP web", ApplicationTypes.Web, webRedirects,
            settings.WebClient.PostLogoutRedirectUris, cancellationToken);
        await EnsureAsync(applications, MobileClientId, "SCOP mobile", ApplicationTypes.Native, settings.MobileClient.RedirectUris,
            settings.MobileClient.PostLogoutRedirectUris, cancellationToken);
    }

    private async Task EnsureAsync(IOpenIddictApplicationManager applications, string clientId, string displayName,
        string applicationType, IReadOnlyCollection<string> redirectUris, IReadOnlyCollection<string> postLogoutRedirectUris,
        CancellationToken ct)
    {
        if (redirectUris.Count == 0)
        {
            LogNotRegistered(logger, clientId);
            return;
        }

        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = clientId,
            ClientType = ClientTypes.Public,
            ApplicationType = applicationType,
            ConsentType = ConsentTypes.Implicit, // the platform's own front-ends: no consent screen
            DisplayName = displayName,
            Permissions =
            {
                Permissions.Endpoints.Authorization,
                Permissions.Endpoints.Token,
                Permissions.Endpoints.EndSession,
                Permissions.Endpoints.Revocation,
                Permissions.GrantTypes.AuthorizationCode,
                Permissions.GrantTypes.RefreshToken,
                Permissions.ResponseTypes.Code,
                Permissions.Scopes.Profile,
                Permissions.Scopes.Roles,
            },
            Requirements = { Requirements.Features.ProofKeyForCodeExchange },
        };
        foreach (var api in PlatformAudiences.All)
        {
            descriptor.Permissions.Add(Permissions.Prefixes.Scope + api);
        }

        foreach (var uri in redirectUris.Distinct())
        {
            descriptor.RedirectUris.Add(new Uri(uri));
        }

        foreach (var uri in postLogoutRedirectUris.Distinct())
        {
            descriptor.PostLogoutRedirectUris.Add(new Uri(uri));
        }

        var existing = await applications.FindByClientIdAsync(clientId, ct);
        if (existing is null)
        {
            await applications.CreateAsync(descriptor, ct);
        }
        else
        {
            await applications.UpdateAsync(existing, descriptor, ct);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "The client {ClientId} has no redirect address configured (Scop:Identity:WebClient / MobileClient): not registered")]
    private static partial void LogNotRegistered(ILogger logger, string clientId);
}
