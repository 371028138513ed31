using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Scop.Aspire.ServiceDefaults.Security;
using Scop.Aspire.Training.Data;
using Scop.Aspire.Training.Domain;

namespace Scop.Aspire.Training.Features;

/// <summary>
/// Who sees and changes what in training, from the caller's token (<see cref="CallerScope"/>): staff everything; a
/// delegate what belongs to their regional union's people; a cooperative manager what belongs to their cooperative's;
/// everyone what is about themselves (the person of their <c>person_id</c> claim). The union and the cooperative of a
/// booking, an entry or an invitation are those of its people in the membership register, never what a request said.
/// Outside the caller's view a record does not exist (404).
/// </summary>
public static class TrainingAccess
{
    public static CallerScope Scope(this ClaimsPrincipal user) => CallerScope.Of(user);

    /// <summary>Bookings the caller may see; the filter runs in the database.</summary>
    public static IQueryable<Booking> VisibleTo(this IQueryable<Booking> bookings, CallerScope scope)
    {
        if (scope.Nationwide)
        {
            return bookings;
        }

        var unions = scope.RegionalUnions.ToList();
        var cooperatives = scope.Cooperatives.ToList();
        var person = scope.Person ?? Guid.Empty; // Guid.Empty is nobody's id
        // Only the terms that can hold, so that a member's view is an index look-up of their seats.
        return (unions.Count, cooperatives.Count) switch
        {
            (0, 0) => bookings.Where(b => b.Attendees.Any(a => a.PersonId == person)),
            (_, 0) => bookings.Where(b => unions.Contains(b.RegionalUnion) || b.Attendees.Any(a => a.PersonId == person)),
            (0, _) => bookings.Where(b => (b.CooperativeId != null && cooperatives.Contains(b.CooperativeId.Value))
                || b.Attendees.Any(a => a.PersonId == person)),
            _ => bookings.Where(b => unions.Contains(b.RegionalUnion)
                || (b.CooperativeId != null && cooperatives.Contains(b.CooperativeId.Value))
                || b.Attendees.Any(a => a.PersonId == person)),
        };
    }

    /// <summary>The caller may see this booking: theirs, their cooperative's, their union's, or they are staff.</summary>
    public static bool CanSee(this CallerScope scope, Booking booking) =>
        scope.CanRead(booking.RegionalUnion, booking.CooperativeId) || scope.Is(booking.BookedBy)
        || booking.Attendees.Any(a => scope.Is(a.PersonId));

    /// <summary>
    /// The caller may confirm or cancel it: the person who booked it, or the one person booked; their cooperative's
    /// manager; their union's delegate; staff. Someone booked in a group sees the booking but leaves it to its owner.
    /// </summary>
    public static bool CanChange(this CallerScope scope, Booking booking) =>
        scope.CanRead(booking.RegionalUnion, booking.CooperativeId) || scope.Is(booking.BookedBy)
        || (booking.Attendees.Count == 1 && scope.Is(booking.Attendees[0].PersonId));

    /// <summary>Waiting-list entries the caller may see; the filter runs in the database.</summary>
    public static IQueryable<WaitlistEntry> VisibleTo(this IQueryable<WaitlistEntry> entries, CallerScope scope)
    {
        if (scope.Nationwide)
        {
            return entries;
        }

        var unions = scope.RegionalUnions.ToList();
        var cooperatives = scope.Cooperatives.ToList();
        var person = scope.Person ?? Guid.Empty;
        return entries.Where(w => unions.Contains(w.RegionalUnion)
            || (w.CooperativeId != null && cooperatives.Contains(w.CooperativeId.Value))
            || w.BookedBy == person || w.People.Any(p => p.PersonId == person));
    }

    public static bool CanSee(this CallerScope scope, WaitlistEntry entry) =>
        scope.CanRead(entry.RegionalUnion, entry.CooperativeId) || scope.Is(entry.BookedBy)
        || entry.People.Any(p => scope.Is(p.PersonId));

    /// <summary>Welcome-day invitations the caller may see; the filter runs in the database.</summary>
    public static IQueryable<Invitation> VisibleTo(this IQueryable<Invitation> invitations, CallerScope scope)
    {
        if (scope.Nationwide)
        {
            return invitations;
        }

        var unions = scope.RegionalUnions.ToList();
        var cooperatives = scope.Cooperatives.ToList();
        var person = scope.Person ?? Guid.Empty;
        return invitations.Where(i => unions.Contains(i.RegionalUnion) || cooperatives.Contains(i.CooperativeId)
            || i.PersonId == person);
    }

    /// <summary>
    /// The caller may see what is about this person (their passport): themselves, their cooperative's manager, their
    /// union's delegate, staff. A person training does not know is seen by staff only.
    /// </summary>
    public static async Task<bool> CanSeePersonAsync(this CallerScope scope, TrainingDbContext db, Guid personId,
        CancellationToken ct)
    {
        if (scope.Nationwide || scope.Is(personId))
        {
            return true;
        }

        var person = await (
                from p in db.People.AsNoTracking()
                join c in db.Cooperatives on p.CooperativeId equals c.Id
                where p.Id == personId
                select new { p.CooperativeId, c.RegionalUnion })
            .SingleOrDefaultAsync(ct);
        return person is not null && scope.CanRead(person.RegionalUnion, person.CooperativeId);
    }

    public static ProblemHttpResult Forbidden(string title, string detail) => TypedResults.Problem(
        statusCode: StatusCodes.Status403Forbidden, title: title, detail: detail);
}
