using MassTransit;
using Microsoft.EntityFrameworkCore;
using Scop.Aspire.Contracts.Membership;
using Scop.Aspire.ServiceDefaults.Data;
using Scop.Aspire.ServiceDefaults.Messaging;
using Scop.Aspire.Training.Data;

namespace Scop.Aspire.Training.Consumers;

/// <summary>
/// Erasure: the person's bookings, passport, waiting-list places, fund usage, invitation and place in their
/// cooperative's headcount keep their numbers (seats, money, targets, people) but point to a random stand-in instead of
/// the person — one stand-in for all of them, so the person still counts once — and no certificate number remains.
/// The stand-in cannot be booked. Kept idempotent answers that named the person (a booking's) keep only their status,
/// and the outbox keeps no copy of events about them (their invitation, completions, releases) once published.
/// </summary>
public sealed class PersonErasedConsumer(TrainingDbContext db, TimeProvider time)
    : InboxConsumer<PersonErased, TrainingDbContext>(db, time)
{
    protected override async Task HandleAsync(ConsumeContext<PersonErased> context, CancellationToken ct)
    {
        var person = context.Message.PersonId;
        var standIn = Guid.NewGuid();
        await Db.Database.ExecuteSqlAsync(
            $"UPDATE attendees SET person_id = {standIn}, certificate_number = NULL, anonymised = true WHERE person_id = {person}", ct);
        await Db.Database.ExecuteSqlAsync(
            $"UPDATE bookings SET booked_by = NULL WHERE booked_by = {person}", ct);
        await Db.Database.ExecuteSqlAsync(
            $"UPDATE fund_person_usage SET person_id = {standIn} WHERE person_id = {person}", ct);
        await Db.Database.ExecuteSqlAsync(
            $"UPDATE people SET id = {standIn}, erased = true WHERE id = {person}", ct);
        await Db.Database.ExecuteSqlAsync(
            $"UPDATE invitations SET person_id = {standIn}, anonymised = true WHERE person_id = {person}", ct);
        await Db.Database.ExecuteSqlAsync(
            $$"""
            UPDATE waitlist_entries SET booked_by = CASE WHEN booked_by = {{person}} THEN NULL ELSE booked_by END,
                people = (SELECT jsonb_agg(CASE WHEN (p->>'PersonId')::uuid = {{person}}
                                                THEN jsonb_set(p, '{PersonId}', to_jsonb({{standIn}}::text)) ELSE p END)
                          FROM jsonb_array_elements(people) p)
            WHERE booked_by = {{person}} OR people @> jsonb_build_array(jsonb_build_object('PersonId', {{person}}::text))
            """, ct);
        await Db.ForgetPersonAsync(person, ct);
    }
}
