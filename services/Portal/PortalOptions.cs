namespace Scop.Aspire.Portal;

/// <summary>The portal's settings (<c>Scop:Portal</c>).</summary>
public sealed class PortalOptions
{
    public const string Section = "Scop:Portal";

    /// <summary>The start of every Redis key the portal writes (page cache, visit counters).</summary>
    public string RedisPrefix { get; set; } = "portal";

    /// <summary>The public address of the portal's pages, for sitemaps and Atom feeds.</summary>
    public string PublicOrigin { get; set; } = "http://localhost:8080";
}
