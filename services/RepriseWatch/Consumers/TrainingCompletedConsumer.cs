using MassTransit;
using Microsoft.EntityFrameworkCore;
using Scop.Aspire.Contracts.Training;
using Scop.Aspire.RepriseWatch.Data;
using Scop.Aspire.ServiceDefaults.Messaging;

namespace Scop.Aspire.RepriseWatch.Consumers;

/// <summary>
/// A volunteer of the pool of future managers is ready once they completed the managers' path: the first completion
/// counts (a second course of the path changes nothing). A completion that arrives before the hire is kept too.
/// </summary>
public sealed class TrainingCompletedConsumer(RepriseWatchDbContext db, TimeProvider time)
    : InboxConsumer<TrainingCompleted, RepriseWatchDbContext>(db, time)
{
    public const string ManagersPath = "Managers";

    protected override async Task HandleAsync(ConsumeContext<TrainingCompleted> context, CancellationToken ct)
    {
        var completed = context.Message;
        if (completed.CoursePath != ManagersPath)
        {
            return;
        }

        if (completed.CooperativeId is not { } cooperative)
        {
            await Db.Database.ExecuteSqlAsync(
                $"""
                UPDATE people SET managers_path_completed_on = {completed.CompletedOn}
                WHERE id = {completed.PersonId} AND NOT erased
                  AND (managers_path_completed_on IS NULL OR managers_path_completed_on > {completed.CompletedOn})
                """, ct);
            return;
        }

        // The hire may not have arrived yet (each event comes through its own queue): the person is kept from here,
        // and PersonHired completes the row without touching the completion.
        await Db.Database.ExecuteSqlAsync(
            $"""
            INSERT INTO people (id, cooperative_id, left_on, managers_path_completed_on, erased)
            VALUES ({completed.PersonId}, {cooperative}, NULL, {completed.CompletedOn}, false)
            ON CONFLICT (id) DO UPDATE SET managers_path_completed_on = excluded.managers_path_completed_on
            WHERE NOT people.erased
              AND (people.managers_path_completed_on IS NULL OR people.managers_path_completed_on > excluded.managers_path_completed_on)
            """, ct);
    }
}
