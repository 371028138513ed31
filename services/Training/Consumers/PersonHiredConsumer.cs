using MassTransit;
using Microsoft.EntityFrameworkCore;
using Scop.Aspire.Contracts.Membership;
using Scop.Aspire.Contracts.Training;
using Scop.Aspire.ServiceDefaults.Messaging;
using Scop.Aspire.Training.Data;
using Scop.Aspire.Training.Domain;

namespace Scop.Aspire.Training.Consumers;

/// <summary>
/// A new hire is invited to the next welcome day of their regional union — once: the inbox absorbs a redelivered
/// message, and a unique constraint on the person absorbs a second <c>PersonHired</c> with another id.
/// </summary>
public sealed class PersonHiredConsumer(TrainingDbContext db, TimeProvider time)
    : InboxConsumer<PersonHired, TrainingDbContext>(db, time)
{
    protected override async Task HandleAsync(ConsumeContext<PersonHired> context, CancellationToken ct)
    {
        var hired = context.Message;
        var now = Time.GetUtcNow();
        var earliest = DateOnly.FromDateTime(now.UtcDateTime);
        if (hired.HiredOn > earliest)
        {
            earliest = hired.HiredOn;
        }

        var session = await (
                from s in Db.Sessions
                join c in Db.Courses on s.CourseId equals c.Id
                where c.Path == CoursePath.WelcomeDay && s.RegionalUnion == hired.RegionalUnion
                      && s.Status == SessionStatus.Open && s.StartsOn >= earliest
                orderby s.StartsOn, s.Id
                select new { s.Id, s.StartsOn })
            .FirstOrDefaultAsync(ct);

        var invitationId = Guid.CreateVersion7(now);
        var inserted = await Db.Database.ExecuteSqlAsync(
            $"""
            INSERT INTO invitations (id, person_id, cooperative_id, regional_union, hired_on, session_id, invited_at, anonymised)
            VALUES ({invitationId}, {hired.PersonId}, {hired.CooperativeId}, {hired.RegionalUnion}, {hired.HiredOn},
                    {session?.Id}, {now}, false)
            ON CONFLICT (person_id) DO NOTHING
            """, ct);
        if (inserted == 0)
        {
            return; // invited before
        }

        Db.AddIntegrationEvent(new WelcomeDayInvited(Guid.CreateVersion7(now), now, invitationId, hired.PersonId,
            hired.CooperativeId, hired.RegionalUnion, session?.Id, session?.StartsOn), hired.PersonId.ToString());
    }
}
