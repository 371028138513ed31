using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Scop.Aspire.Membership.Data;
using Scop.Aspire.Membership.Domain;
using Scop.Aspire.Membership.Features.People;
using Scop.Aspire.ServiceDefaults.Http;
using Scop.Aspire.ServiceDefaults.Security;
using Scop.Aspire.ServiceDefaults;

namespace Scop.Aspire.Membership.Features.Kits;

public sealed record EventResponse(Guid Id, Guid CooperativeId, CooperativeEventKind Kind, DateOnly HeldOn, Guid KitId,
    KitStatus KitStatus, DateTimeOffset RequestedAt, DateTimeOffset? ShippedAt, DateTimeOffset? DeliveredAt)
{
    public static EventResponse From(CooperativeEvent e) => new(e.Id, e.CooperativeId, e.Kind, e.HeldOn, e.Kit.Id,
        e.Kit.Status, e.Kit.RequestedAt, e.Kit.ShippedAt, e.Kit.DeliveredAt);
}

/// <summary>
/// The "SCOP vitrine" welcome kit: a cooperative declares an event and gets one kit for it. Declaring the same event
/// again (same kind, same day) answers the existing one: the unique index decides, so retries and races make no
/// second shipment.
/// </summary>
public static class KitEndpoints
{
    public sealed record DeclareRequest(string? Kind, DateOnly? HeldOn);

    public sealed record StatusRequest(string? Status);

    public static IEndpointRouteBuilder MapKits(this IEndpointRouteBuilder app)
    {
        var events = app.MapGroup("/api/membership/cooperatives/{cooperativeId:guid}/events").WithTags("Welcome kits");
        events.MapPost("/", DeclareAsync).WithName("DeclareEvent")
            .WithSummary("Declare an AGM, opening or anniversary: one welcome kit per event")
            .Accepts<DeclareRequest>("application/json").RequireAuthorization(PlatformPolicies.CooperativeSelfService);
        events.MapGet("/", ListAsync).WithName("ListEvents").WithSummary("The cooperative's events and their kits, paged")
            .RequireAuthorization(PlatformPolicies.ReadCooperatives);
        app.MapPut("/api/membership/kits/{id:guid}/status", SetStatusAsync).WithTags("Welcome kits").WithName("SetKitStatus")
            .WithSummary("Kit shipped or delivered (forward only)").Accepts<StatusRequest>("application/json")
            .RequireAuthorization(PlatformPolicies.Staff);
        return app;
    }

