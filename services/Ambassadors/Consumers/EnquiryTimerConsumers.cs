using MassTransit;
using Microsoft.EntityFrameworkCore;
using Scop.Aspire.Ambassadors.Data;
using Scop.Aspire.Ambassadors.Domain;
using Scop.Aspire.Contracts.Ambassadors;
using Scop.Aspire.ServiceDefaults.Messaging;

namespace Scop.Aspire.Ambassadors.Consumers;

/// <summary>
/// An enquiry's deadline passed (inbox-protected, so applied once): still unanswered, it is escalated — to the union's
/// delegates at the first deadline, to federation staff at the second — by <c>EnquiryEscalated</c>. Answered or
/// withdrawn, nothing happens.
/// </summary>
public sealed class EnquiryDeadlineConsumer(AmbassadorsDbContext db, TimeProvider time)
    : InboxConsumer<EnquiryDeadlineDue, AmbassadorsDbContext>(db, time)
{
    protected override async Task HandleAsync(ConsumeContext<EnquiryDeadlineDue> context, CancellationToken ct)
    {
        var due = context.Message;
        var enquiry = await Db.Enquiries.FromSql($"SELECT *, xmin FROM enquiries WHERE id = {due.EnquiryId} FOR UPDATE")
            .SingleOrDefaultAsync(ct);
        if (enquiry is not { Status: EnquiryStatus.Received })
        {
            return;
        }

        var now = Time.GetUtcNow();
        if (due.Level == EscalationLevels.Union && enquiry.EscalatedToUnionAt is null)
        {
            enquiry.EscalatedToUnionAt = now;
        }
        else if (due.Level == EscalationLevels.Federation && enquiry.EscalatedToFederationAt is null)
        {
            enquiry.EscalatedToFederationAt = now;
        }
        else
        {
            return;
        }

        Db.AddIntegrationEvent(new EnquiryEscalated(Guid.CreateVersion7(now), now, enquiry.Id, enquiry.AmbassadeId,
            enquiry.RegionalUnion, due.Level, due.DueOn), enquiry.Id.ToString());
    }
}
