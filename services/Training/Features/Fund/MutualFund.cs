using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Scop.Aspire.ServiceDefaults.Http;
using Scop.Aspire.Training.Data;
using Scop.Aspire.Training.Domain;
using Scop.Aspire.Training.Features.Bookings;
using Scop.Aspire.ServiceDefaults.Security;

namespace Scop.Aspire.Training.Features.Fund;

public sealed record FundResponse(int Year, long BudgetCents, long CommittedCents, long LeftCents);

/// <summary>
/// <c>PUT /api/training/funds/{year}</c> (<c>{"budgetCents": …}</c>) sets a year's budget — never below what is
/// committed already; <c>GET /api/training/funds/{year}</c> and <c>GET /api/training/funds/{year}/decisions</c> (paged)
/// show it and every decision with its reason. All three are staff's: the fund's decisions name cooperatives and what
/// they were granted. A cooperative sees its own decision in its booking.
/// </summary>
public static class MutualFund
{
    public sealed record BudgetRequest(long? BudgetCents);

    public static RouteGroupBuilder MapMutualFund(this RouteGroupBuilder group)
    {
        group.MapPut("/funds/{year:int}", SetBudgetAsync).RequireAuthorization(PlatformPolicies.Staff).WithName("SetFundBudget").WithSummary("Set a year's fund budget")
            .Accepts<BudgetRequest>("application/json");
        group.MapGet("/funds/{year:int}", GetAsync).WithName("GetFund").WithSummary("A year's fund")
            .RequireAuthorization(PlatformPolicies.Staff);
        group.MapGet("/funds/{year:int}/decisions", DecisionsAsync).WithName("ListFundingDecisions")
            .WithSummary("The fund's decisions of a year, newest first, paged").RequireAuthorization(PlatformPolicies.Staff);
        return group;
    }

    public static async Task<Results<Ok<FundResponse>, ValidationProblem, ProblemHttpResult>> SetBudgetAsync(int year,
        HttpRequest http, TrainingDbContext db, TimeProvider time, CancellationToken ct)
    {
        var (request, problem) = await JsonBody.ReadAsync<BudgetRequest>(http, ct);
        if (problem is not null)
        {
            return problem;
        }

        var errors = new ValidationErrors();
        if (year is < 2000 or > 2200)
        {
            errors.Add("year", "Between 2000 and 2200.");
        }

        if (request!.BudgetCents is not (>= 0 and <= 100_000_000_000))
        {
            errors.Add("budgetCents", "Between 0 and 100000000000 (euro cents).");
        }

        if (!errors.IsValid)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        var budget = request.BudgetCents!.Value;
        var now = time.GetUtcNow();
        // One statement: the budget never drops below the money already committed.
        var rows = await db.Database.SqlQuery<long>(
            $"""
            INSERT INTO funds (year, budget_cents, committed_cents, updated_at) VALUES ({year}, {budget}, 0, {now})
            ON CONFLICT (year) DO UPDATE SET budget_cents = EXCLUDED.budget_cents, updated_at = EXCLUDED.updated_at
            WHERE funds.committed_cents <= EXCLUDED.budget_cents
            RETURNING committed_cents AS "Value"
            """).ToListAsync(ct);
        if (rows.Count == 0)
        {
            return Problems.Conflict("Budget below commitments", "The fund has committed more than this budget already.");
        }

        return TypedResults.Ok(new FundResponse(year, budget, rows[0], budget - rows[0]));
    }

    public static async Task<Results<Ok<FundResponse>, ProblemHttpResult>> GetAsync(int year, TrainingDbContext db,
        CancellationToken ct) =>
        await db.Funds.AsNoTracking().SingleOrDefaultAsync(f => f.Year == year, ct) is { } fund
            ? TypedResults.Ok(new FundResponse(fund.Year, fund.BudgetCents, fund.CommittedCents, fund.BudgetCents - fund.CommittedCents))
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Fund not found",
                detail: $"The fund has no budget for {year}.");

    public static async Task<Results<Ok<PagedList<FundingDecisionResponse>>, ValidationProblem>> DecisionsAsync(int year,
        TrainingDbContext db, CancellationToken ct, int? page = null, int? pageSize = null, Guid? cooperativeId = null)
    {
        var (paging, problem) = PageRequest.From(page, pageSize);
        if (problem is not null)
        {
            return problem;
        }

        var query = db.FundingDecisions.AsNoTracking().Where(d => d.Year == year);
        if (cooperativeId is { } cooperative)
        {
            query = query.Where(d => d.CooperativeId == cooperative);
        }

        var total = await query.LongCountAsync(ct);
        var items = await query.OrderByDescending(d => d.DecidedAt).ThenBy(d => d.Id).Skip(paging.Skip).Take(paging.PageSize)
            .ToListAsync(ct);
        return TypedResults.Ok(new PagedList<FundingDecisionResponse>(items.Select(FundingDecisionResponse.From).ToList(),
            paging.Page, paging.PageSize, total));
    }
}
