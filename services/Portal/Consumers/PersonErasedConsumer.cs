using MassTransit;
using Microsoft.EntityFrameworkCore;
using Scop.Aspire.Contracts.Membership;
using Scop.Aspire.Portal.Data;
using Scop.Aspire.ServiceDefaults.Data;
using Scop.Aspire.ServiceDefaults.Messaging;

namespace Scop.Aspire.Portal.Consumers;

/// <summary>
/// Erasure: the guide versions the person proposed stay (the guide is the network's), without the link to them; the
/// kept idempotent answers and outbox rows that named them go, as in every service.
/// </summary>
public sealed class PersonErasedConsumer(PortalDbContext db, TimeProvider time)
    : InboxConsumer<PersonErased, PortalDbContext>(db, time)
{
    protected override async Task HandleAsync(ConsumeContext<PersonErased> context, CancellationToken ct)
    {
        var person = context.Message.PersonId;
        await Db.Database.ExecuteSqlAsync(
            $"UPDATE guide_versions SET proposed_by_person = NULL, proposed_by = 'erased' WHERE proposed_by_person = {person}", ct);
        await Db.ForgetPersonAsync(person, ct);
    }
}
