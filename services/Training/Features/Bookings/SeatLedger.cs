using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Scop.Aspire.Contracts.Training;
using Scop.Aspire.ServiceDefaults.Messaging;
using Scop.Aspire.Training.Data;
using Scop.Aspire.Training.Domain;

namespace Scop.Aspire.Training.Features.Bookings;

public enum TakeOutcome
{
    Taken,
    SessionNotFound,
    SessionNotOpen,
    Full,
}

/// <summary>
/// Seats and money, counted in PostgreSQL and nowhere else. Every change is a conditional update that the database
/// applies only where the seats (or the money) are left, inside the caller's transaction with the booking rows, so
/// no number of concurrent requests or service replicas can take one seat or one cent too many, and a failure leaves
/// nothing half-written. Lock order, everywhere: booking, session, people's fund usage (by id), fund.
/// </summary>
public sealed class SeatLedger(TrainingDbContext db, TimeProvider time, IOptions<TrainingOptions> options)
{
    private readonly TrainingOptions settings = options.Value;

    /// <summary>Takes <paramref name="seats"/> seats of an open session if they are all free; else takes none.</summary>
    public async Task<TakeOutcome> TryTakeAsync(Guid sessionId, int seats, CancellationToken ct)
    {
        var taken = await db.Database.SqlQuery<int>(
            $"""
            UPDATE sessions SET seats_taken = seats_taken + {seats}
            WHERE id = {sessionId} AND status = 'Open' AND seats_taken + {seats} <= capacity
            RETURNING seats_taken AS "Value"
            """).ToListAsync(ct);
        if (taken.Count == 1)
        {
            return TakeOutcome.Taken;
        }

        var status = await db.Sessions.Where(s => s.Id == sessionId).Select(s => (SessionStatus?)s.Status)
            .SingleOrDefaultAsync(ct);
        return status switch
        {
            null => TakeOutcome.SessionNotFound,
            SessionStatus.Open => TakeOutcome.Full,
            _ => TakeOutcome.SessionNotOpen,
        };
    }

    public Task ReleaseAsync(Guid sessionId, int seats, CancellationToken ct) =>
        db.Database.ExecuteSqlAsync($"UPDATE sessions SET seats_taken = seats_taken - {seats} WHERE id = {sessionId}", ct);

    /// <summary>Locks a booking row for a state change; concurrent changes of one booking wait for each other.</summary>
    public async Task<Booking?> LockBookingAsync(Guid bookingId, CancellationToken ct)
    {
        var booking = await db.Bookings.FromSql($"SELECT * FROM bookings WHERE id = {bookingId} FOR UPDATE")
            .SingleOrDefaultAsync(ct);
        if (booking is not null)
        {
            await db.Entry(booking).Collection(b => b.Attendees).LoadAsync(ct);
        }

        return booking;
    }

    /// <summary>A new hold: the seats must have been taken in this transaction. Sets its durable expiry timer.</summary>
    public Booking AddHold(Guid sessionId, IReadOnlyList<WaitingPerson> people, string regionalUnion, Guid? cooperativeId,
        Guid? bookedBy, TimeSpan holdFor, Guid? waitlistEntryId = null)
    {
        var now = time.GetUtcNow();
        var booking = new Booking
        {
            Id = Guid.CreateVersion7(now),
            SessionId = sessionId,
            Quantity = people.Count,
            Status = BookingStatus.Held,
            RegionalUnion = regionalUnion,
            CooperativeId = cooperativeId,
            BookedBy = bookedBy,
            CreatedAt = now,
            HoldExpiresAt = now + holdFor,
            WaitlistEntryId = waitlistEntryId,
            Attendees = people.Select(p => new Attendee { PersonId = p.PersonId, Role = p.Role, Status = AttendeeStatus.Booked }).ToList(),
        };
        db.Bookings.Add(booking);
        db.AddIntegrationEvent(new HoldExpiryDue(Guid.CreateVersion7(now), now, booking.Id), booking.Id.ToString(),
            notBefore: booking.HoldExpiresAt);
        return booking;
    }

