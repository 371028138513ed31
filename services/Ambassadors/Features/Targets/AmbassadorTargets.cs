using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Scop.Aspire.Ambassadors.Data;
using Scop.Aspire.Ambassadors.Domain;
using Scop.Aspire.ReferenceData;
using Scop.Aspire.ServiceDefaults;
using Scop.Aspire.ServiceDefaults.Http;

namespace Scop.Aspire.Ambassadors.Features.Targets;

/// <summary>
/// The labels against the seed's targets: <see cref="Target"/> labelled Ambassades, and <see cref="SharePercent"/> % of
/// the current member cooperatives (<see cref="ShareTarget"/> of <see cref="MemberCooperatives"/>). <see cref="Labelled"/>
/// stands at the end of the year, or now for the current one; <see cref="ByMonth"/> at the end of each month (null for
/// months to come); <see cref="ByRegion"/> by INSEE région, at the same moment as <see cref="Labelled"/>.
/// </summary>
public sealed record AmbassadeTargetFigures(long Labelled, int Target, int SharePercent, long MemberCooperatives, long ShareTarget,
    IReadOnlyList<long?> ByMonth, IReadOnlyDictionary<string, long> ByRegion);

/// <summary>
/// Enquiries received in a period (a month, a région, the year) and how their first answer went: on time (by the
/// <c>dueOn</c> working day), late, not yet answered though due (<see cref="Overdue"/>), still within their deadline
/// (<see cref="Pending"/>), or withdrawn before an answer. <see cref="OnTimePercent"/> is the on-time share of the ones
/// whose deadline has passed or that were answered (null when none).
/// </summary>
public sealed record EnquiryFigures(long Received, long AnsweredOnTime, long AnsweredLate, long Overdue, long Pending,
    long WithdrawnUnanswered, double? OnTimePercent);

public sealed record EnquiryTargetFigures(EnquiryFigures Year, IReadOnlyList<EnquiryFigures> ByMonth,
    IReadOnlyDictionary<string, EnquiryFigures> ByRegion);

/// <summary>
/// The inter-SCOP clubs against the seed's <see cref="Target"/>: <see cref="Open"/> (dormant ones included: they are
/// open, and a meeting wakes them) at the end of the year, or now for the current one, of which <see cref="Dormant"/>
/// now; <see cref="ByMonth"/> at the end of each month (null for months to come); <see cref="ByRegion"/> with
/// <see cref="Open"/>.
/// </summary>
public sealed record ClubTargetFigures(long Open, int Target, long Dormant, IReadOnlyList<long?> ByMonth, IReadOnlyDictionary<string, long> ByRegion);

public sealed record AmbassadorTargetsResponse(int Year, string? Region, AmbassadeTargetFigures Ambassades, ClubTargetFigures Clubs,
    EnquiryTargetFigures Enquiries);

/// <summary>
/// <c>GET /api/ambassadors/targets/{year}?region=</c> (anonymous: counts only): the year's labels and clubs against the
/// seed's targets, month by month and by région, and the enquiries answered in time, read live from the labels' history and the
/// enquiries. The portal's Congress dashboard gets the same labels from the events.
/// </summary>
public static class AmbassadorTargets
{
    /// <summary>The seed: 200 Ambassades in four years, 12 % of the network.</summary>
    public const int AmbassadesTarget = 200;

    public const int SharePercent = 12;

    /// <summary>The seed: 50 clubs by the next Congress.</summary>
    public const int ClubsTarget = 50;

    private sealed record MonthRegionCount(int Month, string Region, long Count);

    private sealed record EnquiryRow(int Month, string Region, DateOnly DueOn, DateOnly? AnsweredOn, bool Withdrawn);

    public static RouteHandlerBuilder MapAmbassadorTargets(this RouteGroupBuilder group) =>
        group.MapGet("/targets/{year:int}", GetAsync).WithName("GetAmbassadorTargets")
            .WithSummary("Labelled Ambassades against the targets, and enquiries answered in time, by month and région")
            .AllowAnonymous();

    public static async Task<Results<Ok<AmbassadorTargetsResponse>, ValidationProblem>> GetAsync(int year, AmbassadorsDbContext db,
        FrenchPlaces places, TimeProvider time, CancellationToken ct, string? region = null)
    {
        var errors = new ValidationErrors();
        if (year is < 2000 or > 2200)
        {
            errors.Add("year", "Between 2000 and 2200.");
        }

        region = string.IsNullOrWhiteSpace(region) ? null : region.Trim();
        if (region is not null && !places.IsRegion(region))
        {
            errors.Add("region", "An INSEE région code (e.g. 84 for Auvergne-Rhône-Alpes).");
        }

        if (!errors.IsValid)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        var today = ParisCalendar.Today(time);
        var now = time.GetUtcNow();
        return TypedResults.Ok(new AmbassadorTargetsResponse(year, region,
            await AmbassadesAsync(db, places, year, region, today, now, ct),
            await ClubsAsync(db, year, region, today, ct),
            await EnquiriesAsync(db, year, region, today, ct)));
    }

