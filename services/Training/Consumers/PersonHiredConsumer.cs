using MassTransit;
using Microsoft.EntityFrameworkCore;
using Scop.Aspire.Contracts.Membership;
using Scop.Aspire.Contracts.Training;
using Scop.Aspire.ServiceDefaults.Messaging;
using Scop.Aspire.Training.Data;
using Scop.Aspire.Training.Domain;
using Scop.Aspire.ServiceDefaults;

namespace Scop.Aspire.Training.Consumers;

/// <summary>
/// A new hire: training learns the person (only people of the register are booked) and their cooperative's union,
/// and invites them to the next welcome day of that union — once: the inbox absorbs a redelivered message, and unique
/// keys on the person absorb a second <c>PersonHired</c> with another id.
/// </summary>
public sealed class PersonHiredConsumer(TrainingDbContext db, TimeProvider time)
    : InboxConsumer<PersonHired, TrainingDbContext>(db, time)
{
    protected override async Task HandleAsync(ConsumeContext<PersonHired> context, CancellationToken ct)
    {
        var hired = context.Message;
        var union = await RegisterFacts.StateRegionAsync(Db, hired.CooperativeId, hired.RegionalUnion, hired.OccurredAt, ct);
        await Db.Database.ExecuteSqlAsync(
            $"""
            INSERT INTO people (id, cooperative_id, hired_on, left_on, erased, is_manager)
            VALUES ({hired.PersonId}, {hired.CooperativeId}, {hired.HiredOn}, NULL, false, {hired.Role == PersonRoles.Manager})
            ON CONFLICT (id) DO NOTHING
            """, ct);
        var now = Time.GetUtcNow();
        var earliest = ParisCalendar.DateOf(now);
        if (hired.HiredOn > earliest)
        {
            earliest = hired.HiredOn;
        }

        var session = await (
                from s in Db.Sessions
                join c in Db.Courses on s.CourseId equals c.Id
                where c.Path == CoursePath.WelcomeDay && s.RegionalUnion == union
                      && s.Status == SessionStatus.Open && s.StartsOn >= earliest
                orderby s.StartsOn, s.Id
                select new { s.Id, s.StartsOn })
            .FirstOrDefaultAsync(ct);

        var invitationId = Guid.CreateVersion7(now);
        var inserted = await Db.Database.ExecuteSqlAsync(
            $"""
            INSERT INTO invitations (id, person_id, cooperative_id, regional_union, hired_on, session_id, invited_at, anonymised)
            VALUES ({invitationId}, {hired.PersonId}, {hired.CooperativeId}, {union}, {hired.HiredOn},
                    {session?.Id}, {now}, false)
            ON CONFLICT (person_id) DO NOTHING
            """, ct);
        if (inserted == 0)
        {
            return; // invited before
        }

        Db.AddIntegrationEvent(new WelcomeDayInvited(Guid.CreateVersion7(now), now, invitationId, hired.PersonId,
            hired.CooperativeId, union, session?.Id, session?.StartsOn), hired.PersonId.ToString());
    }
}
