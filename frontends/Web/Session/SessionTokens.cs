using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.Options;

namespace Scop.Aspire.Web.Session;

/// <summary>
/// The access token of a session, refreshed at the identity service before it expires (when less than
/// <see cref="WebOptions.RefreshBeforeExpiry"/> is left). Used by every API call, from a server-rendered page as from an
/// interactive one, so both see the same, current tokens. A refresh the identity service refuses (the session ended
/// there: signed out, revoked, past its 12 hours) ends the session here too.
/// </summary>
public sealed partial class SessionTokens(SessionStore store, IHttpClientFactory clients,
    IOptionsMonitor<OpenIdConnectOptions> oidc, IOptions<WebOptions> options, TimeProvider time, ILogger<SessionTokens> logger)
{
    public const string TokenClient = "scop-identity-token";

    // One refresh at a time per session in this process; a concurrent one from another replica is covered by the
    // identity service's reuse leeway for a refresh token just exchanged.
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> Refreshing = new();

    /// <summary>A valid access token for the session, or null when the session has ended.</summary>
    public async Task<string?> AccessTokenAsync(string sessionKey, CancellationToken ct)
    {
        var ticket = await store.RetrieveAsync(sessionKey);
        if (ticket is null)
        {
            return null;
        }

        if (!NeedsRefresh(ticket.Properties))
        {
            return ticket.Properties.GetTokenValue("access_token");
        }

        var gate = Refreshing.GetOrAdd(sessionKey, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(ct);
        try
        {
            ticket = await store.RetrieveAsync(sessionKey); // another request may have refreshed meanwhile
            if (ticket is null)
            {
                return null;
            }

            if (!NeedsRefresh(ticket.Properties))
            {
                return ticket.Properties.GetTokenValue("access_token");
            }

            var refreshed = await RefreshAsync(ticket.Properties, ct);
            if (refreshed is null)
            {
                await store.RemoveAsync(sessionKey);
                return null;
            }

            await store.RenewAsync(sessionKey, ticket);
            return refreshed;
        }
        finally
        {
            gate.Release();
            Refreshing.TryRemove(new KeyValuePair<string, SemaphoreSlim>(sessionKey, gate));
        }
    }

    /// <summary>The identity token of the session (for the sign-out at the identity service).</summary>
    public async Task<string?> IdTokenAsync(string sessionKey) =>
        (await store.RetrieveAsync(sessionKey))?.Properties.GetTokenValue("id_token");

    private bool NeedsRefresh(AuthenticationProperties properties) =>
        properties.GetTokenValue("expires_at") is not { } expiresAt
        || !DateTimeOffset.TryParse(expiresAt, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var expires)
        || expires - time.GetUtcNow() < options.Value.RefreshBeforeExpiry;

    /// <summary>Exchanges the refresh token; on success the new tokens are in <paramref name="properties"/>.</summary>
    private async Task<string?> RefreshAsync(AuthenticationProperties properties, CancellationToken ct)
    {
        if (properties.GetTokenValue("refresh_token") is not { Length: > 0 } refreshToken)
        {
            return null;
        }

        var scheme = oidc.Get(OpenIdConnectDefaults.AuthenticationScheme);
        var configuration = await scheme.ConfigurationManager!.GetConfigurationAsync(ct);
        using var response = await clients.CreateClient(TokenClient).PostAsync(configuration.TokenEndpoint,
            new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "refresh_token",
                ["refresh_token"] = refreshToken,
                ["client_id"] = options.Value.ClientId,
            }), ct);
        if (!response.IsSuccessStatusCode)
        {
            LogRefreshRefused(logger, (int)response.StatusCode);
            return null;
        }

        using var body = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(ct), cancellationToken: ct);
        var root = body.RootElement;
        var accessToken = root.GetProperty("access_token").GetString()!;
        var lifetime = root.TryGetProperty("expires_in", out var seconds) ? seconds.GetInt32() : 900;
        var tokens = properties.GetTokens().ToDictionary(t => t.Name, t => t.Value);
        tokens["access_token"] = accessToken;
        tokens["expires_at"] = time.GetUtcNow().AddSeconds(lifetime).ToString("o", CultureInfo.InvariantCulture);
        if (root.TryGetProperty("refresh_token", out var rotated) && rotated.GetString() is { Length: > 0 } newRefresh)
        {
            tokens["refresh_token"] = newRefresh;
        }

        if (root.TryGetProperty("id_token", out var idToken) && idToken.GetString() is { Length: > 0 } newIdToken)
        {
            tokens["id_token"] = newIdToken;
        }

        properties.StoreTokens(tokens.Select(t => new AuthenticationToken { Name = t.Key, Value = t.Value }));
        return accessToken;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "The identity service refused to refresh a session's tokens ({Status}); the session ends")]
    private static partial void LogRefreshRefused(ILogger logger, int status);
}
