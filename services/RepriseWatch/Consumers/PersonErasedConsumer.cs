using MassTransit;
using Microsoft.EntityFrameworkCore;
using Scop.Aspire.Contracts.Membership;
using Scop.Aspire.RepriseWatch.Data;
using Scop.Aspire.ServiceDefaults.Data;
using Scop.Aspire.ServiceDefaults.Messaging;

namespace Scop.Aspire.RepriseWatch.Consumers;

/// <summary>
/// Erasure: wherever the watch names the person — as a reporter, in an opportunity's history, as a person of the
/// register, as a candidate proposed or the delegate who proposed one — one random stand-in takes their place, so the
/// counts stay right and nothing leads back to them; they leave the pool of future managers. Kept idempotent answers
/// that named them keep only their status, and the outbox keeps no copy of events about them.
/// </summary>
public sealed class PersonErasedConsumer(RepriseWatchDbContext db, TimeProvider time)
    : InboxConsumer<PersonErased, RepriseWatchDbContext>(db, time)
{
    protected override async Task HandleAsync(ConsumeContext<PersonErased> context, CancellationToken ct)
    {
        var person = context.Message.PersonId;
        var standIn = Guid.NewGuid();
        await Db.Database.ExecuteSqlAsync(
            $"UPDATE opportunity_reporters SET person_id = {standIn} WHERE person_id = {person}", ct);
        await Db.Database.ExecuteSqlAsync(
            $"UPDATE opportunity_moves SET actor_person_id = {standIn} WHERE actor_person_id = {person}", ct);
        await Db.Database.ExecuteSqlAsync(
            $"UPDATE candidate_proposals SET person_id = {standIn} WHERE person_id = {person}", ct);
        await Db.Database.ExecuteSqlAsync(
            $"UPDATE candidate_proposals SET proposed_by_person_id = {standIn} WHERE proposed_by_person_id = {person}", ct);
        // Out of the pool: an erased person is nobody's candidate.
        await Db.Database.ExecuteSqlAsync($"DELETE FROM pool_volunteers WHERE person_id = {person}", ct);
        await Db.Database.ExecuteSqlAsync(
            $"UPDATE people SET id = {standIn}, erased = true WHERE id = {person}", ct);
        await Db.ForgetPersonAsync(person, ct);
    }
}
