using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Scop.Aspire.ServiceDefaults.Http;
using Scop.Aspire.ServiceDefaults.Security;
using Scop.Aspire.Training.Data;
using Scop.Aspire.Training.Domain;

namespace Scop.Aspire.Training.Features.Targets;

/// <summary>
/// One side of the targets: the people who entered training, the target, how far along, and how many people the
/// register counts on that side (the target is <see cref="TrainingOptions.TargetShare"/> of them, rounded up).
/// </summary>
public sealed record TargetLine(int People, int Target, decimal Percent, int Registered);

public sealed record UnionTargets(string RegionalUnion, int Employees, int Managers, int EmployeesTarget, int ManagersTarget,
    int RegisteredEmployees, int RegisteredManagers);

public sealed record TargetsResponse(int Year, TargetLine Employees, TargetLine Managers, IReadOnlyList<UnionTargets> ByRegionalUnion);

/// <summary>
/// <c>GET /api/training/targets/{year}</c>: distinct people who entered training in the year (recorded present at a
/// session that started that year) against the yearly target, 5 % of the people the register counts that year
/// (hired before its end and not gone before its start, as membership's events told training) — employees and
/// worker-members apart from managers — by regional union (their cooperative's) and in all. A person counts once, in
/// their highest role (manager over employee).
/// </summary>
public static class ReadTargets
{
    public static RouteHandlerBuilder MapTargets(this RouteGroupBuilder group) =>
        group.MapGet("/targets/{year:int}", HandleAsync).WithName("GetTargets").WithSummary("The year's training-entry targets")
            .RequireAuthorization(PlatformPolicies.Authenticated); // counts only, for everyone signed in

    public static async Task<Results<Ok<TargetsResponse>, ValidationProblem>> HandleAsync(int year, TrainingDbContext db,
        IOptions<TrainingOptions> options, CancellationToken ct, string? regionalUnion = null)
    {
        if (year is < 2000 or > 2200)
        {
            return JsonBody.Invalid("year", "Between 2000 and 2200.");
        }

        var first = new DateOnly(year, 1, 1);
        var next = new DateOnly(year + 1, 1, 1);
        var union = string.IsNullOrWhiteSpace(regionalUnion) ? null : regionalUnion.Trim();
        var entered =
            from a in db.Attendees.AsNoTracking()
            join b in db.Bookings on a.BookingId equals b.Id
            join s in db.Sessions on b.SessionId equals s.Id
            where (a.Status == AttendeeStatus.Attended || a.Status == AttendeeStatus.Completed)
                  && s.StartsOn >= first && s.StartsOn < next
            select new { a.PersonId, a.Role, b.RegionalUnion };
        if (union is not null)
        {
            entered = entered.Where(e => e.RegionalUnion == union);
        }

        // Per person: the highest role, and one union (the first by code when they trained in several).
        var people = await entered
            .GroupBy(e => e.PersonId)
            .Select(g => new
            {
                IsManager = g.Any(e => e.Role == AttendeeRole.Manager),
                RegionalUnion = g.Min(e => e.RegionalUnion),
            })
            .ToListAsync(ct);

        // The register's people that year, by their cooperative's union and whether they manage it.
        var registeredQuery =
            from p in db.People.AsNoTracking()
            join c in db.Cooperatives on p.CooperativeId equals c.Id
            where p.HiredOn < next && (p.LeftOn == null || p.LeftOn >= first)
            select new { p.IsManager, c.RegionalUnion };
        if (union is not null)
        {
            registeredQuery = registeredQuery.Where(r => r.RegionalUnion == union);
        }

        var registered = await registeredQuery.GroupBy(r => new { r.RegionalUnion, r.IsManager })
            .Select(g => new { g.Key.RegionalUnion, g.Key.IsManager, Count = g.Count() })
            .ToListAsync(ct);

        var share = options.Value.TargetShare;
        int Target(int count) => (int)Math.Ceiling(share * count);
        int Registered(string? inUnion, bool managers) =>
            registered.Where(r => r.IsManager == managers && (inUnion is null || r.RegionalUnion == inUnion)).Sum(r => r.Count);

        var unions = people.Select(p => p.RegionalUnion!).Concat(registered.Select(r => r.RegionalUnion))
            .Distinct().Order(StringComparer.Ordinal)
            .Select(u => new UnionTargets(u,
                people.Count(p => p.RegionalUnion == u && !p.IsManager), people.Count(p => p.RegionalUnion == u && p.IsManager),
                Target(Registered(u, managers: false)), Target(Registered(u, managers: true)),
                Registered(u, managers: false), Registered(u, managers: true)))
            .ToList();
        var managers = people.Count(p => p.IsManager);
        // The whole network's target is the sum of the unions' (each rounded up on its own).
        return TypedResults.Ok(new TargetsResponse(year,
            Line(people.Count - managers, unions.Sum(u => u.EmployeesTarget), Registered(null, managers: false)),
            Line(managers, unions.Sum(u => u.ManagersTarget), Registered(null, managers: true)),
            unions));
    }

    private static TargetLine Line(int people, int target, int registered) =>
        new(people, target, target == 0 ? 0 : Math.Round(100m * people / target, 1), registered);
}
