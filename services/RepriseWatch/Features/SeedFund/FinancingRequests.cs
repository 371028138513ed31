using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Scop.Aspire.Contracts.RepriseWatch;
using Scop.Aspire.RepriseWatch.Data;
using Scop.Aspire.RepriseWatch.Domain;
using Scop.Aspire.ServiceDefaults.Http;
using Scop.Aspire.ServiceDefaults.Messaging;
using Scop.Aspire.ServiceDefaults.Security;

namespace Scop.Aspire.RepriseWatch.Features.SeedFund;

public sealed record FinancingPartResponse(Guid CompartmentId, string CompartmentName, long Amount);

/// <summary>A financing request; to a partner, only the parts of the compartments it funds, and no internal comment.</summary>
public sealed record FinancingRequestResponse(Guid Id, Guid OpportunityId, string RegionalUnion, long Amount, FinancingStatus Status,
    DateTimeOffset RequestedAt, string RequestedByRole, string? Comment, DateTimeOffset? DecidedAt, string? DecidedByRole,
    string? DecisionComment, IReadOnlyList<FinancingPartResponse> Parts);

/// <summary>
/// Financing a takeover from the seed fund. The delegates of the opportunity's union (and staff) ask, once the
/// opportunity is in financing, for amounts from compartments that serve its union: the amounts are committed at once,
/// each by a conditional update of its compartment, so that <b>a compartment never commits more than it holds</b>
/// whatever the concurrency — of requests racing for the last euros, those that fit succeed, the others are refused
/// (<c>409</c>, rule <c>compartment-holds-enough</c>) and write nothing. Federation or confederation staff approve, or
/// refuse and the amounts go back. Each step is an event partner-hooks delivers to the partners who fund the
/// compartments concerned; a partner reads the requests addressed to it, with its machine client.
/// </summary>
public static class FinancingRequests
{
    public sealed record PartRequest(Guid? CompartmentId, long? Amount);

    public sealed record CreateRequest(IReadOnlyList<PartRequest?>? Parts, string? Comment);

    public sealed record DecisionRequest(string? Comment);

    public static RouteGroupBuilder MapFinancingRequests(this RouteGroupBuilder group)
    {
        group.MapPost("/opportunities/{id:guid}/financing-requests", CreateAsync).WithName("RequestFinancing")
            .WithSummary("Ask the seed fund to finance an opportunity in financing: amounts from compartments serving its union")
            .Accepts<CreateRequest>("application/json").WithIdempotency<RepriseWatchDbContext>()
            .RequireAuthorization(PlatformPolicies.StaffOrDelegate);
        group.MapGet("/seed-fund/requests", ListAsync).WithName("ListFinancingRequests")
            .WithSummary("Financing requests, newest first: staff all, a delegate their union's, a partner those addressed to it")
            .RequireAuthorization(PlatformPolicies.Authenticated);
        group.MapGet("/seed-fund/requests/{id:guid}", GetAsync).WithName("GetFinancingRequest")
            .WithSummary("One financing request").RequireAuthorization(PlatformPolicies.Authenticated);
        group.MapPost("/seed-fund/requests/{id:guid}/approve", ApproveAsync).WithName("ApproveFinancing")
            .WithSummary("Approve a financing request (federation or confederation staff)")
            .Accepts<DecisionRequest>("application/json").RequireAuthorization(PlatformPolicies.Staff);
        group.MapPost("/seed-fund/requests/{id:guid}/refuse", RefuseAsync).WithName("RefuseFinancing")
            .WithSummary("Refuse a financing request, with a comment: its amounts go back to their compartments")
            .Accepts<DecisionRequest>("application/json").RequireAuthorization(PlatformPolicies.Staff);
        return group;
    }

