using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Scop.Aspire.Contracts.RepriseWatch;
using Scop.Aspire.RepriseWatch.Data;
using Scop.Aspire.RepriseWatch.Domain;
using Scop.Aspire.ServiceDefaults;
using Scop.Aspire.ServiceDefaults.Http;
using Scop.Aspire.ServiceDefaults.Messaging;
using Scop.Aspire.ServiceDefaults.Security;

namespace Scop.Aspire.RepriseWatch.Features.JobPremiums;

public sealed record PremiumResponse(Guid Id, Guid CooperativeId, string Siren, string RegionalUnion, Guid? OpportunityId, int Year, int Jobs,
    long AmountPerJob, long Amount, long RegionalTopUp, DateTimeOffset GrantedAt, string PartnerCode, LoanStatus LoanStatus,
    string? LoanReference, string? LoanRefusalReason, DateTimeOffset? LoanAnsweredAt)
{
    public static PremiumResponse From(JobPremium p) => new(p.Id, p.CooperativeId, p.Siren, p.RegionalUnion, p.OpportunityId, p.Year,
        p.Jobs, p.AmountPerJob, p.Amount, p.RegionalTopUp, p.GrantedAt, p.PartnerCode, p.LoanStatus, p.LoanReference, p.LoanRefusalReason,
        p.LoanAnsweredAt);
}

/// <summary>
/// The job premium: staff grant a cooperative of the register — new, or the outcome of a converted takeover — an amount
/// per job created or kept, once, from the year's budget, <b>which the premiums never exceed</b> (the amount is taken
/// by a conditional update of the year, as a seat or a compartment's euros are); its region's top-up rule adds to it.
/// The partner bank of the year is asked by webhook to double it with an interest-free loan and answers with its
/// machine client (<c>POST …/premiums/{id}/loan</c>), for its own premiums only: accepted with the loan's reference,
/// or refused with a reason.
/// </summary>
public static class Premiums
{
    public sealed record GrantRequest(Guid? CooperativeId, int? Jobs);

    public sealed record LoanRequest(bool? Accepted, string? LoanReference, string? Reason);

    public static RouteGroupBuilder MapPremiums(this RouteGroupBuilder group)
    {
        group.MapPost("/job-premium/premiums", GrantAsync).WithName("GrantJobPremium")
            .WithSummary("Grant a cooperative its job premium for the jobs it created or kept, from this year's budget")
            .Accepts<GrantRequest>("application/json").WithIdempotency<RepriseWatchDbContext>()
            .RequireAuthorization(PlatformPolicies.Staff);
        group.MapGet("/job-premium/premiums", ListAsync).WithName("ListJobPremiums")
            .WithSummary("Premiums granted, newest first: staff all, a delegate their union's, a partner bank those it was asked to double")
            .RequireAuthorization(PlatformPolicies.Authenticated);
        group.MapGet("/job-premium/premiums/{id:guid}", GetAsync).WithName("GetJobPremium")
            .WithSummary("One premium, with the bank's answer").RequireAuthorization(PlatformPolicies.Authenticated);
        group.MapPost("/job-premium/premiums/{id:guid}/loan", AnswerLoanAsync).WithName("AnswerPremiumLoan")
            .WithSummary("The partner bank's answer: the interest-free loan doubling the premium accepted (loanReference) or refused (reason)")
            .Accepts<LoanRequest>("application/json").RequireAuthorization(PlatformPolicies.Partner);
        return group;
    }

