namespace Scop.Aspire.Identity.Domain;

/// <summary>
/// A sign-in attempt that has not succeeded: written before the password is checked and removed if it was right, so
/// the rows within the window are the failures (and the attempts still being checked) of each client address and
/// each account. Rows older than the window are purged; nothing here outlives it by more than a minute.
/// </summary>
public sealed class SignInAttempt
{
    /// <summary>An IPv4 address, or the /64 block of an IPv6 address (one subscriber's network).</summary>
    public const int MaxClientAddressLength = 64;

    /// <summary>The account key is a SHA-256 in hex: the name typed is never stored.</summary>
    public const int AccountLength = 64;

    public long Id { get; set; }

    public required string ClientAddress { get; init; }

    public required string Account { get; init; }

    public DateTimeOffset StartedAt { get; init; }
}
