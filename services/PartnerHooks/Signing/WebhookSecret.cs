using System.Security.Cryptography;

namespace Scop.Aspire.PartnerHooks.Signing;

/// <summary>
/// A Standard Webhooks signing secret: <c>whsec_</c> followed by the base64 of random bytes (32 here; the
/// specification allows 24 to 64). The key that signs is the decoded bytes, not the text.
/// </summary>
public static class WebhookSecret
{
    public const string Prefix = "whsec_";
    public const int KeyBytes = 32;

    public static string New() => Prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(KeyBytes));

    /// <summary>The HMAC key of a secret, with or without its prefix.</summary>
    /// <exception cref="FormatException">The secret is not base64 of 24 to 64 bytes.</exception>
    public static byte[] KeyOf(string secret)
    {
        var encoded = secret.StartsWith(Prefix, StringComparison.Ordinal) ? secret[Prefix.Length..] : secret;
        var key = Convert.FromBase64String(encoded);
        if (key.Length is < 24 or > 64)
        {
            throw new FormatException("A webhook secret holds 24 to 64 bytes.");
        }

        return key;
    }
}

/// <summary>
/// Standard Webhooks signatures: <c>v1,</c> + base64(HMAC-SHA256(key, "{webhook-id}.{webhook-timestamp}.{body}")).
/// Several signatures (a rotation in progress) are separated by spaces; a receiver accepts the request if any matches.
/// </summary>
public static class WebhookSignature
{
    public const string Version = "v1";

    public static string Sign(byte[] key, string webhookId, long timestamp, ReadOnlySpan<byte> body)
    {
        var prefix = System.Text.Encoding.UTF8.GetBytes($"{webhookId}.{timestamp}.");
        var content = new byte[prefix.Length + body.Length];
        prefix.CopyTo(content, 0);
        body.CopyTo(content.AsSpan(prefix.Length));
        return $"{Version},{Convert.ToBase64String(HMACSHA256.HashData(key, content))}";
    }

    public static string Sign(string secret, string webhookId, long timestamp, string body) =>
        Sign(WebhookSecret.KeyOf(secret), webhookId, timestamp, System.Text.Encoding.UTF8.GetBytes(body));

    /// <summary>What a receiver does: true if one of the space-separated signatures matches (compared in constant time).</summary>
    public static bool Verify(string secret, string webhookId, long timestamp, string body, string signatureHeader)
    {
        var expected = System.Text.Encoding.ASCII.GetBytes(Sign(secret, webhookId, timestamp, body));
        return signatureHeader.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Any(candidate => CryptographicOperations.FixedTimeEquals(System.Text.Encoding.ASCII.GetBytes(candidate), expected));
    }
}
