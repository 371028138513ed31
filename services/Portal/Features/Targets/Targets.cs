using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Scop.Aspire.Portal.Data;
using Scop.Aspire.Portal.Domain;
using Scop.Aspire.Portal.Features.Caching;
using Scop.Aspire.ServiceDefaults.Http;
using Scop.Aspire.ServiceDefaults.Security;

namespace Scop.Aspire.Portal.Features.Targets;

public sealed record TargetProgress(string Code, string Label, long Target, string Kind, string Source, bool Fed,
    string? NotFedBecause, long? Value, IReadOnlyList<long>? ByMonth, IReadOnlyDictionary<string, long>? ByRegion);

public sealed record TargetsDashboard(int Year, string? RegionalUnion, IReadOnlyList<TargetProgress> Targets);

public sealed record TargetFactResponse(Guid SubjectId, string? RegionalUnion, DateTimeOffset OccurredAt, DateTimeOffset? EndedAt);

/// <summary>
/// The Congress targets dashboard: <c>GET /api/portal/targets/{year}?regionalUnion=</c> (public, anonymous figures:
/// counts only) — every target of the seed, national or for one regional union, month by month and by union, live from
/// the other services' events; a target no service feeds yet says why and shows no number. A figure sums its facts'
/// quantities (one per subject; a job premium's jobs). A target the seed sets no figure for (0) is shown as its count:
/// no share of it is computed here. The facts behind a figure (<c>GET /api/portal/targets/{year}/{target}/facts</c>:
/// which cooperative, which person's id, which opportunity or premium, when) are for staff, and for a delegate those of
/// their union.
/// </summary>
public static class TargetsEndpoints
{
    public static RouteGroupBuilder MapTargets(this RouteGroupBuilder group)
    {
        group.MapGet("/targets/{year:int}", GetAsync).WithName("GetCongressTargets")
            .WithSummary("Every Congress target: progress, month by month, by regional union").Produces<TargetsDashboard>()
            .AllowAnonymous();
        group.MapGet("/targets/{year:int}/{target}/facts", ListFactsAsync).WithName("ListTargetFacts")
            .WithSummary("The facts behind a target's figure").RequireAuthorization(PlatformPolicies.StaffOrDelegate);
        return group;
    }

    public static Task<IResult> GetAsync(int year, HttpContext http, PortalDbContext db, PortalCache cache, CancellationToken ct,
        string? regionalUnion = null) =>
        cache.ServeAsync(http, PortalCache.AllSites, async () =>
        {
            if (year is < 2000 or > 2200)
            {
                return JsonBody.Invalid("year", "Between 2000 and 2200.");
            }

            if (regionalUnion is not null && !Site.IsSlug(regionalUnion))
            {
                return JsonBody.Invalid("regionalUnion", "A regional union code (e.g. urscop-aura).");
            }

            var yearStart = new DateTimeOffset(year, 1, 1, 0, 0, 0, TimeSpan.Zero);
            var monthEnds = Enumerable.Range(1, 12).Select(m => yearStart.AddMonths(m)).ToArray();
            var progress = new List<TargetProgress>();
            foreach (var target in CongressTargets.All)
            {
                if (target.NotFedBecause is not null)
                {
                    progress.Add(new TargetProgress(target.Code, target.Label, target.Target, Kind(target), target.Source, false,
                        target.NotFedBecause, null, null, null));
                    continue;
                }

                if (target.Code == CongressTargets.PortalVisits)
                {
                    progress.Add(await VisitsAsync(db, target, year, ct));
                    continue;
                }

                var facts = db.TargetFacts.AsNoTracking().Where(f => f.Target == target.Code);
                if (regionalUnion is not null)
                {
                    facts = facts.Where(f => f.RegionalUnion == regionalUnion);
                }

                if (target.Kind == TargetKind.PerYear)
                {
                    var rows = await facts.Where(f => f.Year == year)
                        .GroupBy(f => new { f.RegionalUnion, Month = f.OccurredAt.Month })
                        .Select(g => new { g.Key.RegionalUnion, g.Key.Month, Figure = g.Sum(f => (long)f.Quantity) }).ToListAsync(ct);
                    var byMonth = Enumerable.Range(1, 12).Select(m => rows.Where(r => r.Month == m).Sum(r => r.Figure)).ToList();
                    progress.Add(new TargetProgress(target.Code, target.Label, target.Target, Kind(target), target.Source, true, null,
                        rows.Sum(r => r.Figure), byMonth, ByRegion(rows.Select(r => (r.RegionalUnion, r.Figure)))));
                }
                else
                {
                    // What stands at the end of each month (or now, for the current one): joined by then, not left by then.
                    var yearEnd = monthEnds[^1];
                    var rows = await facts.Where(f => f.OccurredAt < yearEnd && (f.EndedAt == null || f.EndedAt >= yearStart))
                        .Select(f => new { f.RegionalUnion, f.OccurredAt, f.EndedAt, f.Quantity }).ToListAsync(ct);
                    var byMonth = monthEnds.Select(end => rows.Where(r => r.OccurredAt < end && (r.EndedAt == null || r.EndedAt >= end))
                        .Sum(r => (long)r.Quantity)).ToList();
                    var standing = rows.Where(r => r.EndedAt == null || r.EndedAt >= yearEnd).ToList();
                    progress.Add(new TargetProgress(target.Code, target.Label, target.Target, Kind(target), target.Source, true, null,
                        standing.Sum(r => (long)r.Quantity), byMonth, ByRegion(standing.Select(r => (r.RegionalUnion, (long)r.Quantity)))));
                }
            }

            return TypedResults.Ok(new TargetsDashboard(year, regionalUnion, progress));
        });

