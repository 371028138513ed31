using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Scop.Aspire.Portal.Features.Visits;

/// <summary>
/// Counts page views and unique visitors without a cookie and without keeping an address: a visitor is a hash of their
/// address, their user agent and a salt that changes every day (kept in Redis, shared by every replica, gone after two
/// days), so nobody — the portal included — can follow a visitor from one day to the next or tell who they were. Unique
/// visitors per site and for the whole portal, per day, month and year, are Redis HyperLogLogs (12 KB each, 0.81 %
/// standard error); page views per site and day are counters. One script per beacon, one round trip.
/// </summary>
public sealed class VisitCounter(IConnectionMultiplexer redis, IOptions<PortalOptions> options)
{
    /// <summary>What user agents of robots say about themselves: their views are not counted.</summary>
    private static readonly string[] RobotMarks =
    [
        "bot", "crawl", "spider", "slurp", "headless", "lighthouse", "preview", "monitor", "python-requests", "curl/", "wget/",
        "httpclient", "go-http-client", "java/", "okhttp", "scrapy", "facebookexternalhit", "feedfetcher",
    ];

    private const string Record = """
        redis.call('PFADD', KEYS[1], ARGV[1])
        redis.call('PFADD', KEYS[2], ARGV[1])
        redis.call('PFADD', KEYS[3], ARGV[1])
        redis.call('PFADD', KEYS[4], ARGV[1])
        redis.call('PFADD', KEYS[5], ARGV[1])
        redis.call('PFADD', KEYS[6], ARGV[1])
        redis.call('INCR', KEYS[7])
        redis.call('INCR', KEYS[8])
        redis.call('SADD', KEYS[9], ARGV[2], ARGV[3])
        redis.call('EXPIRE', KEYS[1], ARGV[4])
        redis.call('EXPIRE', KEYS[2], ARGV[4])
        redis.call('EXPIRE', KEYS[7], ARGV[4])
        redis.call('EXPIRE', KEYS[8], ARGV[4])
        redis.call('EXPIRE', KEYS[3], ARGV[5])
        redis.call('EXPIRE', KEYS[4], ARGV[5])
        redis.call('EXPIRE', KEYS[5], ARGV[6])
        redis.call('EXPIRE', KEYS[6], ARGV[6])
        return 1
        """;

    private readonly ConcurrentDictionary<string, byte[]> salts = new();

    /// <summary>Whether a beacon's site is open, and when that was read from the database.</summary>
    public ConcurrentDictionary<string, (bool Open, DateTimeOffset CheckedAt)> OpenSites { get; } = new();

    public string Prefix => options.Value.RedisPrefix;

    public static bool IsRobot(string? userAgent) =>
        string.IsNullOrWhiteSpace(userAgent) || RobotMarks.Any(m => userAgent.Contains(m, StringComparison.OrdinalIgnoreCase));

    public RedisKey UniqueKey(string site, string period) => $"{Prefix}:visits:{{{site}}}:uv:{period}";

    public RedisKey PageViewKey(string site, string day) => $"{Prefix}:visits:{{{site}}}:pv:{day}";

    public RedisKey DirtyKey => $"{Prefix}:visits:dirty";

    public RedisKey EpochKey => $"{Prefix}:visits:epoch";

    public static string Day(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static string Month(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM", CultureInfo.InvariantCulture);

    public static string Year(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy", CultureInfo.InvariantCulture);

    /// <summary>Counts one page view of <paramref name="site"/>; false for a robot (nothing counted).</summary>
    public async Task<bool> RecordAsync(string site, string address, string? userAgent, DateTimeOffset at)
    {
        if (IsRobot(userAgent))
        {
            return false;
        }

        var day = Day(at);
        var visitor = Convert.ToHexString(HMACSHA256.HashData(await SaltAsync(day), Encoding.UTF8.GetBytes($"{address}\n{userAgent}")), 0, 16);
        const string all = Domain.VisitStat.AllSites;
        await redis.GetDatabase().ScriptEvaluateAsync(Record,
            [
                UniqueKey(site, day), UniqueKey(all, day), UniqueKey(site, Month(at)), UniqueKey(all, Month(at)),
                UniqueKey(site, Year(at)), UniqueKey(all, Year(at)), PageViewKey(site, day), PageViewKey(all, day), DirtyKey,
            ],
            [visitor, $"{site}|{day}", $"{all}|{day}", (long)TimeSpan.FromDays(3).TotalSeconds,
                (long)TimeSpan.FromDays(40).TotalSeconds, (long)TimeSpan.FromDays(400).TotalSeconds]);
        return true;
    }

    /// <summary>The day's salt: made by the first replica that needs it, random, forgotten two days later.</summary>
    private async Task<byte[]> SaltAsync(string day)
    {
        if (salts.TryGetValue(day, out var salt))
        {
            return salt;
        }

        var db = redis.GetDatabase();
        RedisKey key = $"{Prefix}:visits:salt:{day}";
        await db.StringSetAsync(key, RandomNumberGenerator.GetBytes(32), TimeSpan.FromDays(2), When.NotExists);
        salt = (byte[])(await db.StringGetAsync(key))!;
        foreach (var old in salts.Keys.Where(k => string.CompareOrdinal(k, day) < 0))
        {
            salts.TryRemove(old, out _);
        }

        return salts.GetOrAdd(day, salt);
    }
}
