using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Scop.Aspire.Ambassadors.Data;
using Scop.Aspire.Ambassadors.Domain;
using Scop.Aspire.ReferenceData;
using Scop.Aspire.ServiceDefaults.Http;
using Scop.Aspire.ServiceDefaults.Security;

namespace Scop.Aspire.Ambassadors.Features.Labels;

/// <summary>
/// Where the manager's Ambassade is found on the map: its commune's position unless the manager sets the cooperative's
/// door (<c>PUT /api/ambassadors/me/ambassade/position</c>, <c>If-Match</c>), which then stays when the register moves
/// nothing but the name; <c>DELETE</c> returns it to the commune's. A point more than
/// <see cref="MaxKmFromCommune"/> km from the commune's position is refused as a typing slip: a move to another commune
/// is the register's change of address, which moves the Ambassade with it.
/// </summary>
public static class ManagerPosition
{
    /// <summary>The furthest a door may be from its commune's position (the largest communes span about 30 km).</summary>
    public const double MaxKmFromCommune = 30;

    public sealed record PositionRequest(double? Latitude, double? Longitude);

    public static RouteGroupBuilder MapManagerPosition(this RouteGroupBuilder group)
    {
        group.MapPut("/me/ambassade/position", SetAsync).WithName("SetMyAmbassadePosition")
            .WithSummary("Set the caller's Ambassade's position: the cooperative's door (If-Match)")
            .Accepts<PositionRequest>("application/json")
            .WithHeader("If-Match", required: true, maxLength: 200, "The ETag of the version read (GET), or *.")
            .RequireAuthorization(PlatformPolicies.CooperativeManager);
        group.MapDelete("/me/ambassade/position", ResetAsync).WithName("ResetMyAmbassadePosition")
            .WithSummary("Place the caller's Ambassade at its commune's position again (If-Match)")
            .WithHeader("If-Match", required: true, maxLength: 200, "The ETag of the version read (GET), or *.")
            .RequireAuthorization(PlatformPolicies.CooperativeManager);
        return group;
    }

    public static async Task<Results<Ok<AmbassadeResponse>, ValidationProblem, ProblemHttpResult>> SetAsync(HttpRequest http,
        ClaimsPrincipal user, AmbassadorsDbContext db, FrenchPlaces places, TimeProvider time, CancellationToken ct)
    {
        var (request, problem) = await JsonBody.ReadAsync<PositionRequest>(http, ct);
        if (problem is not null)
        {
            return problem;
        }

        var errors = new ValidationErrors();
        if (request!.Latitude is not { } latitude || request.Longitude is not { } longitude || !GeoPoint.IsValid(latitude, longitude))
        {
            errors.Add("latitude", "Latitude (−90 to 90) and longitude (−180 to 180), in WGS 84 degrees, both required.");
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        var point = new GeoPoint(latitude, longitude);
        return await ChangeAsync(http, user, db, places, time, ct, (ambassade, commune) =>
        {
            if (commune?.Position is { } centre && centre.DistanceKmTo(point) > MaxKmFromCommune)
            {
                errors.Add("latitude", $"This point is {centre.DistanceKmTo(point):0} km from {commune.Commune.Name}, the " +
                    $"Ambassade's commune: a door is within {MaxKmFromCommune:0} km of it. A move elsewhere is a change of " +
                    "the cooperative's address in the register.");
                return null;
            }

            ambassade.PlaceAt(point);
            return $"The door set at {latitude:0.#####}, {longitude:0.#####}.";
        }, errors);
    }

    public static Task<Results<Ok<AmbassadeResponse>, ValidationProblem, ProblemHttpResult>> ResetAsync(HttpRequest http,
        ClaimsPrincipal user, AmbassadorsDbContext db, FrenchPlaces places, TimeProvider time, CancellationToken ct) =>
        ChangeAsync(http, user, db, places, time, ct, (ambassade, commune) =>
        {
            ambassade.PlaceAtCommune(commune?.Position);
            return "Placed at its commune's position.";
        }, new ValidationErrors());

    /// <summary>The caller's live Ambassade, If-Match checked, changed by <paramref name="place"/> (null: refused).</summary>
    private static async Task<Results<Ok<AmbassadeResponse>, ValidationProblem, ProblemHttpResult>> ChangeAsync(HttpRequest http,
        ClaimsPrincipal user, AmbassadorsDbContext db, FrenchPlaces places, TimeProvider time, CancellationToken ct,
        Func<Ambassade, PlacedCommune?, string?> place, ValidationErrors errors)
    {
        if (user.Scope().ManagedCooperative() is not { } cooperativeId)
        {
            return ManagerLabel.NotAManager();
        }

        var ambassade = await db.Ambassades.SingleOrDefaultAsync(a => a.CooperativeId == cooperativeId && (a.Status == LabelStatus.Applied
            || a.Status == LabelStatus.Labelled || a.Status == LabelStatus.Suspended), ct);
        if (ambassade is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No Ambassade",
                detail: "Your cooperative holds no application or label in force to place.");
        }

        var ifMatch = http.Headers.IfMatch.ToString();
        if (string.IsNullOrWhiteSpace(ifMatch))
        {
            return Preconditions.IfMatchRequired();
        }

        if (!Preconditions.Matches(ifMatch, Preconditions.ETagOf(ambassade.Version)))
        {
            return Preconditions.Stale("Ambassade", "/api/ambassadors/me/ambassade");
        }

        var comment = place(ambassade, places.FindCommune(ambassade.CommuneCode));
        if (comment is null || !errors.IsValid)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        var now = time.GetUtcNow();
        LabelWorkflow.Placed(db, ambassade, AmbassadorsAccess.ActorOf(user), comment, now);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Preconditions.Stale("Ambassade", "/api/ambassadors/me/ambassade");
        }

        http.HttpContext.Response.Headers.ETag = Preconditions.ETagOf(ambassade.Version);
        return TypedResults.Ok(AmbassadeResponse.From(ambassade, await ManagerLabel.MembershipCurrentAsync(db, cooperativeId, ct), places));
    }
}
