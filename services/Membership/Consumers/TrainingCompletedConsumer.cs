using MassTransit;
using Scop.Aspire.Contracts.Training;
using Scop.Aspire.Membership.Data;
using Scop.Aspire.Membership.Domain;
using Scop.Aspire.ServiceDefaults.Messaging;

namespace Scop.Aspire.Membership.Consumers;

/// <summary>Keeps the courses people completed, as training reports them: mandates require the elected-officials path.</summary>
public sealed class TrainingCompletedConsumer(MembershipDbContext db, TimeProvider time)
    : InboxConsumer<TrainingCompleted, MembershipDbContext>(db, time)
{
    protected override Task HandleAsync(ConsumeContext<TrainingCompleted> context, CancellationToken ct)
    {
        var completed = context.Message;
        Db.TrainingCompletions.Add(new TrainingCompletion
        {
            Id = completed.EventId,
            PersonId = completed.PersonId,
            CoursePath = completed.CoursePath,
            CourseTitle = completed.CourseTitle.Length > 200 ? completed.CourseTitle[..200] : completed.CourseTitle,
            CertificateNumber = completed.CertificateNumber,
            CompletedOn = completed.CompletedOn,
        });
        return Task.CompletedTask;
    }
}
