using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Scop.Aspire.ServiceDefaults.Http;
using Scop.Aspire.ServiceDefaults.Security;
using Scop.Aspire.Training.Data;
using Scop.Aspire.Training.Domain;

namespace Scop.Aspire.Training.Features.Targets;

public sealed record TargetLine(int People, int Target, decimal Percent);

public sealed record UnionTargets(string RegionalUnion, int Employees, int Managers);

public sealed record TargetsResponse(int Year, TargetLine Employees, TargetLine Managers, IReadOnlyList<UnionTargets> ByRegionalUnion);

/// <summary>
/// <c>GET /api/training/targets/{year}</c>: distinct people who entered training in the year (recorded present at a
/// session that started that year) against the yearly target of 5 % of the network — employees and worker-members
/// apart from managers — and by regional union. A person counts once, in their highest role (manager over employee).
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
        var entered =
            from a in db.Attendees.AsNoTracking()
            join b in db.Bookings on a.BookingId equals b.Id
            join s in db.Sessions on b.SessionId equals s.Id
            where (a.Status == AttendeeStatus.Attended || a.Status == AttendeeStatus.Completed)
                  && s.StartsOn >= first && s.StartsOn < next
            select new { a.PersonId, a.Role, b.RegionalUnion };
        if (!string.IsNullOrWhiteSpace(regionalUnion))
        {
            var union = regionalUnion.Trim();
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

        var settings = options.Value;
        var managers = people.Count(p => p.IsManager);
        var employees = people.Count - managers;
        var unions = people.GroupBy(p => p.RegionalUnion).OrderBy(g => g.Key)
            .Select(g => new UnionTargets(g.Key!, g.Count(p => !p.IsManager), g.Count(p => p.IsManager))).ToList();
        return TypedResults.Ok(new TargetsResponse(year, Line(employees, settings.TargetEmployees),
            Line(managers, settings.TargetManagers), unions));
    }

    private static TargetLine Line(int people, int target) =>
        new(people, target, target == 0 ? 0 : Math.Round(100m * people / target, 1));
}
