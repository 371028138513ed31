using MassTransit;
using Scop.Aspire.ServiceDefaults.Messaging;
using Scop.Aspire.Training.Data;
using Scop.Aspire.Training.Domain;
using Scop.Aspire.Training.Features.Bookings;

namespace Scop.Aspire.Training.Consumers;

/// <summary>
/// The hold's durable timer went off: if the booking is still an unconfirmed hold (or offer), its seats and fund money
/// are released and offered to the waiting list. A confirmed or cancelled booking is left alone.
/// </summary>
public sealed class HoldExpiryConsumer(TrainingDbContext db, TimeProvider time, SeatLedger ledger)
    : InboxConsumer<HoldExpiryDue, TrainingDbContext>(db, time)
{
    protected override async Task HandleAsync(ConsumeContext<HoldExpiryDue> context, CancellationToken ct)
    {
        var booking = await ledger.LockBookingAsync(context.Message.BookingId, ct);
        if (booking is not { Status: BookingStatus.Held } || booking.HoldExpiresAt > Time.GetUtcNow())
        {
            return;
        }

        await ledger.EndAsync(booking, BookingStatus.Expired, "HoldExpired", ct);
    }
}