    public static async Task<Results<Created<FinancingRequestResponse>, ValidationProblem, ProblemHttpResult>> CreateAsync(Guid id,
        HttpRequest http, ClaimsPrincipal user, RepriseWatchDbContext db, TimeProvider time, CancellationToken ct)
    {
        var (request, problem) = await JsonBody.ReadAsync<CreateRequest>(http, ct);
        if (problem is not null)
        {
            return problem;
        }

        var errors = new ValidationErrors();
        var parts = request!.Parts ?? [];
        if (parts.Count is 0 or > FinancingRequest.MaxParts)
        {
            errors.Add("parts", $"From 1 to {FinancingRequest.MaxParts} parts, each a compartmentId and an amount.");
        }

        for (var i = 0; i < parts.Count && i < FinancingRequest.MaxParts; i++)
        {
            if (parts[i]?.CompartmentId is not { } compartment || compartment == Guid.Empty)
            {
                errors.Add($"parts[{i}].compartmentId", "This field is required.");
            }
            else if (parts.Take(i).Any(p => p?.CompartmentId == compartment))
            {
                errors.Add($"parts[{i}].compartmentId", "Each compartment once per request.");
            }

            if (parts[i]?.Amount is not { } amount || amount is < 1 or > Compartments.MaxAmount)
            {
                errors.Add($"parts[{i}].amount", $"Whole euros, from 1 to {Compartments.MaxAmount:N0}.");
            }
        }

        var comment = Input.OptionalText(errors, "comment", request.Comment, FinancingRequest.MaxCommentLength);
        if (!errors.IsValid)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        var opportunity = await db.Opportunities.AsNoTracking().Include(o => o.Reporters).SingleOrDefaultAsync(o => o.Id == id, ct);
        var scope = user.Scope();
        if (opportunity is null || !scope.CanSee(opportunity))
        {
            return Problems.NotFound("Opportunity", id);
        }

        if (!scope.ActsFor(opportunity.RegionalUnion))
        {
            return RepriseWatchAccess.Forbidden("Outside your regional union",
                "Only the delegates of the opportunity's regional union and staff ask the seed fund to finance it.");
        }

        if (opportunity.Stage != Stage.Financing)
        {
            return Problems.Broken(SeedFundRules.RequestInFinancingStage);
        }

        // In the order of their ids, so that two requests sharing compartments lock them in the same order.
        var asked = parts.Select(p => (Compartment: p!.CompartmentId!.Value, Amount: p.Amount!.Value)).OrderBy(p => p.Compartment).ToList();
        var ids = asked.Select(p => p.Compartment).ToList();
        var compartments = await db.Compartments.AsNoTracking().Where(c => ids.Contains(c.Id)).ToDictionaryAsync(c => c.Id, ct);
        if (ids.FirstOrDefault(c => !compartments.ContainsKey(c)) is var unknown && unknown != Guid.Empty)
        {
            var index = parts.ToList().FindIndex(p => p!.CompartmentId == unknown);
            return JsonBody.Invalid($"parts[{index}].compartmentId", $"No compartment of the seed fund has the id {unknown}.");
        }

        if (compartments.Values.FirstOrDefault(c => !c.Serves(opportunity.RegionalUnion)) is { } elsewhere)
        {
            return Problems.Broken(SeedFundRules.CompartmentServesRegion with
            {
                Detail = $"'{elsewhere.Name}' serves {(elsewhere.RegionalUnions.Length == 0 ? "no union" : string.Join(", ", elsewhere.RegionalUnions))}; "
                         + $"the opportunity is of {opportunity.RegionalUnion}.",
            });
        }

        var actor = RepriseWatchAccess.ActorOf(user);
        var at = time.GetUtcNow();
        var financing = new FinancingRequest
        {
            Id = Guid.CreateVersion7(at), OpportunityId = id, RegionalUnion = opportunity.RegionalUnion, Amount = asked.Sum(p => p.Amount),
            Status = FinancingStatus.Requested, RequestedAt = at, RequestedByPersonId = actor.PersonId, RequestedByRole = actor.Role,
            Comment = comment,
            Parts = [.. asked.Select(p => new FinancingPart { CompartmentId = p.Compartment, Amount = p.Amount })],
        };
        // Who funds each compartment is read before any compartment is locked: concurrent requests on one compartment
        // wait for each other from its update to the commit, and that wait should hold no more than the writes.
        var eventParts = await EventPartsAsync(db, financing, compartments, ct);

        await using var transaction = await db.BeginUnlessInTransactionAsync(ct);
        foreach (var (compartmentId, amount) in asked)
        {
            // The guarantee: the amount is taken only if it fits, in one statement that holds the row until the commit.
            var taken = await db.Compartments.Where(c => c.Id == compartmentId && c.Committed + amount <= c.Holds)
                .ExecuteUpdateAsync(set => set.SetProperty(c => c.Committed, c => c.Committed + amount), ct);
            if (taken == 0)
            {
                var now = await db.Compartments.AsNoTracking().SingleAsync(c => c.Id == compartmentId, ct);
                // Nothing taken before this part stays taken: the transaction (this one, or the idempotency filter's
                // savepoint on a refusal) is rolled back.
                return Problems.Broken(SeedFundRules.CompartmentHoldsEnough with
                {
                    Detail = $"'{now.Name}' has {now.Holds - now.Committed:N0} € left of {now.Holds:N0} €; {amount:N0} € were asked.",
                });
            }
        }

        db.FinancingRequests.Add(financing);
        var open = opportunity.Confidentiality == Confidentiality.Open;
        db.AddIntegrationEvent(new SeedFundFinancingRequested(Guid.CreateVersion7(at), at, financing.Id, id, opportunity.RegionalUnion,
            opportunity.NafCode, opportunity.JobsAtStake, open ? opportunity.Siren : null, open ? opportunity.CompanyName : null,
            financing.Amount, eventParts), id.ToString());
        await db.SaveChangesAsync(ct);
        if (transaction is not null)
        {
            await transaction.CommitAsync(ct);
        }

        return TypedResults.Created($"{RepriseWatchEndpoints.Prefix}/seed-fund/requests/{financing.Id}",
            Response(financing, compartments, funded: null));
    }

