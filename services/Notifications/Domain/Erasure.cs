using System.Security.Cryptography;

namespace Scop.Aspire.Notifications.Domain;

/// <summary>
/// A person who was erased, known only by a SHA-256 digest of their id: no column holds the id itself (an erasure leaves
/// nothing that leads to them), yet an event about them arriving later finds the digest and tells nobody.
/// </summary>
public sealed class Erasure
{
    public byte[] PersonDigest { get; set; } = [];

    public DateTimeOffset ErasedAt { get; set; }

    public static byte[] DigestOf(Guid personId) => SHA256.HashData(personId.ToByteArray());
}
