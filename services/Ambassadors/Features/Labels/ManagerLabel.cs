using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Scop.Aspire.Ambassadors.Data;
using Scop.Aspire.Ambassadors.Domain;
using Scop.Aspire.ReferenceData;
using Scop.Aspire.ServiceDefaults.Http;
using Scop.Aspire.ServiceDefaults.Security;

namespace Scop.Aspire.Ambassadors.Features.Labels;

/// <summary>
/// The cooperative manager's side of the label, for the cooperative of their token:
/// <list type="bullet">
/// <item><c>GET /api/ambassadors/me/ambassade</c>: their cooperative's Ambassade (the live one, else the latest; ETag).</item>
/// <item><c>POST /api/ambassadors/me/ambassade</c> (<c>Idempotency-Key</c>): apply, with a <c>motivation</c>. The
/// cooperative must be known from the register, and hold no other application or label (a refused, withdrawn or expired
/// one leaves room for a new application).</item>
/// <item><c>POST /api/ambassadors/me/ambassade/renewal</c> (<c>If-Match</c>): ask for the renewal of the label in force
/// (an optional new <c>motivation</c>); the union's delegate reviews and decides again, the label running meanwhile.</item>
/// </list>
/// The policy admits a cooperative's people who act for it; only its manager applies (a delegate or staff get a 403).
/// </summary>
public static class ManagerLabel
{
    public sealed record ApplyRequest(string? Motivation);

    public sealed record RenewalRequest(string? Motivation);

    public static RouteGroupBuilder MapManagerLabel(this RouteGroupBuilder group)
    {
        group.MapGet("/me/ambassade", GetAsync).WithName("GetMyAmbassade")
            .WithSummary("The Ambassade of the caller's cooperative (ETag)")
            .RequireAuthorization(PlatformPolicies.CooperativeManager);
        group.MapPost("/me/ambassade", ApplyAsync).WithName("ApplyForLabel")
            .WithSummary("Apply for the SCOP Ambassade label for the caller's cooperative")
            .Accepts<ApplyRequest>("application/json").WithIdempotency<AmbassadorsDbContext>()
            .RequireAuthorization(PlatformPolicies.CooperativeManager);
        group.MapPost("/me/ambassade/renewal", RenewAsync).WithName("RequestLabelRenewal")
            .WithSummary("Ask for the renewal of the caller's cooperative's label (If-Match)")
            .Accepts<RenewalRequest>("application/json")
            .WithHeader("If-Match", required: true, maxLength: 200, "The ETag of the version read (GET), or *.")
            .RequireAuthorization(PlatformPolicies.CooperativeManager);
        return group;
    }

    public static async Task<Results<Ok<AmbassadeResponse>, ProblemHttpResult>> GetAsync(HttpContext http, ClaimsPrincipal user,
        AmbassadorsDbContext db, FrenchPlaces places, CancellationToken ct)
    {
        if (user.Scope().ManagedCooperative() is not { } cooperative)
        {
            return NotAManager();
        }

        var ambassade = await db.Ambassades.AsNoTracking().Where(a => a.CooperativeId == cooperative)
            .OrderByDescending(a => a.Status == LabelStatus.Applied || a.Status == LabelStatus.Labelled || a.Status == LabelStatus.Suspended)
            .ThenByDescending(a => a.AppliedAt).FirstOrDefaultAsync(ct);
        if (ambassade is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No Ambassade",
                detail: "Your cooperative has not applied for the label.");
        }

