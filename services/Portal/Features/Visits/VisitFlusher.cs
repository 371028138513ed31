using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Scop.Aspire.Portal.Data;
using Scop.Aspire.Portal.Domain;
using StackExchange.Redis;

namespace Scop.Aspire.Portal.Features.Visits;

/// <summary>
/// Every <see cref="VisitOptions.FlushInterval"/> (a minute), copies the counters of the sites and days that had visits
/// from Redis to PostgreSQL (<c>visit_stats</c>): each HyperLogLog's registers with its count, and the day's page views.
/// So a Redis that restarts empty loses at most the last interval: when the flusher finds Redis's epoch gone it puts
/// the history back first — each HyperLogLog merged (PFMERGE) with its flushed registers, each day's page views added —
/// once, by the replica that sets the new epoch. Replicas may flush side by side: the same counts are written.
/// </summary>
public sealed class VisitFlusher(IConnectionMultiplexer redis, VisitCounter counter, IServiceScopeFactory scopes,
    IOptions<VisitOptions> options, TimeProvider time, ILogger<VisitFlusher> logger) : BackgroundService
{
    private readonly SemaphoreSlim gate = new(1, 1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.FlushInterval, TimeProvider.System);
        do
        {
            try
            {
                await FlushAsync(stoppingToken);
            }
            catch (Exception exception) when (exception is RedisException or DbUpdateException or Npgsql.NpgsqlException or TimeoutException)
            {
                logger.LogWarning(exception, "Visit counters not flushed this time; the next pass tries again");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>One pass: restores a Redis that lost its data, then flushes what changed since the last pass.</summary>
    public async Task FlushAsync(CancellationToken ct)
    {
        await gate.WaitAsync(ct);
        try
        {
            var db = redis.GetDatabase();
            var epoch = Guid.NewGuid().ToString("N");
            if (await db.StringSetAsync(counter.EpochKey, epoch, when: When.NotExists))
            {
                await RestoreAsync(db, ct); // a new Redis (or one that came back empty): the history first
            }

            var dirty = await db.SetPopAsync(counter.DirtyKey, 10_000);
            if (dirty.Length == 0)
            {
                return;
            }

            var now = time.GetUtcNow();
            var rows = new List<VisitStat>();
            foreach (var entry in dirty.Select(d => ((string)d!).Split('|')).Where(p => p.Length == 2).Distinct(new PairComparer()))
            {
                var (site, day) = (entry[0], entry[1]);
                var periods = new[] { (VisitPeriod.Day, day), (VisitPeriod.Month, day[..7]), (VisitPeriod.Year, day[..4]) };
                var batch = db.CreateBatch();
                var reads = periods.Select(p => (p.Item1, p.Item2, Registers: batch.StringGetAsync(counter.UniqueKey(site, p.Item2)),
                    Count: batch.HyperLogLogLengthAsync(counter.UniqueKey(site, p.Item2)))).ToList();
                var views = batch.StringGetAsync(counter.PageViewKey(site, day));
                batch.Execute();
                foreach (var (period, key, registers, count) in reads)
                {
                    if (await registers is { HasValue: true } bytes)
                    {
                        rows.Add(new VisitStat
                        {
                            Site = site, Period = period, Key = key, UniqueVisitors = await count,
                            PageViews = period == VisitPeriod.Day ? (long)(await views) : 0, Registers = (byte[])bytes!, FlushedAt = now,
                        });
                    }
                }
            }

            await using var scope = scopes.CreateAsyncScope();
            var portal = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
            foreach (var row in rows.DistinctBy(r => (r.Site, r.Period, r.Key)))
            {
                await portal.Database.ExecuteSqlAsync(
                    $"""
                    INSERT INTO visit_stats (site, period, key, unique_visitors, page_views, registers, flushed_at)
                    VALUES ({row.Site}, {row.Period.ToString()}, {row.Key}, {row.UniqueVisitors}, {row.PageViews}, {row.Registers}, {row.FlushedAt})
                    ON CONFLICT (site, period, key) DO UPDATE SET unique_visitors = excluded.unique_visitors,
                        page_views = CASE WHEN excluded.period = 'Day' THEN excluded.page_views ELSE visit_stats.page_views END,
                        registers = excluded.registers, flushed_at = excluded.flushed_at
                    """, ct);
            }
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Puts the flushed history of the current day, month and year back into a Redis that lost it.</summary>
    private async Task RestoreAsync(IDatabase db, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var current = new[] { VisitCounter.Day(now), VisitCounter.Month(now), VisitCounter.Year(now), VisitCounter.Day(now.AddDays(-1)) };
        await using var scope = scopes.CreateAsyncScope();
        var portal = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var rows = await portal.VisitStats.AsNoTracking().Where(s => current.Contains(s.Key)).ToListAsync(ct);
        foreach (var row in rows)
        {
            RedisKey key = counter.UniqueKey(row.Site, row.Key);
            RedisKey flushed = $"{key}:flushed";
            await db.StringSetAsync(flushed, row.Registers, TimeSpan.FromMinutes(5));
            await db.HyperLogLogMergeAsync(key, key, flushed);
            await db.KeyDeleteAsync(flushed);
            await db.KeyExpireAsync(key, TimeSpan.FromDays(row.Period switch { VisitPeriod.Day => 3, VisitPeriod.Month => 40, _ => 400 }));
            if (row.Period == VisitPeriod.Day && row.PageViews > 0)
            {
                await db.StringIncrementAsync(counter.PageViewKey(row.Site, row.Key), row.PageViews);
                await db.KeyExpireAsync(counter.PageViewKey(row.Site, row.Key), TimeSpan.FromDays(3));
            }

            if (row.Period == VisitPeriod.Day)
            {
                await db.SetAddAsync(counter.DirtyKey, $"{row.Site}|{row.Key}");
            }
        }

        if (rows.Count > 0)
        {
            logger.LogWarning("Redis had lost the visit counters: {Count} flushed counters were put back", rows.Count);
        }
    }

    private sealed class PairComparer : IEqualityComparer<string[]>
    {
        public bool Equals(string[]? x, string[]? y) => x!.SequenceEqual(y!);

        public int GetHashCode(string[] obj) => HashCode.Combine(obj[0], obj[1]);
    }
}

/// <summary>Visit statistics settings (<c>Scop:Portal:Visits</c>).</summary>
public sealed class VisitOptions
{
    public const string Section = "Scop:Portal:Visits";

    /// <summary>How often Redis's counters are copied to PostgreSQL: the most a Redis that restarts empty loses.</summary>
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The yearly target of the seed's line 12: 500,000 visits (from 50,000).</summary>
    public long YearlyVisitsTarget { get; set; } = 500_000;
}