    public static async Task<Results<Created<PremiumResponse>, ValidationProblem, ProblemHttpResult>> GrantAsync(HttpRequest http,
        ClaimsPrincipal user, RepriseWatchDbContext db, TimeProvider time, CancellationToken ct)
    {
        var (request, problem) = await JsonBody.ReadAsync<GrantRequest>(http, ct);
        if (problem is not null)
        {
            return problem;
        }

        var errors = new ValidationErrors();
        if (request!.CooperativeId is not { } cooperativeId || cooperativeId == Guid.Empty)
        {
            errors.Add("cooperativeId", "This field is required: the cooperative's id in the register.");
            cooperativeId = Guid.Empty;
        }

        if (request.Jobs is not { } jobs || jobs is < 1 or > Opportunity.MaxHeadcount)
        {
            errors.Add("jobs", $"The jobs created or kept: from 1 to {Opportunity.MaxHeadcount}.");
            jobs = 0;
        }

        if (!errors.IsValid)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        var cooperative = await db.Cooperatives.AsNoTracking().SingleOrDefaultAsync(c => c.Id == cooperativeId && c.Siren != null, ct);
        if (cooperative is null)
        {
            return JsonBody.Invalid("cooperativeId", $"No cooperative of the register has the id {cooperativeId}.");
        }

        // A takeover's cooperative is granted for the jobs it kept at most; another, for the jobs it declared.
        var takeover = await db.Opportunities.AsNoTracking().Where(o => o.CooperativeId == cooperativeId && o.Stage == Stage.Converted)
            .Select(o => new { o.Id, o.JobsKept }).FirstOrDefaultAsync(ct);
        var most = takeover?.JobsKept ?? cooperative.DeclaredHeadcount;
        if (jobs > most)
        {
            return JsonBody.Invalid("jobs", takeover is not null
                ? $"At most the {most} jobs the takeover kept."
                : $"At most the {most} jobs the cooperative declared to the register.");
        }

        if (await db.Premiums.AnyAsync(p => p.CooperativeId == cooperativeId, ct))
        {
            return Problems.Broken(JobPremiumRules.OncePerCooperative);
        }

        var now = time.GetUtcNow();
        var year = ParisCalendar.DateOf(now).Year;
        var premiumYear = await db.PremiumYears.AsNoTracking().SingleOrDefaultAsync(y => y.Year == year, ct);
        if (premiumYear is null)
        {
            return Problems.Broken(JobPremiumRules.YearOpen with { Detail = $"Staff set the amount per job and budget of {year} first." });
        }

        var amount = jobs * premiumYear.AmountPerJob;
        await using var transaction = await db.BeginUnlessInTransactionAsync(ct);
        // The guarantee: the amount is taken only if the budget still covers it, in one statement that holds the year's
        // row until the commit, so concurrent grants are counted one after the other.
        var taken = await db.PremiumYears.Where(y => y.Year == year && y.Granted + amount <= y.Budget)
            .ExecuteUpdateAsync(set => set.SetProperty(y => y.Granted, y => y.Granted + amount), ct);
        if (taken == 0)
        {
            var current = await db.PremiumYears.AsNoTracking().SingleAsync(y => y.Year == year, ct);
            return Problems.Broken(JobPremiumRules.BudgetNotExceeded with
            {
                Detail = $"{current.Budget - current.Granted:N0} € remain of the {current.Budget:N0} € of {year}; this premium is {amount:N0} €.",
            });
        }

        var topUp = await db.TopUps.AsNoTracking().SingleOrDefaultAsync(t => t.Year == year && t.RegionalUnion == cooperative.RegionalUnion, ct);
        var actor = RepriseWatchAccess.ActorOf(user);
        var premium = new JobPremium
        {
            Id = Guid.CreateVersion7(now), CooperativeId = cooperativeId, Siren = cooperative.Siren!, RegionalUnion = cooperative.RegionalUnion,
            OpportunityId = takeover?.Id, Year = year, Jobs = jobs, AmountPerJob = premiumYear.AmountPerJob, Amount = amount,
            RegionalTopUp = topUp?.For(jobs) ?? 0, GrantedAt = now, GrantedByPersonId = actor.PersonId, GrantedByRole = actor.Role,
            PartnerCode = premiumYear.PartnerCode, LoanStatus = LoanStatus.Asked,
        };
        db.Premiums.Add(premium);
        db.AddIntegrationEvent(new JobPremiumGranted(Guid.CreateVersion7(now), now, premium.Id, cooperativeId, premium.Siren,
            premium.RegionalUnion, year, jobs, amount, premium.RegionalTopUp, premium.PartnerCode), cooperativeId.ToString());
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException exception) when (exception.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            return Problems.Broken(JobPremiumRules.OncePerCooperative); // granted by a concurrent request; this one's amount rolls back
        }

        if (transaction is not null)
        {
            await transaction.CommitAsync(ct);
        }