    public static async Task<Results<Ok<PagedList<FinancingRequestResponse>>, ValidationProblem, ProblemHttpResult>> ListAsync(
        ClaimsPrincipal user, RepriseWatchDbContext db, CancellationToken ct, string? status = null, Guid? opportunityId = null,
        int? page = null, int? pageSize = null)
    {
        var (paging, problem) = PageRequest.From(page, pageSize);
        if (problem is not null)
        {
            return problem;
        }

        var errors = new ValidationErrors();
        var wanted = Input.ParseEnum<FinancingStatus>(errors, "status", status, required: false);
        if (!errors.IsValid)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        var (query, partner) = Visible(db, user);
        if (query is null)
        {
            return NotAddressed();
        }

        if (wanted is { } s)
        {
            query = query.Where(r => r.Status == s);
        }

        if (opportunityId is { } o)
        {
            query = query.Where(r => r.OpportunityId == o);
        }

        var total = await query.LongCountAsync(ct);
        var items = await query.OrderByDescending(r => r.RequestedAt).ThenByDescending(r => r.Id)
            .Skip(paging.Skip).Take(paging.PageSize).Include(r => r.Parts).ToListAsync(ct);
        var compartments = await CompartmentsOfAsync(db, items, ct);
        var funded = partner is null ? null : await FundedByAsync(db, partner, ct);
        return TypedResults.Ok(new PagedList<FinancingRequestResponse>(
            items.Select(r => Response(r, compartments, funded)).ToList(), paging.Page, paging.PageSize, total));
    }