    /// <summary>
    /// A label is in force at a moment when the last step of its history before then left it labelled (a renewal, a
    /// review of a renewal, a new position keep it so; a suspension, withdrawal or expiry take it out).
    /// </summary>
    private static async Task<AmbassadeTargetFigures> AmbassadesAsync(AmbassadorsDbContext db, FrenchPlaces places, int year,
        string? region, DateOnly today, DateTimeOffset now, CancellationToken ct)
    {
        var currentMonth = today.Year == year ? today.Month : today.Year > year ? 12 : 0;
        var rows = await db.Database.SqlQuery<MonthRegionCount>(
            $"""
            SELECT m.month AS month, a.region AS region, count(*) AS count
            FROM generate_series(1, {currentMonth}) AS m(month)
            CROSS JOIN LATERAL (
                SELECT DISTINCT ON (h.ambassade_id) h.ambassade_id, h.to_status
                FROM ambassade_history h
                WHERE h.at < least(make_timestamptz({year}, m.month, 1, 0, 0, 0, 'Europe/Paris') + interval '1 month', {now})
                ORDER BY h.ambassade_id, h.sequence DESC) AS last
            JOIN ambassades a ON a.id = last.ambassade_id
            WHERE last.to_status = 'Labelled' AND ({region}::text IS NULL OR a.region = {region})
            GROUP BY m.month, a.region
            """).ToListAsync(ct);
        var byMonth = Enumerable.Range(1, 12)
            .Select(m => m <= currentMonth ? rows.Where(r => r.Month == m).Sum(r => r.Count) : (long?)null).ToList();
        var standing = rows.Where(r => r.Month == currentMonth).ToDictionary(r => r.Region, r => r.Count);

        // The register's cooperatives whose membership is current, as membership's events told the service.
        var communes = await db.Cooperatives.AsNoTracking()
            .Where(c => c.Name != "" && c.MembershipTermEndsOn != null && !c.MembershipLapsed)
            .Select(c => c.CommuneCode).ToListAsync(ct);
        var members = region is null ? communes.Count : communes.Count(c => places.FindCommune(c)?.Commune.Region == region);
        return new AmbassadeTargetFigures(standing.Values.Sum(), AmbassadesTarget, SharePercent, members,
            (long)Math.Ceiling(members * SharePercent / 100.0), byMonth, standing);
    }

    /// <summary>A club is open at the end of a month when it opened by then and had not closed.</summary>
    private static async Task<ClubTargetFigures> ClubsAsync(AmbassadorsDbContext db, int year, string? region, DateOnly today,
        CancellationToken ct)
    {
        var currentMonth = today.Year == year ? today.Month : today.Year > year ? 12 : 0;
        var yearEnd = new DateOnly(year, 12, 31);
        var clubs = await db.Clubs.AsNoTracking()
            .Where(c => c.OpenedOn <= yearEnd && (c.ClosedOn == null || c.ClosedOn > new DateOnly(year, 1, 1)))
            .Where(c => region == null || c.Region == region)
            .Select(c => new { c.Region, c.OpenedOn, c.ClosedOn, c.Status }).ToListAsync(ct);
        bool OpenAt(DateOnly day, DateOnly openedOn, DateOnly? closedOn) => openedOn <= day && (closedOn is null || closedOn > day);
        DateOnly EndOf(int month) => month == currentMonth && today.Year == year ? today : new DateOnly(year, month, 1).AddMonths(1).AddDays(-1);
        var byMonth = Enumerable.Range(1, 12)
            .Select(m => m <= currentMonth ? clubs.LongCount(c => OpenAt(EndOf(m), c.OpenedOn, c.ClosedOn)) : (long?)null).ToList();
        var standing = currentMonth == 0 ? [] : clubs.Where(c => OpenAt(EndOf(currentMonth), c.OpenedOn, c.ClosedOn)).ToList();
        return new ClubTargetFigures(standing.Count, ClubsTarget, standing.LongCount(c => c.Status == ClubStatus.Dormant), byMonth,
            standing.GroupBy(c => c.Region).OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.LongCount()));
    }

    private static async Task<EnquiryTargetFigures> EnquiriesAsync(AmbassadorsDbContext db, int year, string? region, DateOnly today,
        CancellationToken ct)
    {
        var rows = await db.Database.SqlQuery<EnquiryRow>(
            $"""
            SELECT extract(month FROM e.received_at AT TIME ZONE 'Europe/Paris')::int AS month, a.region AS region,
                   e.due_on AS due_on, (e.answered_at AT TIME ZONE 'Europe/Paris')::date AS answered_on,
                   e.status = 'Withdrawn' AS withdrawn
            FROM enquiries e JOIN ambassades a ON a.id = e.ambassade_id
            WHERE e.received_at >= make_timestamptz({year}, 1, 1, 0, 0, 0, 'Europe/Paris')
              AND e.received_at < make_timestamptz({year + 1}, 1, 1, 0, 0, 0, 'Europe/Paris')
              AND ({region}::text IS NULL OR a.region = {region})
            """).ToListAsync(ct);
        EnquiryFigures Figures(IEnumerable<EnquiryRow> of)
        {
            var list = of.ToList();
            var onTime = list.Count(e => e.AnsweredOn is { } on && on <= e.DueOn);
            var late = list.Count(e => e.AnsweredOn is { } on && on > e.DueOn);
            var unanswered = list.Where(e => e.AnsweredOn is null && !e.Withdrawn).ToList();
            var overdue = unanswered.Count(e => today > e.DueOn);
            var decided = onTime + late + overdue;
            return new EnquiryFigures(list.Count, onTime, late, overdue, unanswered.Count - overdue,
                list.Count(e => e.AnsweredOn is null && e.Withdrawn), decided == 0 ? null : Math.Round(100.0 * onTime / decided, 1));
        }

        return new EnquiryTargetFigures(Figures(rows),
            Enumerable.Range(1, 12).Select(m => Figures(rows.Where(r => r.Month == m))).ToList(),
            rows.GroupBy(r => r.Region).OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => Figures(g)));
    }
}
