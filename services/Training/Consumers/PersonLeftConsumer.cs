using MassTransit;
using Microsoft.EntityFrameworkCore;
using Scop.Aspire.Contracts.Membership;
using Scop.Aspire.ServiceDefaults.Messaging;
using Scop.Aspire.Training.Data;

namespace Scop.Aspire.Training.Consumers;

/// <summary>A person left their cooperative: they are no longer booked and no longer count in its headcount.</summary>
public sealed class PersonLeftConsumer(TrainingDbContext db, TimeProvider time)
    : InboxConsumer<PersonLeft, TrainingDbContext>(db, time)
{
    protected override async Task HandleAsync(ConsumeContext<PersonLeft> context, CancellationToken ct)
    {
        var left = context.Message;
        await Db.Database.ExecuteSqlAsync($"UPDATE people SET left_on = {left.LeftOn} WHERE id = {left.PersonId}", ct);
    }
}

/// <summary>A person of the register took up the manager role: from now on they count among the managers in the targets.</summary>
public sealed class PersonRoleStartedConsumer(TrainingDbContext db, TimeProvider time)
    : InboxConsumer<PersonRoleStarted, TrainingDbContext>(db, time)
{
    protected override async Task HandleAsync(ConsumeContext<PersonRoleStarted> context, CancellationToken ct)
    {
        var started = context.Message;
        if (started.Role == PersonRoles.Manager)
        {
            await Db.Database.ExecuteSqlAsync($"UPDATE people SET is_manager = true WHERE id = {started.PersonId}", ct);
        }
    }
}
