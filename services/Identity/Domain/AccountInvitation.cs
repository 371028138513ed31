using System.Security.Cryptography;
using System.Text;

namespace Scop.Aspire.Identity.Domain;

/// <summary>
/// The one-time link that lets the person of a new account choose its password. Only the SHA-256 of its token is kept:
/// the token itself is in the link, sent once; a dump of the database opens nothing.
/// </summary>
public sealed class AccountInvitation
{
    public Guid Id { get; set; }

    public required string UserId { get; set; }

    /// <summary>Hex SHA-256 of the token.</summary>
    public required string TokenHash { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset ExpiresAt { get; set; }

    public DateTimeOffset? UsedAt { get; set; }

    /// <summary>A new 256-bit token (URL-safe) and the invitation that knows only its hash.</summary>
    public static (AccountInvitation Invitation, string Token) New(string userId, DateTimeOffset now, TimeSpan lifetime)
    {
        var token = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return (new AccountInvitation
        {
            Id = Guid.CreateVersion7(now),
            UserId = userId,
            TokenHash = Hash(token),
            CreatedAt = now,
            ExpiresAt = now + lifetime,
        }, token);
    }

    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    public bool IsUsable(DateTimeOffset now) => UsedAt is null && now < ExpiresAt;
}
