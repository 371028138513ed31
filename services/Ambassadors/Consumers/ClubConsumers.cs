using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Scop.Aspire.Ambassadors.Data;
using Scop.Aspire.Ambassadors.Domain;
using Scop.Aspire.Ambassadors.Features.Clubs;
using Scop.Aspire.Contracts.Membership;
using Scop.Aspire.Contracts.Training;
using Scop.Aspire.ServiceDefaults.Messaging;

namespace Scop.Aspire.Ambassadors.Consumers;

/// <summary>
/// Training's completions: one of the animators' module (<c>AnimatorsModuleTitle</c>, ignoring case and accents) in the
/// elected-officials path makes the person a qualified animator of clubs.
/// </summary>
public sealed class AnimatorTrainingCompletedConsumer(AmbassadorsDbContext db, TimeProvider time, IOptions<AmbassadorsOptions> options)
    : InboxConsumer<TrainingCompleted, AmbassadorsDbContext>(db, time)
{
    public const string ElectedOfficialsPath = "ElectedOfficials";

    protected override Task HandleAsync(ConsumeContext<TrainingCompleted> context, CancellationToken ct)
    {
        var completed = context.Message;
        if (completed.CoursePath != ElectedOfficialsPath
            || ClubWorkflow.Folded(completed.CourseTitle) != ClubWorkflow.Folded(options.Value.AnimatorsModuleTitle))
        {
            return Task.CompletedTask;
        }

        return Db.Database.ExecuteSqlAsync(
            $"""
            INSERT INTO qualified_animators (person_id, course_id, completed_on)
            VALUES ({completed.PersonId}, {completed.CourseId}, {completed.CompletedOn})
            ON CONFLICT (person_id) DO NOTHING
            """, ct);
    }
}

/// <summary>
/// A club's dormancy timer: if the club is open and its activity still dates from the day the timer was armed for
/// (no newer meeting), it is flagged dormant (<c>ClubDormant</c>); otherwise the timer does nothing.
/// </summary>
public sealed class ClubDormancyConsumer(AmbassadorsDbContext db, TimeProvider time)
    : InboxConsumer<ClubDormancyDue, AmbassadorsDbContext>(db, time)
{
    protected override async Task HandleAsync(ConsumeContext<ClubDormancyDue> context, CancellationToken ct)
    {
        var club = await ClubWorkflow.LockAsync(Db, context.Message.ClubId, ct);
        if (club is { Status: ClubStatus.Open } && club.ActiveSince == context.Message.Since)
        {
            club.Status = ClubStatus.Dormant;
            club.DormantSince = club.ActiveSince;
            ClubWorkflow.Dormant(Db, club, Time.GetUtcNow());
        }
    }
}

/// <summary>A person was erased: they leave every club (as member or animator) and every attendance list; counts stay.</summary>
public sealed class ClubPersonErasedConsumer(AmbassadorsDbContext db, TimeProvider time)
    : InboxConsumer<PersonErased, AmbassadorsDbContext>(db, time)
{
    protected override async Task HandleAsync(ConsumeContext<PersonErased> context, CancellationToken ct)
    {
        var id = context.Message.PersonId;
        await Db.Database.ExecuteSqlAsync($"DELETE FROM club_participants WHERE person_id = {id}", ct);
        await Db.Database.ExecuteSqlAsync(
            $"UPDATE club_meetings SET attendees = array_remove(attendees, {id}) WHERE {id} = ANY (attendees)", ct);
        await Db.Database.ExecuteSqlAsync($"DELETE FROM qualified_animators WHERE person_id = {id}", ct);
        await Db.Database.ExecuteSqlAsync($"UPDATE clubs SET opened_by = NULL WHERE opened_by = {id}", ct);
    }
}
