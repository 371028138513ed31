using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Scop.Aspire.Contracts.Membership;
using Scop.Aspire.Membership.Data;
using Scop.Aspire.ReferenceData;
using Scop.Aspire.ServiceDefaults.Http;
using Scop.Aspire.ServiceDefaults.Messaging;
using Scop.Aspire.ServiceDefaults.Security;
using Scop.Aspire.ServiceDefaults;

namespace Scop.Aspire.Membership.Features.Cooperatives;

/// <summary>
/// <c>PUT /api/membership/cooperatives/{id}</c>: replaces what may change (name, address, sector, details) under
/// optimistic concurrency: the request names the version it read in <c>If-Match</c>; a stale one is a 412, none a 428.
/// A new commune in another région moves the cooperative to that région's union, and with it, in the same
/// transaction, its people, its membership, its declared events and kits and its people's mandates; publishes
/// <c>CooperativeUpdated</c>, which other services' copies follow.
/// </summary>
public static class UpdateCooperative
{
    public sealed record Request(string? Name, string? CommuneCode, string? NafCode, string? Street = null,
        string? PostalCode = null, IReadOnlyList<string>? TradeFederations = null, int? Headcount = null,
        int? WorkerMembers = null, bool? ProfitSharingAgreement = null, DateOnly? FoundedOn = null);

    public static RouteHandlerBuilder MapUpdateCooperative(this RouteGroupBuilder group) =>
        group.MapPut("/{id:guid}", HandleAsync)
            .WithName("UpdateCooperative")
            .WithSummary("Update a cooperative (If-Match required)")
            .WithDescription("SIREN and legal form do not change. The If-Match header carries the ETag of the version read: 412 when another update came first, 428 when it is missing.")
            .Accepts<Request>("application/json")
            .WithHeader("If-Match", required: true, maxLength: 200, "The ETag of the version read (GET), or *.")
            .RequireAuthorization(PlatformPolicies.ManageCooperatives);

    public static async Task<Results<Ok<CooperativeResponse>, ValidationProblem, ProblemHttpResult>> HandleAsync(
        Guid id, HttpRequest http, ClaimsPrincipal user, MembershipDbContext db, FrenchReferenceData reference,
        RegionalUnions unions, TimeProvider time, CancellationToken ct)
    {
        var cooperative = await db.Cooperatives.SingleOrDefaultAsync(c => c.Id == id, ct);
        if (cooperative is null || !CallerScope.Of(user).CanRead(cooperative.RegionalUnion, cooperative.Id))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Cooperative not found",
                detail: $"No cooperative has the id {id}.");
        }

        if (!CallerScope.CanManage(user, cooperative.RegionalUnion))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Outside your regional union",
                detail: "Only the delegates of the cooperative's regional union or a confederation admin change it.");
        }

        var ifMatch = http.Headers.IfMatch.ToString();
        if (string.IsNullOrWhiteSpace(ifMatch))
        {
            return Preconditions.IfMatchRequired();
        }

        var (request, problem) = await JsonBody.ReadAsync<Request>(http, ct);
        if (problem is not null)
        {
            return problem;
        }

        var errors = new ValidationErrors();
        var identity = RegisterCooperative.Validate(
            new RegisterCooperative.Request(request!.Name, cooperative.Siren, cooperative.LegalForm.ToString(), request.CommuneCode,
                request.NafCode), reference, errors);
        var details = new CooperativeDetailsInput(request.Street, request.PostalCode, request.TradeFederations, request.Headcount,
            request.WorkerMembers, request.ProfitSharingAgreement, request.FoundedOn)
            .Validate(errors, ParisCalendar.Today(time));
        if (!errors.IsValid)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        if (!ifMatch.Split(',').Select(t => t.Trim()).Any(t => t == "*" || t == CooperativeResponse.ETagOf(cooperative)))
        {
            return Stale(cooperative.Id);
        }

        var regionalUnion = unions.ForRegion(reference.FindCommune(identity.CommuneCode)!.Region);
        if (!CallerScope.CanManage(user, regionalUnion))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Outside your regional union",
                detail: $"Moving the cooperative to {identity.CommuneCode} puts it in {unions.NameOf(regionalUnion)}; only a confederation admin or both unions' delegates do that.");
        }

        var previousUnion = cooperative.RegionalUnion;
        cooperative.Update(identity.Name, identity.CommuneCode, identity.NafCode, regionalUnion, details);
        var now = time.GetUtcNow();
        db.AddIntegrationEvent(new CooperativeUpdated(Guid.CreateVersion7(now), now, cooperative.Id, cooperative.Name,
            cooperative.CommuneCode, cooperative.NafCode, regionalUnion, previousUnion, cooperative.Headcount),
            aggregateId: cooperative.Id.ToString());
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        if (regionalUnion != previousUnion)
        {
            await MoveToUnionAsync(db, cooperative.Id, regionalUnion, ct);
        }

        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Stale(cooperative.Id); // another update committed between our read and our write
        }

        await transaction.CommitAsync(ct);

        http.HttpContext.Response.Headers.ETag = CooperativeResponse.ETagOf(cooperative);
        return TypedResults.Ok(CooperativeResponse.From(cooperative, reference));
    }

    /// <summary>
    /// Everything of the cooperative that is scoped by region follows it to <paramref name="union"/>. The cooperative
    /// and its people are locked first: inserts of their rows in flight hold a key-share lock on them and finish before,
    /// later ones wait for this transaction and take the new union (the insert triggers read it under that lock).
    /// </summary>
    private static async Task MoveToUnionAsync(MembershipDbContext db, Guid id, string union, CancellationToken ct)
    {
        await db.Database.ExecuteSqlAsync($"SELECT FROM cooperatives WHERE id = {id} FOR UPDATE", ct);
        await db.Database.ExecuteSqlAsync($"SELECT FROM people WHERE cooperative_id = {id} ORDER BY id FOR UPDATE", ct);
        await db.People.Where(p => p.CooperativeId == id)
            .ExecuteUpdateAsync(p => p.SetProperty(x => x.RegionalUnion, union), ct);
        await db.Memberships.Where(m => m.CooperativeId == id)
            .ExecuteUpdateAsync(m => m.SetProperty(x => x.RegionalUnion, union), ct);
        await db.CooperativeEvents.Where(e => e.CooperativeId == id)
            .ExecuteUpdateAsync(e => e.SetProperty(x => x.RegionalUnion, union), ct);
        await db.Mandates.Where(m => db.People.Any(p => p.Id == m.PersonId && p.CooperativeId == id))
            .ExecuteUpdateAsync(m => m.SetProperty(x => x.RegionalUnion, union), ct);
    }

    private static ProblemHttpResult Stale(Guid id) => Preconditions.Stale("cooperative", $"/api/membership/cooperatives/{id}");
}
