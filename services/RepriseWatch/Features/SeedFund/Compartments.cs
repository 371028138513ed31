using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Scop.Aspire.ReferenceData;
using Scop.Aspire.RepriseWatch.Data;
using Scop.Aspire.RepriseWatch.Domain;
using Scop.Aspire.ServiceDefaults.Http;
using Scop.Aspire.ServiceDefaults.Security;

namespace Scop.Aspire.RepriseWatch.Features.SeedFund;

public sealed record CompartmentResponse(Guid Id, string Name, CompartmentReach Reach, IReadOnlyList<string> RegionalUnions, long Holds,
    long Committed, long Available, DateTimeOffset CreatedAt)
{
    public static CompartmentResponse From(FundCompartment c) =>
        new(c.Id, c.Name, c.Reach, c.RegionalUnions, c.Holds, c.Committed, c.Holds - c.Committed, c.CreatedAt);
}

public sealed record ContributionResponse(Guid Id, Guid CompartmentId, string PartnerCode, FunderKind Kind, string FunderName, long Amount,
    DateTimeOffset CommittedAt);

/// <summary>
/// The seed fund's compartments, run by federation and confederation staff: <c>POST …/seed-fund/compartments</c> opens
/// one (national, regional for one union, inter-regional for several); <c>POST …/compartments/{id}/contributions</c>
/// records a funder's commitment, which adds to what the compartment holds. Delegates read the compartments that serve
/// their union, to ask them for financing.
/// </summary>
public static class Compartments
{
    public const long MaxAmount = 1_000_000_000;

    public sealed record CreateRequest(string? Name, string? Reach, IReadOnlyList<string>? RegionalUnions);

    public sealed record ContributeRequest(string? PartnerCode, string? Kind, string? FunderName, long? Amount);

    public static RouteGroupBuilder MapCompartments(this RouteGroupBuilder group)
    {
        group.MapPost("/seed-fund/compartments", CreateAsync).WithName("CreateCompartment")
            .WithSummary("Open a compartment of the seed fund: national, regional or inter-regional")
            .Accepts<CreateRequest>("application/json").WithIdempotency<RepriseWatchDbContext>()
            .RequireAuthorization(PlatformPolicies.Staff);
        group.MapGet("/seed-fund/compartments", ListAsync).WithName("ListCompartments")
            .WithSummary("The compartments of the seed fund (for a delegate, those serving their union), with what each holds and has committed")
            .RequireAuthorization(PlatformPolicies.StaffOrDelegate);
        group.MapGet("/seed-fund/compartments/{id:guid}", GetAsync).WithName("GetCompartment")
            .WithSummary("One compartment").RequireAuthorization(PlatformPolicies.StaffOrDelegate);
        group.MapGet("/seed-fund/compartments/{id:guid}/contributions", ContributionsAsync).WithName("ListContributions")
            .WithSummary("The funders' contributions to a compartment, oldest first").RequireAuthorization(PlatformPolicies.StaffOrDelegate);
        group.MapPost("/seed-fund/compartments/{id:guid}/contributions", ContributeAsync).WithName("RecordContribution")
            .WithSummary("Record a funder's commitment to a compartment: what it holds grows by the amount")
            .Accepts<ContributeRequest>("application/json").WithIdempotency<RepriseWatchDbContext>()
            .RequireAuthorization(PlatformPolicies.Staff);
        return group;
    }

    public static async Task<Results<Created<CompartmentResponse>, ValidationProblem, ProblemHttpResult>> CreateAsync(HttpRequest http,
        RepriseWatchDbContext db, RegionalUnions unions, TimeProvider time, CancellationToken ct)
    {
        var (request, problem) = await JsonBody.ReadAsync<CreateRequest>(http, ct);
        if (problem is not null)
        {
            return problem;
        }

        var errors = new ValidationErrors();
        var name = errors.RequireText("name", request!.Name, FundCompartment.MaxNameLength);
        var reach = Input.ParseEnum<CompartmentReach>(errors, "reach", request.Reach, required: true);
        var served = (request.RegionalUnions ?? []).Select(u => u?.Trim() ?? "").Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        if (served.FirstOrDefault(u => !unions.IsKnown(u)) is { } unknown)
        {
            errors.Add("regionalUnions", $"'{unknown}' is not a regional union (urscop-aura, urscop-ouest…).");
        }
        else if (reach == CompartmentReach.National && served.Length > 0)
        {
            errors.Add("regionalUnions", "A national compartment serves every union: name none.");
        }
        else if (reach == CompartmentReach.Regional && served.Length != 1)
        {
            errors.Add("regionalUnions", "A regional compartment serves exactly one union.");
        }
        else if (reach == CompartmentReach.InterRegional && served.Length is < 2 or > FundCompartment.MaxUnions)
        {
            errors.Add("regionalUnions", $"An inter-regional compartment serves 2 to {FundCompartment.MaxUnions} unions.");
        }

        if (!errors.IsValid)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        var now = time.GetUtcNow();
        var compartment = new FundCompartment
        {
            Id = Guid.CreateVersion7(now), Name = name, Reach = reach!.Value, RegionalUnions = served, CreatedAt = now,
        };
        db.Compartments.Add(compartment);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException exception) when (exception.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            return Problems.Conflict("Name taken", $"A compartment is named '{name}' already.");
        }