    public static async Task<Results<Ok<FinancingRequestResponse>, ProblemHttpResult>> GetAsync(Guid id, ClaimsPrincipal user,
        RepriseWatchDbContext db, CancellationToken ct)
    {
        var (query, partner) = Visible(db, user);
        if (query is null)
        {
            return NotAddressed();
        }

        var request = await query.Include(r => r.Parts).SingleOrDefaultAsync(r => r.Id == id, ct);
        if (request is null)
        {
            return Problems.NotFound("Financing request", id);
        }

        var funded = partner is null ? null : await FundedByAsync(db, partner, ct);
        return TypedResults.Ok(Response(request, await CompartmentsOfAsync(db, [request], ct), funded));
    }

    public static Task<Results<Ok<FinancingRequestResponse>, ValidationProblem, ProblemHttpResult>> ApproveAsync(Guid id,
        HttpRequest http, ClaimsPrincipal user, RepriseWatchDbContext db, TimeProvider time, CancellationToken ct) =>
        DecideAsync(id, approved: true, http, user, db, time, ct);

    public static Task<Results<Ok<FinancingRequestResponse>, ValidationProblem, ProblemHttpResult>> RefuseAsync(Guid id,
        HttpRequest http, ClaimsPrincipal user, RepriseWatchDbContext db, TimeProvider time, CancellationToken ct) =>
        DecideAsync(id, approved: false, http, user, db, time, ct);

    private static async Task<Results<Ok<FinancingRequestResponse>, ValidationProblem, ProblemHttpResult>> DecideAsync(Guid id,
        bool approved, HttpRequest http, ClaimsPrincipal user, RepriseWatchDbContext db, TimeProvider time, CancellationToken ct)
    {
        var (request, problem) = await JsonBody.ReadAsync<DecisionRequest>(http, ct);
        if (problem is not null)
        {
            return problem;
        }

        var errors = new ValidationErrors();
        var comment = approved
            ? Input.OptionalText(errors, "comment", request!.Comment, FinancingRequest.MaxCommentLength)
            : errors.RequireText("comment", request!.Comment, FinancingRequest.MaxCommentLength);
        if (!errors.IsValid)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var now = time.GetUtcNow();
        var actor = RepriseWatchAccess.ActorOf(user);
        var status = approved ? FinancingStatus.Approved : FinancingStatus.Refused;
        // Only a request still awaiting its decision changes: of two concurrent decisions, one is made.
        var decided = await db.FinancingRequests.Where(r => r.Id == id && r.Status == FinancingStatus.Requested)
            .ExecuteUpdateAsync(set => set
                .SetProperty(r => r.Status, status)
                .SetProperty(r => r.DecidedAt, now)
                .SetProperty(r => r.DecidedByPersonId, actor.PersonId)
                .SetProperty(r => r.DecidedByRole, actor.Role)
                .SetProperty(r => r.DecisionComment, comment), ct);
        var financing = await db.FinancingRequests.AsNoTracking().Include(r => r.Parts).SingleOrDefaultAsync(r => r.Id == id, ct);
        if (financing is null)
        {
            return Problems.NotFound("Financing request", id);
        }

        if (decided == 0)
        {
            return Problems.Broken(SeedFundRules.DecideRequestedOnly with
            {
                Detail = $"The request was {financing.Status} on {financing.DecidedAt:yyyy-MM-dd}.",
            });
        }

        if (!approved)
        {
            foreach (var part in financing.Parts.OrderBy(p => p.CompartmentId))
            {
                await db.Compartments.Where(c => c.Id == part.CompartmentId)
                    .ExecuteUpdateAsync(set => set.SetProperty(c => c.Committed, c => c.Committed - part.Amount), ct);
            }
        }

        var compartments = await CompartmentsOfAsync(db, [financing], ct);
        db.AddIntegrationEvent(new SeedFundFinancingDecided(Guid.CreateVersion7(now), now, id, financing.OpportunityId,
            financing.RegionalUnion, approved, financing.Amount, await EventPartsAsync(db, financing, compartments, ct)),
            financing.OpportunityId.ToString());
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return TypedResults.Ok(Response(financing, compartments, funded: null));
    }

