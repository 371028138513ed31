using System.Net;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Scop.Aspire.Portal.Data;
using Scop.Aspire.Portal.Domain;
using Scop.Aspire.ServiceDefaults.Http;

namespace Scop.Aspire.Portal.Features.Visits;

public sealed record MonthVisits(string Month, long UniqueVisitors, long Visits, long PageViews);

public sealed record VisitStatistics(string Site, int Year, long UniqueVisitors, long Visits, long PageViews, long Target,
    double ShareOfTarget, IReadOnlyList<MonthVisits> Months, DateTimeOffset? FlushedAt);

/// <summary>
/// <c>POST /api/portal/visits</c> (the front-ends' beacon, one per page view: <c>{"site": slug}</c>; 202, nothing
/// stored about the visitor) and <c>GET /api/portal/statistics/{year}?site=</c>: a site's or the whole portal's year —
/// unique visitors, visits (a visitor counts once a day), page views, month by month — against the yearly target of
/// 500,000 visits, from the history flushed to PostgreSQL (at most a minute old: <c>flushedAt</c>).
/// </summary>
public static class Visits
{
    public sealed record VisitBeacon(string? Site, string? Path);

    public static RouteGroupBuilder MapVisits(this RouteGroupBuilder group)
    {
        group.MapPost("/visits", RecordAsync).WithName("RecordVisit").WithSummary("Count a page view (no cookie, no address kept)")
            .Accepts<VisitBeacon>("application/json").AllowAnonymous(); // every reader's browser sends it
        group.MapGet("/statistics/{year:int}", GetAsync).WithName("GetVisitStatistics")
            .WithSummary("A year's visits of a site or of the portal, against the target").AllowAnonymous();
        return group;
    }

    public static async Task<Results<Accepted, ValidationProblem>> RecordAsync(HttpRequest http, PortalDbContext db,
        VisitCounter counter, TimeProvider time, CancellationToken ct)
    {
        var (beacon, problem) = await JsonBody.ReadAsync<VisitBeacon>(http, ct);
        if (problem is not null)
        {
            return problem;
        }

        var site = beacon!.Site?.Trim() ?? "";
        if (!Site.IsSlug(site))
        {
            return JsonBody.Invalid("site", "The slug of a site of the portal.");
        }

        if (beacon.Path is { Length: > 2048 })
        {
            return JsonBody.Invalid("path", "At most 2048 characters.");
        }

        var now = time.GetUtcNow();
        // Which sites are open, asked of the database at most once a minute per site: beacons come by thousands.
        if (!counter.OpenSites.TryGetValue(site, out var known) || now - known.CheckedAt > TimeSpan.FromMinutes(1))
        {
            known = (await db.Sites.AnyAsync(s => s.Slug == site && !s.Closed, ct), now);
            counter.OpenSites[site] = known;
        }

        if (!known.Open)
        {
            return JsonBody.Invalid("site", "No open site has this slug.");
        }

        await counter.RecordAsync(site, VisitorAddress(http.HttpContext), http.Headers.UserAgent.ToString(), now);
        return TypedResults.Accepted((string?)null);
    }

    public static async Task<Results<Ok<VisitStatistics>, ValidationProblem>> GetAsync(int year, PortalDbContext db,
        IOptions<VisitOptions> options, CancellationToken ct, string? site = null)
    {
        if (year is < 2000 or > 2200)
        {
            return JsonBody.Invalid("year", "Between 2000 and 2200.");
        }

        var slug = site ?? VisitStat.AllSites;
        if (slug != VisitStat.AllSites && !Site.IsSlug(slug))
        {
            return JsonBody.Invalid("site", "The slug of a site, or nothing for the whole portal.");
        }

        var prefix = year.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var rows = await db.VisitStats.AsNoTracking().Where(s => s.Site == slug && s.Key.StartsWith(prefix))
            .Select(s => new { s.Period, s.Key, s.UniqueVisitors, s.PageViews, s.FlushedAt }).ToListAsync(ct);
        var days = rows.Where(r => r.Period == VisitPeriod.Day).ToList();
        var months = Enumerable.Range(1, 12).Select(m => $"{prefix}-{m:00}").Select(month => new MonthVisits(month,
                rows.SingleOrDefault(r => r.Period == VisitPeriod.Month && r.Key == month)?.UniqueVisitors ?? 0,
                days.Where(d => d.Key.StartsWith(month, StringComparison.Ordinal)).Sum(d => d.UniqueVisitors),
                days.Where(d => d.Key.StartsWith(month, StringComparison.Ordinal)).Sum(d => d.PageViews)))
            .ToList();
        var visits = days.Sum(d => d.UniqueVisitors);
        var target = options.Value.YearlyVisitsTarget;
        return TypedResults.Ok(new VisitStatistics(slug, year,
            rows.SingleOrDefault(r => r.Period == VisitPeriod.Year)?.UniqueVisitors ?? 0, visits, days.Sum(d => d.PageViews), target,
            Math.Round((double)visits / target, 4), months, rows.Count == 0 ? null : rows.Max(r => r.FlushedAt)));
    }

    /// <summary>
    /// The visitor's address, only to be hashed: the connection's, or behind the gateway on this machine (loopback) the
    /// last address of <c>X-Forwarded-For</c>, which the gateway sets from what it saw itself.
    /// </summary>
    public static string VisitorAddress(HttpContext http)
    {
        var remote = http.Connection.RemoteIpAddress;
        if ((remote is null || IPAddress.IsLoopback(remote)) && http.Request.Headers["X-Forwarded-For"].ToString() is { Length: > 0 } forwarded)
        {
            return forwarded.Split(',').Last().Trim();
        }

        return remote?.ToString() ?? "";
    }
}