        return TypedResults.Created($"{RepriseWatchEndpoints.Prefix}/seed-fund/compartments/{compartment.Id}", CompartmentResponse.From(compartment));
    }

    public static async Task<Results<Ok<PagedList<CompartmentResponse>>, ValidationProblem>> ListAsync(ClaimsPrincipal user,
        RepriseWatchDbContext db, CancellationToken ct, string? regionalUnion = null, int? page = null, int? pageSize = null)
    {
        var (paging, problem) = PageRequest.From(page, pageSize);
        if (problem is not null)
        {
            return problem;
        }

        var query = Visible(db, CallerScope.Of(user));
        if (!string.IsNullOrWhiteSpace(regionalUnion))
        {
            var union = regionalUnion.Trim();
            query = query.Where(c => c.Reach == CompartmentReach.National || c.RegionalUnions.Contains(union));
        }

        var total = await query.LongCountAsync(ct);
        var items = await query.OrderBy(c => c.Name).Skip(paging.Skip).Take(paging.PageSize).ToListAsync(ct);
        return TypedResults.Ok(new PagedList<CompartmentResponse>(items.Select(CompartmentResponse.From).ToList(), paging.Page,
            paging.PageSize, total));
    }

    public static async Task<Results<Ok<CompartmentResponse>, ProblemHttpResult>> GetAsync(Guid id, ClaimsPrincipal user,
        RepriseWatchDbContext db, CancellationToken ct) =>
        await Visible(db, CallerScope.Of(user)).SingleOrDefaultAsync(c => c.Id == id, ct) is { } compartment
            ? TypedResults.Ok(CompartmentResponse.From(compartment))
            : Problems.NotFound("Compartment", id);

    public static async Task<Results<Ok<PagedList<ContributionResponse>>, ValidationProblem, ProblemHttpResult>> ContributionsAsync(Guid id,
        ClaimsPrincipal user, RepriseWatchDbContext db, CancellationToken ct, int? page = null, int? pageSize = null)
    {
        var (paging, problem) = PageRequest.From(page, pageSize);
        if (problem is not null)
        {
            return problem;
        }

        if (!await Visible(db, CallerScope.Of(user)).AnyAsync(c => c.Id == id, ct))
        {
            return Problems.NotFound("Compartment", id);
        }

        var query = db.Contributions.AsNoTracking().Where(c => c.CompartmentId == id);
        var total = await query.LongCountAsync(ct);
        var items = await query.OrderBy(c => c.CommittedAt).ThenBy(c => c.Id).Skip(paging.Skip).Take(paging.PageSize).ToListAsync(ct);
        return TypedResults.Ok(new PagedList<ContributionResponse>(items.Select(Response).ToList(), paging.Page, paging.PageSize, total));
    }

    public static async Task<Results<Created<ContributionResponse>, ValidationProblem, ProblemHttpResult>> ContributeAsync(Guid id,
        HttpRequest http, RepriseWatchDbContext db, TimeProvider time, CancellationToken ct)
    {
        var (request, problem) = await JsonBody.ReadAsync<ContributeRequest>(http, ct);
        if (problem is not null)
        {
            return problem;
        }

        var errors = new ValidationErrors();
        var partnerCode = errors.RequireText("partnerCode", request!.PartnerCode, PartnerCode.MaxLength);
        if (partnerCode.Length is > 0 and <= PartnerCode.MaxLength && !PartnerCode.IsValid(partnerCode))
        {
            errors.Add("partnerCode", PartnerCode.Help);
        }

        var kind = Input.ParseEnum<FunderKind>(errors, "kind", request.Kind, required: true);
        var funderName = errors.RequireText("funderName", request.FunderName, FundContribution.MaxFunderNameLength);
        if (request.Amount is not { } amount || amount is < 1 or > MaxAmount)
        {
            errors.Add("amount", $"Whole euros, from 1 to {MaxAmount:N0}.");
        }

        if (!errors.IsValid)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        await using var transaction = await db.BeginUnlessInTransactionAsync(ct);
        // What the compartment holds grows in the same statement that finds it: concurrent contributions add up.
        var found = await db.Compartments.Where(c => c.Id == id)
            .ExecuteUpdateAsync(set => set.SetProperty(c => c.Holds, c => c.Holds + request.Amount!.Value), ct);
        if (found == 0)
        {
            return Problems.NotFound("Compartment", id);
        }

        var now = time.GetUtcNow();
        var contribution = new FundContribution
        {
            Id = Guid.CreateVersion7(now), CompartmentId = id, PartnerCode = partnerCode, Kind = kind!.Value, FunderName = funderName,
            Amount = request.Amount!.Value, CommittedAt = now,
        };
        db.Contributions.Add(contribution);
        await db.SaveChangesAsync(ct);
        if (transaction is not null)
        {
            await transaction.CommitAsync(ct);
        }

        return TypedResults.Created($"{RepriseWatchEndpoints.Prefix}/seed-fund/compartments/{id}/contributions", Response(contribution));
    }

    /// <summary>Staff see every compartment; a delegate those that serve one of their unions (national ones included).</summary>
    public static IQueryable<FundCompartment> Visible(RepriseWatchDbContext db, CallerScope scope)
    {
        var compartments = db.Compartments.AsNoTracking();
        if (scope.Nationwide)
        {
            return compartments;
        }

        var unions = scope.RegionalUnions.ToArray();
        return compartments.Where(c => c.Reach == CompartmentReach.National || c.RegionalUnions.Any(u => unions.Contains(u)));
    }

    private static ContributionResponse Response(FundContribution c) =>
        new(c.Id, c.CompartmentId, c.PartnerCode, c.Kind, c.FunderName, c.Amount, c.CommittedAt);
}