        return TypedResults.Created($"{RepriseWatchEndpoints.Prefix}/job-premium/premiums/{premium.Id}", PremiumResponse.From(premium));
    }

    public static async Task<Results<Ok<PagedList<PremiumResponse>>, ValidationProblem, ProblemHttpResult>> ListAsync(ClaimsPrincipal user,
        RepriseWatchDbContext db, CancellationToken ct, int? year = null, string? loanStatus = null, int? page = null, int? pageSize = null)
    {
        var (paging, problem) = PageRequest.From(page, pageSize);
        if (problem is not null)
        {
            return problem;
        }

        var errors = new ValidationErrors();
        var status = Input.ParseEnum<LoanStatus>(errors, "loanStatus", loanStatus, required: false);
        if (!errors.IsValid)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        if (Visible(db, user) is not { } query)
        {
            return NotAddressed();
        }

        if (year is { } y)
        {
            query = query.Where(p => p.Year == y);
        }

        if (status is { } s)
        {
            query = query.Where(p => p.LoanStatus == s);
        }

        var total = await query.LongCountAsync(ct);
        var items = await query.OrderByDescending(p => p.GrantedAt).ThenByDescending(p => p.Id).Skip(paging.Skip).Take(paging.PageSize)
            .ToListAsync(ct);
        return TypedResults.Ok(new PagedList<PremiumResponse>(items.Select(PremiumResponse.From).ToList(), paging.Page, paging.PageSize, total));
    }

    public static async Task<Results<Ok<PremiumResponse>, ProblemHttpResult>> GetAsync(Guid id, ClaimsPrincipal user, RepriseWatchDbContext db,
        CancellationToken ct)
    {
        if (Visible(db, user) is not { } query)
        {
            return NotAddressed();
        }

        return await query.SingleOrDefaultAsync(p => p.Id == id, ct) is { } premium
            ? TypedResults.Ok(PremiumResponse.From(premium))
            : Problems.NotFound("Premium", id);
    }

    public static async Task<Results<Ok<PremiumResponse>, ValidationProblem, ProblemHttpResult>> AnswerLoanAsync(Guid id, HttpRequest http,
        ClaimsPrincipal user, RepriseWatchDbContext db, TimeProvider time, CancellationToken ct)
    {
        var (request, problem) = await JsonBody.ReadAsync<LoanRequest>(http, ct);
        if (problem is not null)
        {
            return problem;
        }

        var errors = new ValidationErrors();
        string? reference = null, reason = null;
        if (request!.Accepted is not { } accepted)
        {
            errors.Add("accepted", "This field is required: true when the loan is granted, false when it is refused.");
        }
        else if (accepted)
        {
            reference = errors.RequireText("loanReference", request.LoanReference, JobPremium.MaxReferenceLength);
        }
        else
        {
            reason = errors.RequireText("reason", request.Reason, JobPremium.MaxReasonLength);
        }

        if (!errors.IsValid)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        // A bank answers for the premiums it was asked about; another's do not exist for it.
        var bank = user.FindFirst(PlatformClaims.ClientId)?.Value ?? "";
        var premium = await db.Premiums.AsNoTracking().SingleOrDefaultAsync(p => p.Id == id && p.PartnerCode == bank, ct);
        if (premium is null)
        {
            return Problems.NotFound("Premium", id);
        }

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var now = time.GetUtcNow();
        var answered = await db.Premiums.Where(p => p.Id == id && p.LoanStatus == LoanStatus.Asked)
            .ExecuteUpdateAsync(set => set
                .SetProperty(p => p.LoanStatus, request.Accepted!.Value ? LoanStatus.Accepted : LoanStatus.Refused)
                .SetProperty(p => p.LoanReference, reference)
                .SetProperty(p => p.LoanRefusalReason, reason)
                .SetProperty(p => p.LoanAnsweredAt, now), ct);
        if (answered == 0)
        {
            return Problems.Broken(JobPremiumRules.LoanAnsweredOnce with
            {
                Detail = $"The loan was {premium.LoanStatus} on {premium.LoanAnsweredAt:yyyy-MM-dd}.",
            });
        }

        db.AddIntegrationEvent(new JobPremiumLoanAnswered(Guid.CreateVersion7(now), now, id, premium.CooperativeId, premium.RegionalUnion,
            premium.Year, request.Accepted!.Value, reference), premium.CooperativeId.ToString());
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return TypedResults.Ok(PremiumResponse.From(await db.Premiums.AsNoTracking().SingleAsync(p => p.Id == id, ct)));
    }

    /// <summary>Staff all premiums, a delegate their unions', a partner bank those it was asked to double; null for anyone else.</summary>
    private static IQueryable<JobPremium>? Visible(RepriseWatchDbContext db, ClaimsPrincipal user)
    {
        var premiums = db.Premiums.AsNoTracking();
        return RepriseWatchAccess.MoneyReaderOf(user) switch
        {
            { Partner: { } bank } => premiums.Where(p => p.PartnerCode == bank),
            { Unions: { } unions } => premiums.Where(p => unions.Contains(p.RegionalUnion)),
            { } => premiums,
            null => null,
        };
    }

    private static ProblemHttpResult NotAddressed() => RepriseWatchAccess.Forbidden("Not for you",
        "Job premiums are read by staff, the delegates of their union and the bank asked to double them.");
}
