using Scop.Aspire.Training.Domain;

namespace Scop.Aspire.Training.Features.Bookings;

public sealed record AttendeeResponse(Guid PersonId, AttendeeRole Role, AttendeeStatus Status, long FundedCents,
    string? CertificateNumber);

public sealed record BookingResponse(Guid Id, Guid SessionId, int Quantity, BookingStatus Status, string RegionalUnion,
    Guid? CooperativeId, Guid? BookedBy, DateTimeOffset CreatedAt, DateTimeOffset? HoldExpiresAt,
    DateTimeOffset? ConfirmedAt, Guid? WaitlistEntryId, long FundedCents, IReadOnlyList<AttendeeResponse> Attendees,
    FundingDecisionResponse? Funding = null)
{
    public static BookingResponse From(Booking b, FundingDecision? funding = null) => new(b.Id, b.SessionId, b.Quantity,
        b.Status, b.RegionalUnion, b.CooperativeId, b.BookedBy, b.CreatedAt,
        b.Status == BookingStatus.Held ? b.HoldExpiresAt : null, b.ConfirmedAt, b.WaitlistEntryId, b.FundedCents,
        b.Attendees.OrderBy(a => a.PersonId)
            .Select(a => new AttendeeResponse(a.PersonId, a.Role, a.Status, a.FundedCents, a.CertificateNumber)).ToList(),
        funding is null ? null : FundingDecisionResponse.From(funding));
}

public sealed record FundingDecisionResponse(Guid Id, int Year, Guid BookingId, Guid? CooperativeId, FundingOutcome Outcome,
    long RequestedCents, long GrantedCents, string Reason, DateTimeOffset DecidedAt)
{
    public static FundingDecisionResponse From(FundingDecision d) => new(d.Id, d.Year, d.BookingId, d.CooperativeId,
        d.Outcome, d.RequestedCents, d.GrantedCents, d.Reason, d.DecidedAt);
}

public sealed record WaitlistEntryResponse(Guid Id, Guid SessionId, int Quantity, WaitlistStatus Status, int? Position,
    DateTimeOffset CreatedAt, Guid? OfferBookingId, DateTimeOffset? OfferExpiresAt, string? LeaveLink = null);
