using System.Diagnostics;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
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

    /// <summary>A remote session, and the request named no regional union for the people booked.</summary>
    RegionalUnionRequired,

    /// <summary>The course has prerequisites: check the people, then ask again with <see cref="HoldRequest.PrerequisitesChecked"/>.</summary>
    PrerequisitesToCheck,
}

/// <summary>
/// A hold to take: seats for <paramref name="People"/> of <paramref name="CooperativeId"/> until <paramref name="HoldFor"/>
/// from now. The people count for their cooperative's union as training holds it when the hold is taken; for a
/// cooperative it does not know, <paramref name="RegionalUnion"/>, else the session's own.
/// </summary>
public sealed record HoldRequest(Guid SessionId, IReadOnlyList<WaitingPerson> People, string? RegionalUnion,
    Guid? CooperativeId, Guid? BookedBy, TimeSpan HoldFor, Guid? WaitlistEntryId = null, bool PrerequisitesChecked = false);

/// <summary>What a session asks of a booking, as the hold statement found it.</summary>
public sealed record SessionTerms(Guid CourseId, string? RegionalUnion, DateOnly StartsOn, long PriceCents,
    IReadOnlyList<Guid> Prerequisites);

/// <summary>The outcome of <see cref="SeatLedger.HoldAsync"/>: the booking when taken, the session's terms when it exists.</summary>
public sealed record HoldResult(TakeOutcome Outcome, Booking? Booking, SessionTerms? Session);

/// <summary>
/// Seats and money, counted in PostgreSQL and nowhere else. Every change is a conditional update that the database
/// applies only where the seats (or the money) are left, inside the caller's transaction with the booking rows, so
/// no number of concurrent requests or service replicas can take one seat or one cent too many, and a failure leaves
/// nothing half-written. Lock order, everywhere: booking, session, people's fund usage (by id), fund.
/// </summary>
public sealed class SeatLedger(TrainingDbContext db, TimeProvider time, IOptions<TrainingOptions> options)
{
    private readonly TrainingOptions settings = options.Value;