    /// <summary>
    /// The requests the caller may read, and the partner they are (null for people): staff all, a delegate their
    /// unions', a partner's machine client those with a part in a compartment it funds; nothing for anyone else.
    /// </summary>
    private static (IQueryable<FinancingRequest>? Query, string? Partner) Visible(RepriseWatchDbContext db, ClaimsPrincipal user)
    {
        var requests = db.FinancingRequests.AsNoTracking();
        switch (RepriseWatchAccess.MoneyReaderOf(user))
        {
            case { Partner: { } partner }:
                var funded = db.Contributions.Where(c => c.PartnerCode == partner).Select(c => c.CompartmentId);
                return (requests.Where(r => r.Parts.Any(p => funded.Contains(p.CompartmentId))), partner);
            case { Unions: { } unions }:
                return (requests.Where(r => unions.Contains(r.RegionalUnion)), null);
            case { }:
                return (requests, null);
            default:
                return (null, null);
        }
    }

    private static ProblemHttpResult NotAddressed() => RepriseWatchAccess.Forbidden("Not for you",
        "Financing requests are read by staff, the delegates of their union and the partners who fund their compartments.");

    private static async Task<HashSet<Guid>> FundedByAsync(RepriseWatchDbContext db, string partner, CancellationToken ct) =>
        [.. await db.Contributions.Where(c => c.PartnerCode == partner).Select(c => c.CompartmentId).Distinct().ToListAsync(ct)];

    private static async Task<Dictionary<Guid, FundCompartment>> CompartmentsOfAsync(RepriseWatchDbContext db,
        IEnumerable<FinancingRequest> requests, CancellationToken ct)
    {
        var ids = requests.SelectMany(r => r.Parts).Select(p => p.CompartmentId).Distinct().ToList();
        return await db.Compartments.AsNoTracking().Where(c => ids.Contains(c.Id)).ToDictionaryAsync(c => c.Id, ct);
    }

    /// <summary>The parts as the event carries them, each with the partners who fund its compartment now.</summary>
    private static async Task<IReadOnlyList<SeedFundPart>> EventPartsAsync(RepriseWatchDbContext db, FinancingRequest request,
        IReadOnlyDictionary<Guid, FundCompartment> compartments, CancellationToken ct)
    {
        var ids = request.Parts.Select(p => p.CompartmentId).ToList();
        var funders = (await db.Contributions.AsNoTracking().Where(c => ids.Contains(c.CompartmentId))
                .Select(c => new { c.CompartmentId, c.PartnerCode }).Distinct().ToListAsync(ct))
            .ToLookup(c => c.CompartmentId, c => c.PartnerCode);
        return request.Parts.Select(p => new SeedFundPart(p.CompartmentId, compartments[p.CompartmentId].Name, p.Amount,
            funders[p.CompartmentId].Order(StringComparer.Ordinal).ToList())).ToList();
    }

    /// <param name="funded">For a partner, the compartments it funds: only their parts are shown, and the amount is theirs.</param>
    private static FinancingRequestResponse Response(FinancingRequest r, IReadOnlyDictionary<Guid, FundCompartment> compartments,
        IReadOnlySet<Guid>? funded)
    {
        var parts = r.Parts.Where(p => funded is null || funded.Contains(p.CompartmentId))
            .Select(p => new FinancingPartResponse(p.CompartmentId, compartments[p.CompartmentId].Name, p.Amount)).ToList();
        var forPartner = funded is not null;
        return new FinancingRequestResponse(r.Id, r.OpportunityId, r.RegionalUnion, forPartner ? parts.Sum(p => p.Amount) : r.Amount,
            r.Status, r.RequestedAt, r.RequestedByRole, forPartner ? null : r.Comment, r.DecidedAt, r.DecidedByRole,
            forPartner ? null : r.DecisionComment, parts);
    }
}
