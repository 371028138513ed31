using MassTransit;
using Microsoft.EntityFrameworkCore;
using Scop.Aspire.Contracts.Membership;
using Scop.Aspire.PartnerHooks.Data;
using Scop.Aspire.PartnerHooks.Payloads;
using Scop.Aspire.ServiceDefaults.Data;
using Scop.Aspire.ServiceDefaults.Messaging;

namespace Scop.Aspire.PartnerHooks.Consumers;

/// <summary>
/// A person's erasure: the stored bodies of the deliveries that carried their data (benefit enrolments) keep nothing
/// of them, so neither the delivery log nor a replay holds or sends anything personal; a delivery not yet made is not
/// made. The deliveries, their attempts and their webhook ids stay, for the partner's and the operators' records.
/// </summary>
public sealed class PersonErasedConsumer(PartnerHooksDbContext db, TimeProvider time)
    : InboxConsumer<PersonErased, PartnerHooksDbContext>(db, time)
{
    protected override async Task HandleAsync(ConsumeContext<PersonErased> context, CancellationToken ct)
    {
        var person = context.Message.PersonId;
        var now = Time.GetUtcNow();
        foreach (var delivery in await Db.Deliveries.Where(d => d.PersonId == person).ToListAsync(ct))
        {
            delivery.ErasePersonalData(PayloadMappers.WithoutPersonalData(delivery.EventType, delivery.Body), now);
        }

        await Db.ForgetPersonAsync(person, ct);
    }
}
