using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Scop.Aspire.ReferenceData;
using Scop.Aspire.RepriseWatch.Data;
using Scop.Aspire.RepriseWatch.Domain;
using Scop.Aspire.ServiceDefaults.Http;
using Scop.Aspire.ServiceDefaults.Security;

namespace Scop.Aspire.RepriseWatch.Features.JobPremiums;

public sealed record TopUpResponse(string RegionalUnion, long AmountPerJob, long Ceiling);

public sealed record PremiumYearResponse(int Year, long AmountPerJob, long Budget, long Granted, long Remaining, string PartnerCode,
    IReadOnlyList<TopUpResponse> TopUps);

/// <summary>
/// The job premium's years, set by federation and confederation staff: <c>PUT …/job-premium/years/{year}</c> the amount
/// per job, the budget (never below what was granted) and the partner bank asked to double each premium;
/// <c>PUT …/years/{year}/top-ups/{union}</c> a regional union's top-up of its cooperatives' premiums (an amount per job,
/// a ceiling per premium).
/// </summary>
public static class PremiumYears
{
    public sealed record YearRequest(long? AmountPerJob, long? Budget, string? PartnerCode);

    public sealed record TopUpRequest(long? AmountPerJob, long? Ceiling);

    public static RouteGroupBuilder MapPremiumYears(this RouteGroupBuilder group)
    {
        group.MapPut("/job-premium/years/{year:int}", SetYearAsync).WithName("SetPremiumYear")
            .WithSummary("Set a year's amount per job, budget and partner bank of the job premium")
            .Accepts<YearRequest>("application/json").RequireAuthorization(PlatformPolicies.Staff);
        group.MapGet("/job-premium/years/{year:int}", GetYearAsync).WithName("GetPremiumYear")
            .WithSummary("A year of the job premium: its budget, what was granted, what remains, the regions' top-ups")
            .RequireAuthorization(PlatformPolicies.StaffOrDelegate);
        group.MapPut("/job-premium/years/{year:int}/top-ups/{regionalUnion}", SetTopUpAsync).WithName("SetRegionalTopUp")
            .WithSummary("Set a regional union's top-up of its cooperatives' premiums in a year: an amount per job, a ceiling")
            .Accepts<TopUpRequest>("application/json").RequireAuthorization(PlatformPolicies.Staff);
        return group;
    }

    public static async Task<Results<Created<PremiumYearResponse>, Ok<PremiumYearResponse>, ValidationProblem, ProblemHttpResult>> SetYearAsync(
        int year, HttpRequest http, RepriseWatchDbContext db, CancellationToken ct)
    {
        var (request, problem) = await JsonBody.ReadAsync<YearRequest>(http, ct);
        if (problem is not null)
        {
            return problem;
        }

        var errors = new ValidationErrors();
        CheckYear(errors, year);
        Amount(errors, "amountPerJob", request!.AmountPerJob);
        Amount(errors, "budget", request.Budget);
        var partner = errors.RequireText("partnerCode", request.PartnerCode, PartnerCode.MaxLength);
        if (partner.Length is > 0 and <= PartnerCode.MaxLength && !PartnerCode.IsValid(partner))
        {
            errors.Add("partnerCode", PartnerCode.Help);
        }

        if (!errors.IsValid)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        // The budget changes only if it still covers what was granted, in the same statement as the check.
        var changed = await db.PremiumYears.Where(y => y.Year == year && y.Granted <= request.Budget!.Value)
            .ExecuteUpdateAsync(set => set
                .SetProperty(y => y.AmountPerJob, request.AmountPerJob!.Value)
                .SetProperty(y => y.Budget, request.Budget!.Value)
                .SetProperty(y => y.PartnerCode, partner), ct);
        if (changed == 0)
        {
            if (await db.PremiumYears.AsNoTracking().SingleOrDefaultAsync(y => y.Year == year, ct) is { } existing)
            {
                return Problems.Broken(JobPremiumRules.BudgetCoversGranted with
                {
                    Detail = $"{existing.Granted:N0} € were granted in {year}; the budget cannot be {request.Budget:N0} €.",
                });
            }

            db.PremiumYears.Add(new PremiumYear { Year = year, AmountPerJob = request.AmountPerJob!.Value, Budget = request.Budget!.Value, PartnerCode = partner });
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException)
            {
                return Problems.Conflict("Year set meanwhile", $"Another change set {year} at the same time: read it and try again.");
            }

            return TypedResults.Created($"{RepriseWatchEndpoints.Prefix}/job-premium/years/{year}", await ResponseAsync(db, year, ct));
        }

