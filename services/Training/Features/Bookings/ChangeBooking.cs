using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Scop.Aspire.ServiceDefaults.Security;
using Scop.Aspire.Training.Data;
using Scop.Aspire.Training.Domain;

namespace Scop.Aspire.Training.Features.Bookings;

/// <summary>
/// <c>POST /api/training/bookings/{id}/confirm</c>: a hold (or a waiting-list offer) becomes a booking, if it has not
/// run out. <c>POST /api/training/bookings/{id}/cancel</c>: until <c>Scop:Training:CancellationCutoff</c> before the
/// first day; the seats go to the waiting list. Either by the booking's owner (who booked it, or the one person booked),
/// their cooperative's manager, their union's delegate or staff; outside the caller's view the booking does not exist.
/// </summary>
public static class ChangeBooking
{
    public static RouteGroupBuilder MapChangeBooking(this RouteGroupBuilder group)
    {
        group.MapPost("/bookings/{id:guid}/confirm", ConfirmAsync).WithName("ConfirmBooking").WithSummary("Confirm a hold or an offer")
            .RequireAuthorization(PlatformPolicies.Person);
        group.MapPost("/bookings/{id:guid}/cancel", CancelAsync).WithName("CancelBooking").WithSummary("Cancel a booking before the cut-off")
            .RequireAuthorization(PlatformPolicies.Person);
        return group;
    }

    public static async Task<Results<Ok<BookingResponse>, ProblemHttpResult>> ConfirmAsync(Guid id, ClaimsPrincipal user,
        TrainingDbContext db, SeatLedger ledger, TimeProvider time, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var (booking, refused) = await LockOwnAsync(id, user, ledger, ct);
        if (booking is null)
        {
            return refused!;
        }

        if (booking.Status == BookingStatus.Confirmed)
        {
            return TypedResults.Ok(BookingResponse.From(booking));
        }

        var now = time.GetUtcNow();
        if (booking.Status != BookingStatus.Held || booking.HoldExpiresAt <= now)
        {
            return Problems.Conflict("Hold no longer valid",
                booking.Status == BookingStatus.Held ? "The hold ran out; its seats are being released." : $"The booking is {booking.Status}.");
        }

        booking.Status = BookingStatus.Confirmed;
        booking.ConfirmedAt = now;
        if (booking.WaitlistEntryId is { } entryId && await db.WaitlistEntries.FindAsync([entryId], ct) is { } entry)
        {
            entry.Status = WaitlistStatus.Accepted;
        }

        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return TypedResults.Ok(BookingResponse.From(booking));
    }

    public static async Task<Results<Ok<BookingResponse>, ProblemHttpResult>> CancelAsync(Guid id, ClaimsPrincipal user,
        TrainingDbContext db, SeatLedger ledger, TimeProvider time, IOptions<TrainingOptions> options, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var (booking, refused) = await LockOwnAsync(id, user, ledger, ct);
        if (booking is null)
        {
            return refused!;
        }

        if (booking.Status == BookingStatus.Cancelled)
        {
            return TypedResults.Ok(BookingResponse.From(booking));
        }

        if (booking.Status is not (BookingStatus.Held or BookingStatus.Confirmed))
        {
            return Problems.Conflict("Booking not active", $"The booking is {booking.Status}.");
        }

        var session = await db.Sessions.AsNoTracking().SingleAsync(s => s.Id == booking.SessionId, ct);
        var deadline = session.CancellationDeadline(options.Value.CancellationCutoff);
        if (time.GetUtcNow() > deadline)
        {
            return Problems.Conflict("Too late to cancel", $"Bookings of this session could be cancelled until {deadline:u}.");
        }

        await ledger.EndAsync(booking, BookingStatus.Cancelled, releaseReason: null, ct);
        await transaction.CommitAsync(ct);
        return TypedResults.Ok(BookingResponse.From(booking));
    }

    /// <summary>The booking, locked, if the caller may change it; else a 404 (not theirs to see) or a 403 (theirs to see only).</summary>
    private static async Task<(Booking?, ProblemHttpResult?)> LockOwnAsync(Guid id, ClaimsPrincipal user, SeatLedger ledger,
        CancellationToken ct)
    {
        var booking = await ledger.LockBookingAsync(id, ct);
        var scope = user.Scope();
        if (booking is null || !scope.CanSee(booking))
        {
            return (null, Problems.NotFound("Booking", id));
        }

        return scope.CanChange(booking)
            ? (booking, null)
            : (null, TrainingAccess.Forbidden("Not your booking to change",
                "A group's booking is confirmed or cancelled by whoever booked it, the cooperative's manager, a delegate of its regional union or staff."));
    }
}