    public static async Task<Results<Ok<PagedList<TargetFactResponse>>, ValidationProblem, ProblemHttpResult>> ListFactsAsync(
        int year, string target, ClaimsPrincipal user, PortalDbContext db, CancellationToken ct, string? regionalUnion = null,
        int? page = null, int? pageSize = null)
    {
        var (paging, problem) = PageRequest.From(page, pageSize);
        if (problem is not null)
        {
            return problem;
        }

        var known = CongressTargets.All.SingleOrDefault(t => t.Code == target);
        if (known is null || known.NotFedBecause is not null || known.Code == CongressTargets.PortalVisits)
        {
            return Problems.NotFound("Target with facts", target);
        }

        var scope = CallerScope.Of(user);
        if (regionalUnion is not null && !scope.ActsFor(regionalUnion))
        {
            return Problems.Forbidden("Outside your regional union", "A delegate reads the facts of their own union's figures only.");
        }

        var unions = scope.RegionalUnions.ToList();
        var facts = db.TargetFacts.AsNoTracking().Where(f => f.Target == target
            && (known.Kind == TargetKind.PerYear ? f.Year == year : f.OccurredAt.Year <= year));
        facts = scope.Nationwide && regionalUnion is null
            ? facts
            : facts.Where(f => f.RegionalUnion != null && (regionalUnion != null ? f.RegionalUnion == regionalUnion : unions.Contains(f.RegionalUnion)));
        var total = await facts.LongCountAsync(ct);
        var items = await facts.OrderBy(f => f.OccurredAt).ThenBy(f => f.SubjectId).Skip(paging.Skip).Take(paging.PageSize)
            .Select(f => new TargetFactResponse(f.SubjectId, f.RegionalUnion, f.OccurredAt, f.EndedAt)).ToListAsync(ct);
        return TypedResults.Ok(new PagedList<TargetFactResponse>(items, paging.Page, paging.PageSize, total));
    }

    private static async Task<TargetProgress> VisitsAsync(PortalDbContext db, CongressTarget target, int year, CancellationToken ct)
    {
        var prefix = year.ToString(CultureInfo.InvariantCulture);
        var days = await db.VisitStats.AsNoTracking()
            .Where(s => s.Site == VisitStat.AllSites && s.Period == VisitPeriod.Day && s.Key.StartsWith(prefix))
            .Select(s => new { s.Key, s.UniqueVisitors }).ToListAsync(ct);
        var byMonth = Enumerable.Range(1, 12)
            .Select(m => days.Where(d => d.Key.StartsWith($"{prefix}-{m:00}", StringComparison.Ordinal)).Sum(d => d.UniqueVisitors)).ToList();
        return new TargetProgress(target.Code, target.Label, target.Target, Kind(target), target.Source, true, null,
            days.Sum(d => d.UniqueVisitors), byMonth, null);
    }

    private static string Kind(CongressTarget target) => target.Kind == TargetKind.PerYear ? "per-year" : "standing";

    private static Dictionary<string, long> ByRegion(IEnumerable<(string? Union, long Figure)> rows) =>
        rows.GroupBy(r => r.Union ?? "unknown").OrderBy(g => g.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Sum(r => r.Figure));
}