    /// <summary>
    /// Ends a held or confirmed booking (cancelled, expired, released): gives its seats and its fund money back, and
    /// offers the seats to the waiting list. The booking must be locked.
    /// </summary>
    public async Task EndAsync(Booking booking, BookingStatus outcome, string? releaseReason, CancellationToken ct,
        bool promote = true)
    {
        var now = time.GetUtcNow();
        booking.Status = outcome;
        booking.EndedAt = now;
        await ReleaseAsync(booking.SessionId, booking.Quantity, ct);
        await ReleaseFundingAsync(booking, ct);
        if (booking.WaitlistEntryId is { } entryId && outcome != BookingStatus.Cancelled
            && await db.WaitlistEntries.FindAsync([entryId], ct) is { Status: WaitlistStatus.Offered } entry)
        {
            entry.Status = outcome == BookingStatus.Expired ? WaitlistStatus.Expired : WaitlistStatus.Closed;
        }

        if (releaseReason is not null)
        {
            db.AddIntegrationEvent(new BookingReleased(Guid.CreateVersion7(now), now, booking.Id, booking.SessionId,
                releaseReason, booking.Attendees.Select(a => a.PersonId).ToList()), booking.Id.ToString());
        }

        await db.SaveChangesAsync(ct);
        if (promote)
        {
            await PromoteWaitlistAsync(booking.SessionId, ct);
        }
    }

    /// <summary>
    /// Offers free seats to the waiting list, in order of arrival: the first entry whose quantity fits gets its seats
    /// held as a booking for the offer's duration (a durable timer again), then the next, while seats remain.
    /// </summary>
    public async Task<int> PromoteWaitlistAsync(Guid sessionId, CancellationToken ct)
    {
        var offers = 0;
        while (true)
        {
            var next = await db.WaitlistEntries.FromSql(
                    $"""
                    SELECT w.* FROM waitlist_entries w JOIN sessions s ON s.id = w.session_id
                    WHERE w.session_id = {sessionId} AND w.status = 'Waiting' AND s.status = 'Open'
                      AND w.quantity <= s.capacity - s.seats_taken
                    ORDER BY w.sequence LIMIT 1
                    FOR UPDATE OF w SKIP LOCKED
                    """).SingleOrDefaultAsync(ct);
            if (next is null || await TryTakeAsync(sessionId, next.Quantity, ct) != TakeOutcome.Taken)
            {
                return offers;
            }

            var booking = AddHold(sessionId, next.People, next.RegionalUnion, next.CooperativeId, next.BookedBy,
                settings.OfferDuration, next.Id);
            next.Status = WaitlistStatus.Offered;
            next.OfferBookingId = booking.Id;
            next.OfferExpiresAt = booking.HoldExpiresAt;
            var now = time.GetUtcNow();
            db.AddIntegrationEvent(new WaitlistOfferMade(Guid.CreateVersion7(now), now, next.Id, sessionId, booking.Id,
                next.Quantity, booking.HoldExpiresAt!.Value, next.People.Select(p => p.PersonId).ToList()), next.Id.ToString());
            await db.SaveChangesAsync(ct);
            offers++;
        }
    }