    public static async Task<Results<Created<EventResponse>, Ok<EventResponse>, ValidationProblem, ProblemHttpResult>> DeclareAsync(
        Guid cooperativeId, HttpRequest http, ClaimsPrincipal user, MembershipDbContext db, TimeProvider time, CancellationToken ct)
    {
        var cooperative = await db.Cooperatives.AsNoTracking().SingleOrDefaultAsync(c => c.Id == cooperativeId, ct);
        if (cooperative is null || !CallerScope.Of(user).CanRead(cooperative.RegionalUnion, cooperative.Id))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Cooperative not found",
                detail: $"No cooperative has the id {cooperativeId}.");
        }

        if (!CallerScope.CanActFor(user, cooperative.RegionalUnion, cooperative.Id))
        {
            return PersonAccess.OutsideUnion();
        }

        var (request, problem) = await JsonBody.ReadAsync<DeclareRequest>(http, ct);
        if (problem is not null)
        {
            return problem;
        }

        var errors = new ValidationErrors();
        CooperativeEventKind kind = default;
        if (string.IsNullOrWhiteSpace(request!.Kind))
        {
            errors.Add("kind", "This field is required.");
        }
        else if (request.Kind.Trim().All(char.IsAsciiDigit) || !Enum.TryParse(request.Kind.Trim(), ignoreCase: true, out kind)
            || kind == CooperativeEventKind.AmbassadeLabel)
        {
            errors.Add("kind", "One of agm, opening or anniversary.");
        }

        var today = ParisCalendar.Today(time);
        if (request.HeldOn is null)
        {
            errors.Add("heldOn", "This field is required.");
        }
        else if (request.HeldOn < today.AddYears(-1) || request.HeldOn > today.AddYears(2))
        {
            errors.Add("heldOn", "Within a year ago and two years ahead.");
        }

        if (!errors.IsValid)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        var now = time.GetUtcNow();
        var id = Guid.CreateVersion7(now);
        var declared = new CooperativeEvent
        {
            Id = id, CooperativeId = cooperative.Id, RegionalUnion = cooperative.RegionalUnion, Kind = kind,
            HeldOn = request.HeldOn!.Value, DeclaredAt = now,
            Kit = new KitShipment { Id = Guid.CreateVersion7(now), EventId = id, RequestedAt = now },
        };
        db.CooperativeEvents.Add(declared);
        try
        {
            await db.SaveChangesAsync(ct);
            return TypedResults.Created($"/api/membership/cooperatives/{cooperativeId}/events/{declared.Id}", EventResponse.From(declared));
        }
        catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            db.ChangeTracker.Clear();
            var existing = await db.CooperativeEvents.AsNoTracking().Include(x => x.Kit)
                .SingleAsync(x => x.CooperativeId == cooperativeId && x.Kind == kind && x.HeldOn == request.HeldOn, ct);
            return TypedResults.Ok(EventResponse.From(existing));
        }
    }

    public static async Task<Results<Ok<PagedList<EventResponse>>, ValidationProblem, ProblemHttpResult>> ListAsync(
        Guid cooperativeId, ClaimsPrincipal user, MembershipDbContext db, CancellationToken ct, int? page = null, int? pageSize = null)
    {
        var (paging, problem) = PageRequest.From(page, pageSize);
        if (problem is not null)
        {
            return problem;
        }

        var cooperative = await db.Cooperatives.AsNoTracking().SingleOrDefaultAsync(c => c.Id == cooperativeId, ct);
        if (cooperative is null || !CallerScope.Of(user).CanRead(cooperative.RegionalUnion, cooperative.Id))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Cooperative not found",
                detail: $"No cooperative has the id {cooperativeId}.");
        }

        var query = db.CooperativeEvents.AsNoTracking().Where(e => e.CooperativeId == cooperativeId);
        var total = await query.LongCountAsync(ct);
        var items = await query.Include(e => e.Kit).OrderByDescending(e => e.HeldOn).ThenBy(e => e.Id)
            .Skip(paging.Skip).Take(paging.PageSize).ToListAsync(ct);
        return TypedResults.Ok(new PagedList<EventResponse>(items.Select(EventResponse.From).ToList(), paging.Page,
            paging.PageSize, total));
    }

    public static async Task<Results<Ok<EventResponse>, ValidationProblem, ProblemHttpResult>> SetStatusAsync(Guid id,
        HttpRequest http, MembershipDbContext db, TimeProvider time, CancellationToken ct)
    {
        var (request, problem) = await JsonBody.ReadAsync<StatusRequest>(http, ct);
        if (problem is not null)
        {
            return problem;
        }

        if (string.IsNullOrWhiteSpace(request!.Status) || request.Status.Trim().All(char.IsAsciiDigit)
            || !Enum.TryParse<KitStatus>(request.Status.Trim(), ignoreCase: true, out var status))
        {
            return JsonBody.Invalid("status", "One of requested, shipped or delivered.");
        }

        var declared = await db.CooperativeEvents.Include(e => e.Kit).SingleOrDefaultAsync(e => e.Kit.Id == id, ct);
        if (declared is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Kit not found",
                detail: $"No kit shipment has the id {id}.");
        }

        if (!declared.Kit.TryMoveTo(status, time.GetUtcNow()))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Not the next status",
                detail: $"The kit is {declared.Kit.Status}; it moves forward only: requested, shipped, delivered.");
        }

        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(EventResponse.From(declared));
    }
}
