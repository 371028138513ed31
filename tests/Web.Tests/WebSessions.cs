using System.Globalization;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.DataProtection;
using StackExchange.Redis;

namespace Scop.Aspire.Web.Tests;

/// <summary>
/// The front-end's server-side sessions as they sit in Redis, read and changed the way the front-end does (its Data
/// Protection keys from the platform's data folder): to see that tokens were refreshed, and to age a token as time would.
/// </summary>
public static class WebSessions
{
    private const string Prefix = "scop:web:session:";

    public sealed record StoredSession(string Key, AuthenticationTicket Ticket)
    {
        public string? Token(string name) => Ticket.Properties.GetTokenValue(name);
    }

    public static async Task<IReadOnlyList<StoredSession>> SessionsOfAsync(this WebPlatform platform, string displayName)
    {
        var (redis, protector) = await OpenAsync(platform);
        await using var _ = redis;
        var sessions = new List<StoredSession>();
        foreach (var server in redis.GetServers())
        {
            await foreach (var key in server.KeysAsync(pattern: Prefix + "*"))
            {
                var value = await redis.GetDatabase().StringGetAsync(key);
                if (value.IsNullOrEmpty)
                {
                    continue;
                }

                var ticket = TicketSerializer.Default.Deserialize(protector.Unprotect((byte[])value!))!;
                if (ticket.Principal.Identity?.Name == displayName)
                {
                    sessions.Add(new StoredSession(key.ToString()[Prefix.Length..], ticket));
                }
            }
        }

        return sessions;
    }

    /// <summary>Moves the session's access-token expiry to a minute ago, as if it had been issued a quarter of an hour back.</summary>
    public static async Task AgeAccessTokenAsync(this WebPlatform platform, string sessionKey)
    {
        var (redis, protector) = await OpenAsync(platform);
        await using var _ = redis;
        var database = redis.GetDatabase();
        var ttl = await database.KeyTimeToLiveAsync(Prefix + sessionKey);
        var ticket = TicketSerializer.Default.Deserialize(protector.Unprotect((byte[])(await database.StringGetAsync(Prefix + sessionKey))!))!;
        ticket.Properties.UpdateTokenValue("expires_at", DateTimeOffset.UtcNow.AddMinutes(-1).ToString("o", CultureInfo.InvariantCulture));
        await database.StringSetAsync(Prefix + sessionKey, protector.Protect(TicketSerializer.Default.Serialize(ticket)),
            ttl ?? TimeSpan.FromHours(1));
    }

    private static async Task<(ConnectionMultiplexer, IDataProtector)> OpenAsync(WebPlatform platform)
    {
        var connectionString = await platform.App.GetConnectionStringAsync("redis")
                               ?? throw new InvalidOperationException("No connection string for redis.");
        var redis = await ConnectionMultiplexer.ConnectAsync(connectionString + ",allowAdmin=true");
        var provider = DataProtectionProvider.Create(new DirectoryInfo(Path.Combine(platform.DataRoot, "web", "keys")),
            builder => builder.SetApplicationName("scop-web"));
        return (redis, provider.CreateProtector("Scop.Aspire.Web.Session"));
    }
}
