namespace Scop.Aspire.Portal.Domain;

/// <summary>The length of a statistics period.</summary>
public enum VisitPeriod
{
    Day,
    Month,
    Year,
}

/// <summary>
/// A site's visits over one period as last flushed from Redis: its unique visitors (the HyperLogLog's count, and its
/// registers, so that a Redis that lost its data is given them back) and, for a day, its page views. The whole portal
/// is the site <c>*</c>.
/// </summary>
public sealed class VisitStat
{
    public const string AllSites = "*";

    public required string Site { get; set; }

    public VisitPeriod Period { get; set; }

    /// <summary>2026-12-05, 2026-12 or 2026.</summary>
    public required string Key { get; set; }

    public long UniqueVisitors { get; set; }

    public long PageViews { get; set; }

    /// <summary>The HyperLogLog as Redis keeps it (at most 12 KB).</summary>
    public required byte[] Registers { get; set; }

    public DateTimeOffset FlushedAt { get; set; }
}