    /// <summary>
    /// A new hold in one statement, so one round trip: it reads the session and its course, takes the seats of an
    /// open session if they are all free, and writes the booking, its people and its durable expiry timer (an outbox
    /// row published at <see cref="Booking.HoldExpiresAt"/>). The session row stays locked only while PostgreSQL runs
    /// that statement and commits, never across a round trip to this process, so concurrent holds on one session
    /// follow each other at the database's pace. Outside a transaction the statement commits by itself; inside one
    /// (an idempotent request, the fund's decision, a waiting-list offer) it joins it. When the seats are not taken
    /// nothing is written, and the outcome says why; a course with prerequisites is never held before the caller has
    /// checked them.
    /// </summary>
    public async Task<HoldResult> HoldAsync(HoldRequest request, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var id = Guid.CreateVersion7(now);
        var timer = new HoldExpiryDue(Guid.CreateVersion7(now), now, id);
        var trace = Activity.Current;

        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var command = new NpgsqlCommand(HoldStatement, (NpgsqlConnection)db.Database.GetDbConnection(),
                (NpgsqlTransaction?)db.Database.CurrentTransaction?.GetDbTransaction());
            var parameters = command.Parameters;
            parameters.Add(new NpgsqlParameter<Guid>("session", request.SessionId));
            parameters.Add(new NpgsqlParameter<int>("quantity", request.People.Count));
            parameters.Add(Nullable("union", NpgsqlDbType.Varchar, request.RegionalUnion));
            parameters.Add(new NpgsqlParameter<bool>("prerequisites_checked", request.PrerequisitesChecked));
            parameters.Add(new NpgsqlParameter<Guid>("booking", id));
            parameters.Add(Nullable("cooperative", NpgsqlDbType.Uuid, request.CooperativeId));
            parameters.Add(Nullable("booked_by", NpgsqlDbType.Uuid, request.BookedBy));
            parameters.Add(new NpgsqlParameter<DateTimeOffset>("now", now));
            parameters.Add(new NpgsqlParameter<DateTimeOffset>("expires", now + request.HoldFor));
            parameters.Add(Nullable("waitlist_entry", NpgsqlDbType.Uuid, request.WaitlistEntryId));
            parameters.Add(new NpgsqlParameter<Guid[]>("people", request.People.Select(p => p.PersonId).ToArray()));
            parameters.Add(new NpgsqlParameter<string[]>("roles", request.People.Select(p => p.Role.ToString()).ToArray()));
            parameters.Add(new NpgsqlParameter<Guid>("timer", timer.EventId));
            parameters.Add(new NpgsqlParameter<string>("timer_type", Outbox.TypeName(typeof(HoldExpiryDue))));
            parameters.Add(new NpgsqlParameter<string>("timer_body", NpgsqlDbType.Jsonb)
            {
                TypedValue = JsonSerializer.Serialize(timer, Outbox.SerializerOptions),
            });
            parameters.Add(Nullable("trace_parent", NpgsqlDbType.Varchar,
                trace?.IdFormat == ActivityIdFormat.W3C ? trace.Id : null));
            parameters.Add(Nullable("trace_state", NpgsqlDbType.Varchar, trace?.TraceStateString));

            bool taken, fits;
            SessionTerms? terms = null;
            string? status;
            await using (var reader = await command.ExecuteReaderAsync(ct))
            {
                await reader.ReadAsync(ct);
                taken = reader.GetBoolean(0);
                status = reader.IsDBNull(1) ? null : reader.GetString(1);
                fits = !reader.IsDBNull(2) && reader.GetBoolean(2);
                if (status is not null)
                {
                    terms = new SessionTerms(reader.GetGuid(4), reader.IsDBNull(3) ? null : reader.GetString(3),
                        reader.GetFieldValue<DateOnly>(5), reader.GetInt64(6), reader.GetFieldValue<Guid[]>(7));
                }
            }

            if (taken)
            {
                return new HoldResult(TakeOutcome.Taken, NewBooking(id, request, terms!.RegionalUnion!, now), terms);
            }

            // Nothing taken, nothing written. The session as the statement found it says why, unless its seats would
            // have fitted: then a concurrent change (other holds, a status change) decided, and the latest state says.
            var outcome = terms is null ? TakeOutcome.SessionNotFound
                : terms.RegionalUnion is null ? TakeOutcome.RegionalUnionRequired
                : !request.PrerequisitesChecked && terms.Prerequisites.Count > 0 ? TakeOutcome.PrerequisitesToCheck
                : status != nameof(SessionStatus.Open) ? TakeOutcome.SessionNotOpen
                : !fits ? TakeOutcome.Full
                : await WhyNotTakenAsync(request.SessionId, ct);
            return new HoldResult(outcome, null, terms);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>
    /// The hold statement. Data-modifying CTEs run against one snapshot: <c>cooperative</c> reads the people's
    /// cooperative under a key-share lock (a move of the cooperative to another union waits for this booking, or this
    /// booking for the move and then reads the new union), <c>found</c> reads the session and its course as they were, <c>taken</c> is the conditional seat counter (the check constraint backs it up; a concurrent
    /// holder of the row makes it wait, then it checks the row again), and the inserts select from <c>taken</c>, so
    /// they write nothing unless the seats were taken. The foreign keys are checked at the end of the statement, when
    /// the booking row exists. The timer's outbox row numbers itself from the sequence (a single row).
    /// </summary>
    private const string HoldStatement = $"""
        WITH cooperative AS (
            SELECT regional_union FROM cooperatives WHERE id = @cooperative FOR KEY SHARE),
        found AS (
            SELECT s.status, s.seats_taken + @quantity <= s.capacity AS fits,
                   coalesce((SELECT regional_union FROM cooperative), @union, s.regional_union) AS regional_union,
                   s.course_id, s.starts_on, s.price_cents, c.prerequisites
            FROM sessions s JOIN courses c ON c.id = s.course_id
            WHERE s.id = @session),
        taken AS (
            UPDATE sessions s SET seats_taken = s.seats_taken + @quantity
            FROM found
            WHERE s.id = @session AND s.status = 'Open' AND s.seats_taken + @quantity <= s.capacity
              AND found.regional_union IS NOT NULL AND (@prerequisites_checked OR cardinality(found.prerequisites) = 0)
            RETURNING s.id, found.regional_union),
        booking AS (
            INSERT INTO bookings (id, session_id, quantity, status, cooperative_id, regional_union, booked_by, created_at,
                                  hold_expires_at, waitlist_entry_id, funded_cents)
            SELECT @booking, id, @quantity, 'Held', @cooperative, regional_union, @booked_by, @now, @expires, @waitlist_entry, 0
            FROM taken
            RETURNING id),
        people AS (
            INSERT INTO attendees (booking_id, person_id, role, status, funded_cents, anonymised)
            SELECT booking.id, p.person_id, p.role, 'Booked', 0, false
            FROM booking CROSS JOIN unnest(@people, @roles) AS p (person_id, role)),
        timer AS (
            INSERT INTO {MessagingModel.OutboxTable} (id, aggregate_id, message_type, body, trace_parent, trace_state,
                                                     created_at, not_before, attempts)
            SELECT @timer, id::text, @timer_type, @timer_body, @trace_parent, @trace_state, @now, @expires, 0
            FROM booking)
        SELECT EXISTS (SELECT FROM taken), f.status, f.fits, f.regional_union, f.course_id, f.starts_on, f.price_cents,
               f.prerequisites
        FROM (SELECT) AS one LEFT JOIN found f ON true
        """;

    private static Booking NewBooking(Guid id, HoldRequest request, string regionalUnion, DateTimeOffset now) => new()
    {
        Id = id,
        SessionId = request.SessionId,
        Quantity = request.People.Count,
        Status = BookingStatus.Held,
        RegionalUnion = regionalUnion,
        CooperativeId = request.CooperativeId,
        BookedBy = request.BookedBy,
        CreatedAt = now,
        HoldExpiresAt = now + request.HoldFor,
        WaitlistEntryId = request.WaitlistEntryId,
        Attendees = request.People
            .Select(p => new Attendee { BookingId = id, PersonId = p.PersonId, Role = p.Role, Status = AttendeeStatus.Booked })
            .ToList(),
    };

    private static NpgsqlParameter Nullable(string name, NpgsqlDbType type, object? value) =>
        new(name, type) { Value = value ?? DBNull.Value };

    private async Task<TakeOutcome> WhyNotTakenAsync(Guid sessionId, CancellationToken ct)
    {
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
            if (next is null)
            {
                return offers;
            }

            // The entry's people passed the prerequisites when they joined.
            var hold = await HoldAsync(new HoldRequest(sessionId, next.People, next.RegionalUnion, next.CooperativeId,
                next.BookedBy, settings.OfferDuration, next.Id, PrerequisitesChecked: true), ct);
            if (hold.Booking is not { } booking)
            {
                return offers;
            }

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
    public async Task<FundingDecision> DecideFundingAsync(Booking booking, SessionTerms session, int cooperativeHeadcount,
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
