using Microsoft.EntityFrameworkCore;
using Scop.Aspire.ServiceDefaults.Http;
using Scop.Aspire.Training.Data;
using Scop.Aspire.Training.Domain;
using Scop.Aspire.ServiceDefaults;

namespace Scop.Aspire.Training.Features.Bookings;

/// <summary>
/// The people of a booking as the membership register made them known to training (<see cref="KnownPerson"/>): who
/// they are, which cooperative they work for and its regional union, and how big that cooperative is.
/// </summary>
public static class RegisteredPeople
{
    /// <summary>
    /// Checks that every person is one the register knows and who still works for their cooperative, and that they all
    /// work for the same one; each failure is a field error. Returns that cooperative and its regional union.
    /// </summary>
    /// <param name="people">The attendees, in the order of the request's <c>attendees</c> (errors are named by position).</param>
    public static async Task<(Guid Cooperative, string RegionalUnion)> CheckAsync(TrainingDbContext db,
        IReadOnlyList<WaitingPerson> people, TimeProvider time, ValidationErrors errors, CancellationToken ct)
    {
        var ids = people.Select(p => p.PersonId).ToList();
        var known = await (
                from p in db.People.AsNoTracking()
                join c in db.Cooperatives on p.CooperativeId equals c.Id
                where ids.Contains(p.Id) && !p.Erased
                select new { p.Id, p.CooperativeId, p.LeftOn, c.RegionalUnion })
            .ToDictionaryAsync(p => p.Id, ct);
        var today = ParisCalendar.Today(time);
        for (var i = 0; i < people.Count; i++)
        {
            if (!known.TryGetValue(people[i].PersonId, out var person))
            {
                errors.Add($"attendees[{i}].personId",
                    "No person of the membership register has this id: people are booked by the id the register gave them when they were hired.");
            }
            else if (person.LeftOn is { } left && left <= today)
            {
                errors.Add($"attendees[{i}].personId", $"This person left their cooperative on {left:yyyy-MM-dd}.");
            }
        }

        if (!errors.IsValid)
        {
            return default;
        }

        var cooperatives = known.Values.Select(p => (p.CooperativeId, p.RegionalUnion)).Distinct().ToList();
        if (cooperatives.Count > 1)
        {
            errors.Add("attendees", "One booking is for the people of one cooperative: book each cooperative's people apart.");
            return default;
        }

        return cooperatives[0];
    }

    /// <summary>
    /// The cooperative's size as the register says: the headcount it declared, or the people it has hired who still work
    /// there, whichever is larger (a cooperative is small for the mutual fund only if both say so).
    /// </summary>
    public static async Task<int> HeadcountAsync(TrainingDbContext db, Guid cooperative, TimeProvider time, CancellationToken ct)
    {
        var today = ParisCalendar.Today(time);
        var declared = await db.Cooperatives.Where(c => c.Id == cooperative).Select(c => c.DeclaredHeadcount)
            .SingleOrDefaultAsync(ct);
        var working = await db.People.CountAsync(p => p.CooperativeId == cooperative && (p.LeftOn == null || p.LeftOn > today), ct);
        return Math.Max(declared ?? 0, working);
    }
}