        return TypedResults.Ok(await ResponseAsync(db, year, ct));
    }

    public static async Task<Results<Ok<PremiumYearResponse>, ProblemHttpResult>> GetYearAsync(int year, RepriseWatchDbContext db,
        CancellationToken ct) =>
        await db.PremiumYears.AnyAsync(y => y.Year == year, ct)
            ? TypedResults.Ok(await ResponseAsync(db, year, ct))
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Year not set",
                detail: $"The job premium of {year} has no amount per job nor budget yet.");

    public static async Task<Results<Ok<PremiumYearResponse>, ValidationProblem, ProblemHttpResult>> SetTopUpAsync(int year,
        string regionalUnion, HttpRequest http, RepriseWatchDbContext db, RegionalUnions unions, CancellationToken ct)
    {
        var (request, problem) = await JsonBody.ReadAsync<TopUpRequest>(http, ct);
        if (problem is not null)
        {
            return problem;
        }

        var errors = new ValidationErrors();
        CheckYear(errors, year);
        if (!unions.IsKnown(regionalUnion))
        {
            errors.Add("regionalUnion", $"'{regionalUnion}' is not a regional union (urscop-aura, urscop-ouest…).");
        }

        Amount(errors, "amountPerJob", request!.AmountPerJob);
        Amount(errors, "ceiling", request.Ceiling);
        if (!errors.IsValid)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        if (!await db.PremiumYears.AnyAsync(y => y.Year == year, ct))
        {
            return Problems.Broken(JobPremiumRules.YearOpen);
        }

        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO regional_top_ups (year, regional_union, amount_per_job, ceiling)
            VALUES ({year}, {regionalUnion}, {request.AmountPerJob!.Value}, {request.Ceiling!.Value})
            ON CONFLICT (year, regional_union) DO UPDATE SET amount_per_job = excluded.amount_per_job, ceiling = excluded.ceiling
            """, ct);
        return TypedResults.Ok(await ResponseAsync(db, year, ct));
    }

    private static void CheckYear(ValidationErrors errors, int year)
    {
        if (year is < PremiumYear.FirstYear or > PremiumYear.LastYear)
        {
            errors.Add("year", $"A year from {PremiumYear.FirstYear} to {PremiumYear.LastYear}.");
        }
    }

    private static void Amount(ValidationErrors errors, string field, long? amount)
    {
        if (amount is not { } value || value is < 0 or > SeedFund.Compartments.MaxAmount)
        {
            errors.Add(field, $"Whole euros, from 0 to {SeedFund.Compartments.MaxAmount:N0}.");
        }
    }

    private static async Task<PremiumYearResponse> ResponseAsync(RepriseWatchDbContext db, int year, CancellationToken ct)
    {
        var y = await db.PremiumYears.AsNoTracking().SingleAsync(p => p.Year == year, ct);
        var topUps = await db.TopUps.AsNoTracking().Where(t => t.Year == year).OrderBy(t => t.RegionalUnion)
            .Select(t => new TopUpResponse(t.RegionalUnion, t.AmountPerJob, t.Ceiling)).ToListAsync(ct);
        return new PremiumYearResponse(y.Year, y.AmountPerJob, y.Budget, y.Granted, y.Budget - y.Granted, y.PartnerCode, topUps);
    }
}
