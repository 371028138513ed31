using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Scop.Aspire.Training.Data;
using Scop.Aspire.Training.Domain;
using Scop.Aspire.Training.Features.Bookings;
using Scop.Aspire.ServiceDefaults.Security;
using Scop.Aspire.ServiceDefaults;

namespace Scop.Aspire.Training.Features.Sessions;

/// <summary>
/// <c>POST /api/training/sessions/{id}/open|close|held|cancel</c>. Draft → Open ⇄ Closed → Held; any but Held →
/// Cancelled. Cancelling releases every booking (one <c>BookingReleased</c> event each, to notify the people) and
/// closes the waiting list.
/// </summary>
public static class ChangeSessionStatus
{
    public static RouteGroupBuilder MapChangeSessionStatus(this RouteGroupBuilder group)
    {
        group.MapPost("/sessions/{id:guid}/open", (Guid id, TrainingDbContext db, SeatLedger ledger, TimeProvider time, CancellationToken ct) =>
            ChangeAsync(id, SessionStatus.Open, db, ledger, time, ct)).WithName("OpenSession").WithSummary("Open a session for booking")
            .RequireAuthorization(PlatformPolicies.Staff);
        group.MapPost("/sessions/{id:guid}/close", (Guid id, TrainingDbContext db, SeatLedger ledger, TimeProvider time, CancellationToken ct) =>
            ChangeAsync(id, SessionStatus.Closed, db, ledger, time, ct)).WithName("CloseSession").WithSummary("Close a session to new bookings")
            .RequireAuthorization(PlatformPolicies.Staff);
        group.MapPost("/sessions/{id:guid}/held", (Guid id, TrainingDbContext db, SeatLedger ledger, TimeProvider time, CancellationToken ct) =>
            ChangeAsync(id, SessionStatus.Held, db, ledger, time, ct)).WithName("MarkSessionHeld").WithSummary("Record that a session took place")
            .RequireAuthorization(PlatformPolicies.Staff);
        group.MapPost("/sessions/{id:guid}/cancel", (Guid id, TrainingDbContext db, SeatLedger ledger, TimeProvider time, CancellationToken ct) =>
            ChangeAsync(id, SessionStatus.Cancelled, db, ledger, time, ct)).WithName("CancelSession").WithSummary("Cancel a session, releasing every booking")
            .RequireAuthorization(PlatformPolicies.Staff);
        return group;
    }

    private static bool Allowed(SessionStatus from, SessionStatus to) => (from, to) switch
    {
        (SessionStatus.Draft, SessionStatus.Open) => true,
        (SessionStatus.Closed, SessionStatus.Open) => true,
        (SessionStatus.Open, SessionStatus.Closed) => true,
        (SessionStatus.Open or SessionStatus.Closed, SessionStatus.Held) => true,
        (SessionStatus.Draft or SessionStatus.Open or SessionStatus.Closed, SessionStatus.Cancelled) => true,
        _ => false,
    };

    public static async Task<Results<Ok<SessionResponse>, ProblemHttpResult>> ChangeAsync(Guid id, SessionStatus to,
        TrainingDbContext db, SeatLedger ledger, TimeProvider time, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        if (to == SessionStatus.Cancelled)
        {
            // Bookings before their session, as everywhere else, so a hold expiring meanwhile cannot deadlock with us.
            await db.Database.ExecuteSqlAsync(
                $"SELECT 1 FROM bookings WHERE session_id = {id} AND status IN ('Held', 'Confirmed') ORDER BY id FOR UPDATE", ct);
        }

        var session = await db.Sessions.FromSql($"SELECT * FROM sessions WHERE id = {id} FOR UPDATE").SingleOrDefaultAsync(ct);
        if (session is null)
        {
            return Problems.NotFound("Session", id);
        }

        if (session.Status == to)
        {
            return TypedResults.Ok(SessionResponse.From(session));
        }

        if (!Allowed(session.Status, to))
        {
            return Problems.Conflict("Status change not allowed", $"A session that is {session.Status} cannot become {to}.");
        }

        if (to == SessionStatus.Held && session.StartsOn > ParisCalendar.Today(time))
        {
            return Problems.Conflict("Session not started", $"The session starts on {session.StartsOn:yyyy-MM-dd}.");
        }

        session.Status = to;
        if (to == SessionStatus.Cancelled)
        {
            session.CancelledAt = time.GetUtcNow();
            await db.SaveChangesAsync(ct);
            var active = await db.Bookings.Where(b => b.SessionId == id
                    && (b.Status == BookingStatus.Held || b.Status == BookingStatus.Confirmed))
                .Select(b => b.Id).ToListAsync(ct);
            foreach (var bookingId in active)
            {
                var booking = (await ledger.LockBookingAsync(bookingId, ct))!;
                await ledger.EndAsync(booking, BookingStatus.Released, "SessionCancelled", ct, promote: false);
            }

            await db.WaitlistEntries.Where(w => w.SessionId == id && w.Status == WaitlistStatus.Waiting)
                .ExecuteUpdateAsync(w => w.SetProperty(e => e.Status, WaitlistStatus.Closed), ct);
            await db.Entry(session).ReloadAsync(ct);
        }
        else if (to == SessionStatus.Open)
        {
            await db.SaveChangesAsync(ct);
            await ledger.PromoteWaitlistAsync(id, ct); // reopened: free seats go to the waiting list first
            await db.Entry(session).ReloadAsync(ct);
        }

        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return TypedResults.Ok(SessionResponse.From(session));
    }
}
