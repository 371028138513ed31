using System.Security.Claims;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Scop.Aspire.ServiceDefaults.Security;

/// <summary>
/// Validates each distinct access token once: the first request that carries it pays for the full check (signature,
/// issuer, audience, lifetime); later requests with the very same token reuse the result until the token expires.
/// Clients keep one token for its whole life (15 minutes), and checking its RSA signature again on every request was
/// most of what a token cost the gateway and the services. Only tokens that passed every check are remembered, under
/// the whole token text, so an altered token is a different key and is checked in full; an entry never outlives the
/// token's <c>exp</c> (plus the clock skew); and the cache holds at most <see cref="MaxEntries"/> tokens. Nothing is
/// given up: the platform's access tokens are self-contained JWTs that no service looks up anyway, so a token is
/// accepted until it expires whether or not its check is remembered.
/// </summary>
public sealed class CachingJsonWebTokenHandler : JsonWebTokenHandler, IDisposable
{
    public const int MaxEntries = 10_000;

    private readonly MemoryCache validated = new(new MemoryCacheOptions { SizeLimit = MaxEntries });

    public CachingJsonWebTokenHandler() => MapInboundClaims = false;

    private sealed record Entry(ClaimsIdentity Identity, SecurityToken Token, string TokenType, DateTime ExpiresAt);

    public override async Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
    {
        var now = DateTime.UtcNow; // the clock the full check's lifetime validation reads
        if (validated.TryGetValue(token, out Entry? entry) && entry!.ExpiresAt > now)
        {
            // A copy: whatever a request adds to its principal stays with that request.
            return new TokenValidationResult
            {
                IsValid = true,
                ClaimsIdentity = entry.Identity.Clone(),
                SecurityToken = entry.Token,
                TokenType = entry.TokenType,
            };
        }

        var result = await base.ValidateTokenAsync(token, validationParameters);
        if (result.IsValid && result.SecurityToken is { ValidTo: var validTo } securityToken && validTo > DateTime.MinValue)
        {
            var expiresAt = validTo + validationParameters.ClockSkew;
            if (expiresAt > now)
            {
                validated.Set(token, new Entry(result.ClaimsIdentity.Clone(), securityToken, result.TokenType, expiresAt),
                    new MemoryCacheEntryOptions { Size = 1, AbsoluteExpiration = new DateTimeOffset(expiresAt, TimeSpan.Zero) });
            }
        }

        return result;
    }

    public void Dispose() => validated.Dispose();
}
