using System.Globalization;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Json;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Scop.Aspire.Identity.Features.Connect;

/// <summary>
/// A session begins when a person enters their password and lasts <see cref="IdentityServerSettings.SessionHours"/>
/// at most, whatever happens within it. Its id (<c>sid</c>) and start (<c>auth_time</c>) ride in the sign-in cookie,
/// in every authorization the session grants (the authorization is tagged with the session id), and in the codes
/// and refresh tokens issued from it; no token of the session outlives its end. Signing out ends every authorization
/// of the session, and with them their refresh tokens.
/// </summary>
public sealed class Sessions(IdentityServerSettings settings, TimeProvider time, IOpenIddictApplicationManager applications,
    IOpenIddictAuthorizationManager authorizations, IOpenIddictTokenManager tokens)
{
    public const string IdClaim = "sid";

    /// <summary>The authorization property naming the session that granted it.</summary>
    public const string AuthorizationProperty = "scop_session";

    public sealed record Session(string Id, DateTimeOffset StartedAt);

    private TimeSpan Length => TimeSpan.FromHours(settings.SessionHours);

    /// <summary>The claims a new session's cookie carries, from now.</summary>
    public Claim[] Start()
    {
        var started = time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return
        [
            new Claim(IdClaim, Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16))),
            new Claim(Claims.AuthenticationTime, started, ClaimValueTypes.Integer64),
        ];
    }

    /// <summary>The session a cookie or a token belongs to; null when it carries none (a token of before sessions).</summary>
    public static Session? Of(ClaimsPrincipal? principal) =>
        principal?.FindFirst(IdClaim)?.Value is { Length: > 0 } id
        && long.TryParse(principal.FindFirst(Claims.AuthenticationTime)?.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var started)
            ? new Session(id, DateTimeOffset.FromUnixTimeSeconds(started))
            : null;

    public DateTimeOffset EndOf(Session session) => session.StartedAt + Length;

    public bool IsOver(Session? session) => session is null || time.GetUtcNow() >= EndOf(session);

    /// <summary>
    /// Puts the session into the claims of new tokens and cuts their lifetimes to what is left of it: the access token
    /// lives <see cref="IdentityServerSettings.AccessTokenMinutes"/>, the refresh token
    /// <see cref="IdentityServerSettings.RefreshTokenHours"/> from now (sliding), neither past the session's end.
    /// </summary>
    public void Stamp(ClaimsIdentity identity, Session session)
    {
        identity.SetClaim(IdClaim, session.Id);
        identity.RemoveClaims(Claims.AuthenticationTime);
        identity.AddClaim(new Claim(Claims.AuthenticationTime,
            session.StartedAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), ClaimValueTypes.Integer64));

        var left = EndOf(session) - time.GetUtcNow();
        identity.SetAccessTokenLifetime(Shorter(TimeSpan.FromMinutes(settings.AccessTokenMinutes), left));
        identity.SetIdentityTokenLifetime(Shorter(TimeSpan.FromMinutes(settings.AccessTokenMinutes), left));
        identity.SetRefreshTokenLifetime(Shorter(TimeSpan.FromHours(settings.RefreshTokenHours), left));
    }

    /// <summary>A new authorization for a client, granted by this session, that every token of this grant refers to.</summary>
    public async Task<string> AuthorizeAsync(ClaimsIdentity identity, object application, string subject, Session session,
        IEnumerable<string> scopes, CancellationToken ct)
    {
        var descriptor = new OpenIddictAuthorizationDescriptor
        {
            ApplicationId = await applications.GetIdAsync(application, ct),
            CreationDate = time.GetUtcNow(),
            Principal = new ClaimsPrincipal(identity),
            Status = Statuses.Valid,
            Subject = subject,
            Type = AuthorizationTypes.AdHoc,
            Properties = { [AuthorizationProperty] = JsonSerializer.SerializeToElement(session.Id) },
        };
        descriptor.Scopes.UnionWith(scopes);
        var authorization = await authorizations.CreateAsync(descriptor, ct);
        return (await authorizations.GetIdAsync(authorization, ct))!;
    }

    /// <summary>Ends every authorization a session of <paramref name="subject"/> granted, and their tokens.</summary>
    public async Task<int> EndAsync(string subject, string sessionId, CancellationToken ct)
    {
        var ended = new List<string>();
        await foreach (var authorization in authorizations.FindBySubjectAsync(subject, ct))
        {
            var properties = await authorizations.GetPropertiesAsync(authorization, ct);
            if (properties.TryGetValue(AuthorizationProperty, out var value) && value.ValueKind == JsonValueKind.String
                && value.GetString() == sessionId && await authorizations.GetIdAsync(authorization, ct) is { } id)
            {
                ended.Add(id);
            }
        }

        foreach (var id in ended)
        {
            await EndAuthorizationAsync(id, ct);
        }

        return ended.Count;
    }

    /// <summary>Revokes an authorization and every token issued under it: its refresh tokens stop working at once.</summary>
    public async Task EndAuthorizationAsync(string authorizationId, CancellationToken ct)
    {
        if (await authorizations.FindByIdAsync(authorizationId, ct) is { } authorization)
        {
            await authorizations.TryRevokeAsync(authorization, ct);
        }

        await tokens.RevokeByAuthorizationIdAsync(authorizationId, ct);
    }

    private static TimeSpan Shorter(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