    /// <summary>
    /// The mutual fund's decision on a booking for a small cooperative: each person up to the yearly ceiling, all of
    /// it from the year's fund or nothing. Recorded with its reason whatever the outcome.
    /// </summary>
    public async Task<FundingDecision> DecideFundingAsync(Booking booking, Session session, int cooperativeHeadcount,
        CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var year = session.StartsOn.Year;
        var requested = session.PriceCents * booking.Quantity;
        var decision = new FundingDecision
        {
            Id = Guid.CreateVersion7(now),
            Year = year,
            BookingId = booking.Id,
            CooperativeId = booking.CooperativeId,
            RequestedCents = requested,
            DecidedAt = now,
            Outcome = FundingOutcome.Refused,
            Reason = "",
        };
        db.FundingDecisions.Add(decision);

        if (cooperativeHeadcount >= settings.FundMaxHeadcount)
        {
            decision.Reason = $"The cooperative has {cooperativeHeadcount} people; the fund pays for cooperatives under {settings.FundMaxHeadcount}.";
            return decision;
        }

        if (requested == 0)
        {
            decision.Reason = "The session is free of charge.";
            return decision;
        }

        if (!await db.Funds.AnyAsync(f => f.Year == year, ct))
        {
            decision.Reason = $"The fund has no budget for {year}.";
            return decision;
        }

        // Each person's share, within what the ceiling leaves them this year (their usage rows locked, in id order).
        var shares = new Dictionary<Guid, long>();
        foreach (var attendee in booking.Attendees.OrderBy(a => a.PersonId))
        {
            await db.Database.ExecuteSqlAsync(
                $"INSERT INTO fund_person_usage (year, person_id, used_cents) VALUES ({year}, {attendee.PersonId}, 0) ON CONFLICT DO NOTHING", ct);
            var used = (await db.Database.SqlQuery<long>(
                $"SELECT used_cents AS \"Value\" FROM fund_person_usage WHERE year = {year} AND person_id = {attendee.PersonId} FOR UPDATE")
                .ToListAsync(ct)).Single();
            shares[attendee.PersonId] = Math.Max(0, Math.Min(session.PriceCents, settings.FundCeilingPerPersonCents - used));
        }

        var total = shares.Values.Sum();
        if (total == 0)
        {
            decision.Reason = $"Every person has reached the yearly ceiling of {Euros(settings.FundCeilingPerPersonCents)}.";
            return decision;
        }

        var committed = await db.Database.ExecuteSqlAsync(
            $"""
            UPDATE funds SET committed_cents = committed_cents + {total}, updated_at = {now}
            WHERE year = {year} AND committed_cents + {total} <= budget_cents
            """, ct);
        if (committed == 0)
        {
            decision.Reason = $"The {year} fund has less than the {Euros(total)} this booking needs left.";
            return decision;
        }

        foreach (var attendee in booking.Attendees)
        {
            var share = shares[attendee.PersonId];
            attendee.FundedCents = share;
            await db.Database.ExecuteSqlAsync(
                $"UPDATE fund_person_usage SET used_cents = used_cents + {share} WHERE year = {year} AND person_id = {attendee.PersonId}", ct);
        }

        booking.FundedCents = total;
        decision.GrantedCents = total;
        decision.Outcome = total == requested ? FundingOutcome.Granted : FundingOutcome.PartlyGranted;
        decision.Reason = total == requested
            ? $"Granted in full: a cooperative of {cooperativeHeadcount} people, within each person's yearly ceiling."
            : $"Granted {Euros(total)} of {Euros(requested)}: some people are near the yearly ceiling of {Euros(settings.FundCeilingPerPersonCents)}.";
        return decision;
    }

    /// <summary>Gives a booking's fund money back to the fund and to its people's yearly allowance.</summary>
    private async Task ReleaseFundingAsync(Booking booking, CancellationToken ct)
    {
        if (booking.FundedCents == 0)
        {
            return;
        }

        var now = time.GetUtcNow();
        var year = await db.FundingDecisions.Where(d => d.BookingId == booking.Id && d.GrantedCents > 0)
            .Select(d => d.Year).FirstAsync(ct);
        foreach (var attendee in booking.Attendees.Where(a => a.FundedCents > 0).OrderBy(a => a.PersonId))
        {
            await db.Database.ExecuteSqlAsync(
                $"UPDATE fund_person_usage SET used_cents = used_cents - {attendee.FundedCents} WHERE year = {year} AND person_id = {attendee.PersonId}", ct);
            attendee.FundedCents = 0;
        }

        await db.Database.ExecuteSqlAsync(
            $"UPDATE funds SET committed_cents = committed_cents - {booking.FundedCents}, updated_at = {now} WHERE year = {year}", ct);
        db.FundingDecisions.Add(new FundingDecision
        {
            Id = Guid.CreateVersion7(now),
            Year = year,
            BookingId = booking.Id,
            CooperativeId = booking.CooperativeId,
            Outcome = FundingOutcome.Released,
            RequestedCents = 0,
            GrantedCents = -booking.FundedCents,
            Reason = $"The booking ended ({booking.Status}): its {Euros(booking.FundedCents)} went back to the fund.",
            DecidedAt = now,
        });
        booking.FundedCents = 0;
    }

    public static string Euros(long cents) => $"{cents / 100m:0.00} €";
}
