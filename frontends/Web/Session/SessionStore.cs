using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using StackExchange.Redis;

namespace Scop.Aspire.Web.Session;

/// <summary>
/// The sessions of signed-in people, kept in Redis: the browser's cookie carries only a random session key, and
/// the tokens (access, refresh, identity) stay on the server, encrypted with the front-end's Data Protection keys.
/// Every replica of the front-end reads the same sessions. A session ends with its sign-out, with a refresh the
/// identity service refuses, or when it expires; its key then opens nothing.
/// </summary>
public sealed class SessionStore(IConnectionMultiplexer redis, IDataProtectionProvider protection, TimeProvider time) : ITicketStore
{
    /// <summary>The claim of the signed-in principal that names its session (set when the session is stored).</summary>
    public const string SessionClaim = "scop_session";

    private const string KeyPrefix = "scop:web:session:";

    private readonly IDataProtector protector = protection.CreateProtector("Scop.Aspire.Web.Session");

    public async Task<string> StoreAsync(AuthenticationTicket ticket)
    {
        var key = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        if (ticket.Principal.Identity is ClaimsIdentity identity)
        {
            identity.AddClaim(new Claim(SessionClaim, key));
        }

        await WriteAsync(key, ticket);
        return key;
    }

    public Task RenewAsync(string key, AuthenticationTicket ticket) => WriteAsync(key, ticket);

    public async Task<AuthenticationTicket?> RetrieveAsync(string key)
    {
        var stored = await redis.GetDatabase().StringGetAsync(KeyPrefix + key);
        if (stored.IsNullOrEmpty)
        {
            return null;
        }

        try
        {
            return TicketSerializer.Default.Deserialize(protector.Unprotect((byte[])stored!));
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return null; // written under keys this front-end no longer has: as good as no session
        }
    }

    public Task RemoveAsync(string key) => redis.GetDatabase().KeyDeleteAsync(KeyPrefix + key);

    private Task WriteAsync(string key, AuthenticationTicket ticket)
    {
        var expires = ticket.Properties.ExpiresUtc ?? time.GetUtcNow().AddHours(12);
        var ttl = expires - time.GetUtcNow();
        if (ttl <= TimeSpan.Zero)
        {
            return RemoveAsync(key);
        }

        return redis.GetDatabase().StringSetAsync(KeyPrefix + key,
            protector.Protect(TicketSerializer.Default.Serialize(ticket)), ttl);
    }

    /// <summary>The cookie scheme's store, resolved once the container is built.</summary>
    public sealed class Setup(SessionStore store) : Microsoft.Extensions.Options.IPostConfigureOptions<CookieAuthenticationOptions>
    {
        public void PostConfigure(string? name, CookieAuthenticationOptions options)
        {
            if (name == CookieAuthenticationDefaults.AuthenticationScheme)
            {
                options.SessionStore = store;
            }
        }
    }
}