        http.Response.Headers.ETag = Preconditions.ETagOf(ambassade.Version);
        return TypedResults.Ok(AmbassadeResponse.From(ambassade, await MembershipCurrentAsync(db, cooperative, ct), places));
    }

    public static async Task<Results<Created<AmbassadeResponse>, ValidationProblem, ProblemHttpResult>> ApplyAsync(
        HttpRequest http, ClaimsPrincipal user, AmbassadorsDbContext db, FrenchPlaces places, TimeProvider time, CancellationToken ct)
    {
        if (user.Scope().ManagedCooperative() is not { } cooperativeId)
        {
            return NotAManager();
        }

        var (request, problem) = await JsonBody.ReadAsync<ApplyRequest>(http, ct);
        if (problem is not null)
        {
            return problem;
        }

        var errors = new ValidationErrors();
        var motivation = errors.RequireText("motivation", request!.Motivation, Ambassade.MaxTextLength);
        if (!errors.IsValid)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        var cooperative = await db.Cooperatives.AsNoTracking().SingleOrDefaultAsync(c => c.Id == cooperativeId, ct);
        if (cooperative is not { DetailsKnown: true } || places.FindCommune(cooperative.CommuneCode) is not { } commune)
        {
            return Problems.Broken(LabelRules.CooperativeInRegister);
        }

        if (await db.Ambassades.AnyAsync(a => a.CooperativeId == cooperativeId && (a.Status == LabelStatus.Applied
                || a.Status == LabelStatus.Labelled || a.Status == LabelStatus.Suspended), ct))
        {
            return Problems.Broken(LabelRules.OneLiveLabelPerCooperative);
        }

        var now = time.GetUtcNow();
        var actor = AmbassadorsAccess.ActorOf(user);
        var ambassade = new Ambassade
        {
            Id = Guid.CreateVersion7(now),
            CooperativeId = cooperativeId,
            Name = cooperative.Name,
            LegalForm = cooperative.LegalForm,
            NafCode = cooperative.NafCode,
            NafDivision = cooperative.NafCode[..2],
            CommuneCode = commune.Code,
            Departement = commune.Departement,
            Region = commune.Region,
            RegionalUnion = cooperative.RegionalUnion,
            Latitude = commune.Position?.Latitude,
            Longitude = commune.Position?.Longitude,
            PositionSource = AmbassadePositionSource.Commune,
            Status = LabelStatus.Applied,
            Motivation = motivation,
            AppliedBy = actor.PersonId,
            AppliedAt = now,
        };
        db.Ambassades.Add(ambassade);
        LabelWorkflow.Applied(db, ambassade, from: null, actor, renewal: false, now);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            return Problems.Broken(LabelRules.OneLiveLabelPerCooperative); // a concurrent application came first
        }

        http.HttpContext.Response.Headers.ETag = Preconditions.ETagOf(ambassade.Version);
        return TypedResults.Created($"/api/ambassadors/ambassades/{ambassade.Id}",
            AmbassadeResponse.From(ambassade, cooperative.MembershipCurrent, places));
    }

    public static async Task<Results<Ok<AmbassadeResponse>, ValidationProblem, ProblemHttpResult>> RenewAsync(
        HttpRequest http, ClaimsPrincipal user, AmbassadorsDbContext db, FrenchPlaces places, TimeProvider time, CancellationToken ct)
    {
        if (user.Scope().ManagedCooperative() is not { } cooperativeId)
        {
            return NotAManager();
        }

        var ambassade = await db.Ambassades.Where(a => a.CooperativeId == cooperativeId && (a.Status == LabelStatus.Labelled
                || a.Status == LabelStatus.Suspended || a.Status == LabelStatus.Applied))
            .SingleOrDefaultAsync(ct);
        if (ambassade is null)
        {
            return Problems.Broken(LabelRules.RenewLabelled);
        }

        var ifMatch = http.Headers.IfMatch.ToString();
        if (string.IsNullOrWhiteSpace(ifMatch))
        {
            return Preconditions.IfMatchRequired();
        }

        var (request, problem) = await JsonBody.ReadAsync<RenewalRequest>(http, ct);
        if (problem is not null)
        {
            return problem;
        }

        var errors = new ValidationErrors();
        var motivation = string.IsNullOrWhiteSpace(request!.Motivation)
            ? null
            : errors.RequireText("motivation", request.Motivation, Ambassade.MaxTextLength);
        if (!errors.IsValid)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        if (!Preconditions.Matches(ifMatch, Preconditions.ETagOf(ambassade.Version)))
        {
            return Preconditions.Stale("Ambassade", "/api/ambassadors/me/ambassade");
        }

        if (LabelRules.Breaks(LabelStep.RequestRenewal, ambassade) is { } rule)
        {
            return Problems.Broken(rule);
        }

        var now = time.GetUtcNow();
        var actor = AmbassadorsAccess.ActorOf(user);
        ambassade.RequestRenewal(actor.PersonId, motivation, now);
        LabelWorkflow.Applied(db, ambassade, LabelStatus.Labelled, actor, renewal: true, now);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Preconditions.Stale("Ambassade", "/api/ambassadors/me/ambassade");
        }

        http.HttpContext.Response.Headers.ETag = Preconditions.ETagOf(ambassade.Version);
        return TypedResults.Ok(AmbassadeResponse.From(ambassade, await MembershipCurrentAsync(db, cooperativeId, ct), places));
    }

    /// <summary>What membership's events say of the cooperative's membership now.</summary>
    public static async Task<bool> MembershipCurrentAsync(AmbassadorsDbContext db, Guid cooperative, CancellationToken ct) =>
        await db.Cooperatives.AsNoTracking().Where(c => c.Id == cooperative)
            .AnyAsync(c => c.MembershipTermEndsOn != null && !c.MembershipLapsed, ct);

    public static ProblemHttpResult NotAManager() => AmbassadorsAccess.Forbidden("Not a cooperative's manager",
        "The label is applied for, and its renewal asked, by the cooperative's manager, for the cooperative of their token.");
}
