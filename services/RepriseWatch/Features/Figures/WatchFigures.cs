using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Scop.Aspire.RepriseWatch.Data;
using Scop.Aspire.RepriseWatch.Domain;
using Scop.Aspire.ServiceDefaults;
using Scop.Aspire.ServiceDefaults.Http;
using Scop.Aspire.ServiceDefaults.Security;

namespace Scop.Aspire.RepriseWatch.Features.Figures;

public sealed record OpportunityFigures(long Reported, IReadOnlyDictionary<string, long> ByStage, IReadOnlyDictionary<string, long> ByRegion,
    IReadOnlyDictionary<string, long> ByCause);

/// <summary>Takeovers closed in the year: converted and lost, the share converted (null when none closed), the jobs kept.</summary>
public sealed record ConversionFigures(long Converted, long Lost, double? ConversionRate, long JobsKept);

public sealed record SeedFundFigures(long Requests, long Requested, long Approved, long Refused, long Pending);

public sealed record PremiumFigures(long Premiums, long Jobs, long Granted, long RegionalTopUps, long LoansAccepted, long LoansRefused,
    long? Budget, long? Remaining);

public sealed record WatchFiguresResponse(int Year, string? RegionalUnion, OpportunityFigures Opportunities, ConversionFigures Conversions,
    SeedFundFigures SeedFund, PremiumFigures JobPremium);

/// <summary>
/// The watch in figures, for one year (of Paris): the opportunities reported (by their stage now, region and cause),
/// the takeovers closed (converted or lost, the conversion rate, the jobs kept), the seed fund's requests and the job
/// premiums — nationwide for staff (or one union's with <c>regionalUnion</c>), their own union's for a delegate. The
/// portal's Congress dashboard reads it; every count is the database's own at the time of asking.
/// </summary>
public static class WatchFigures
{
    public static RouteGroupBuilder MapWatchFigures(this RouteGroupBuilder group)
    {
        group.MapGet("/figures", GetAsync).WithName("GetWatchFigures")
            .WithSummary("The year's figures: opportunities by stage, region and cause, conversions and jobs kept, the seed fund, the job premium")
            .RequireAuthorization(PlatformPolicies.StaffOrDelegate);
        return group;
    }

    public static async Task<Results<Ok<WatchFiguresResponse>, ValidationProblem>> GetAsync(ClaimsPrincipal user, RepriseWatchDbContext db,
        TimeProvider time, CancellationToken ct, int? year = null, string? regionalUnion = null)
    {
        var wanted = year ?? ParisCalendar.Today(time).Year;
        if (wanted is < PremiumYear.FirstYear or > PremiumYear.LastYear)
        {
            return JsonBody.Invalid("year", $"A year from {PremiumYear.FirstYear} to {PremiumYear.LastYear}.");
        }

        var scope = CallerScope.Of(user);
        var union = string.IsNullOrWhiteSpace(regionalUnion) ? null : regionalUnion.Trim();
        if (!scope.Nationwide)
        {
            // A delegate's figures are their union's, whatever they ask.
            union = union is not null && scope.RegionalUnions.Contains(union) ? union : scope.RegionalUnions.Order(StringComparer.Ordinal).First();
        }

        var from = ParisCalendar.StartOf(new DateOnly(wanted, 1, 1)).ToUniversalTime(); // PostgreSQL takes UTC instants only
        var to = ParisCalendar.StartOf(new DateOnly(wanted + 1, 1, 1)).ToUniversalTime();
        var opportunities = db.Opportunities.AsNoTracking().Where(o => union == null || o.RegionalUnion == union);

        var reported = opportunities.Where(o => o.ReportedAt >= from && o.ReportedAt < to);
        var byStage = await reported.GroupBy(o => o.Stage).Select(g => new { g.Key, Count = g.LongCount() }).ToListAsync(ct);
        var byRegion = await reported.GroupBy(o => o.RegionalUnion).Select(g => new { g.Key, Count = g.LongCount() }).ToListAsync(ct);
        var byCause = await reported.GroupBy(o => o.Cause).Select(g => new { g.Key, Count = g.LongCount() }).ToListAsync(ct);

        var closed = await opportunities.Where(o => o.ClosedAt >= from && o.ClosedAt < to)
            .GroupBy(o => o.Stage)
            .Select(g => new { g.Key, Count = g.LongCount(), Jobs = g.Sum(o => (long?)o.JobsKept) ?? 0 }).ToListAsync(ct);
        var converted = closed.Where(c => c.Key == Stage.Converted).Sum(c => c.Count);
        var lost = closed.Where(c => c.Key == Stage.Lost).Sum(c => c.Count);

        var requests = await db.FinancingRequests.AsNoTracking()
            .Where(r => r.RequestedAt >= from && r.RequestedAt < to && (union == null || r.RegionalUnion == union))
            .GroupBy(r => r.Status).Select(g => new { g.Key, Count = g.LongCount(), Amount = g.Sum(r => r.Amount) }).ToListAsync(ct);
        long Requested(FinancingStatus status) => requests.Where(r => r.Key == status).Sum(r => r.Amount);

        var premiums = await db.Premiums.AsNoTracking().Where(p => p.Year == wanted && (union == null || p.RegionalUnion == union))
            .GroupBy(p => p.LoanStatus)
            .Select(g => new { g.Key, Count = g.LongCount(), Jobs = g.Sum(p => (long)p.Jobs), Amount = g.Sum(p => p.Amount), TopUp = g.Sum(p => p.RegionalTopUp) })
            .ToListAsync(ct);
        var budget = union is null ? await db.PremiumYears.AsNoTracking().Where(y => y.Year == wanted).SingleOrDefaultAsync(ct) : null;

        return TypedResults.Ok(new WatchFiguresResponse(wanted, union,
            new OpportunityFigures(byStage.Sum(s => s.Count),
                byStage.OrderBy(s => s.Key).ToDictionary(s => s.Key.ToString(), s => s.Count),
                byRegion.OrderBy(r => r.Key, StringComparer.Ordinal).ToDictionary(r => r.Key, r => r.Count),
                byCause.OrderBy(c => c.Key).ToDictionary(c => c.Key.ToString(), c => c.Count)),
            new ConversionFigures(converted, lost, converted + lost == 0 ? null : Math.Round((double)converted / (converted + lost), 4),
                closed.Where(c => c.Key == Stage.Converted).Sum(c => c.Jobs)),
            new SeedFundFigures(requests.Sum(r => r.Count), requests.Sum(r => r.Amount), Requested(FinancingStatus.Approved),
                Requested(FinancingStatus.Refused), Requested(FinancingStatus.Requested)),
            new PremiumFigures(premiums.Sum(p => p.Count), premiums.Sum(p => p.Jobs), premiums.Sum(p => p.Amount), premiums.Sum(p => p.TopUp),
                premiums.Where(p => p.Key == LoanStatus.Accepted).Sum(p => p.Count), premiums.Where(p => p.Key == LoanStatus.Refused).Sum(p => p.Count),
                budget?.Budget, budget is null ? null : budget.Budget - budget.Granted)));
    }
}
