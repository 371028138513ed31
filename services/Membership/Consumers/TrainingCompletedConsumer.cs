using MassTransit;
using Microsoft.EntityFrameworkCore;
using Scop.Aspire.Contracts.Training;
using Scop.Aspire.Membership.Data;
using Scop.Aspire.Membership.Domain;
using Scop.Aspire.ServiceDefaults.Messaging;

namespace Scop.Aspire.Membership.Consumers;

/// <summary>Keeps the courses people completed, as training reports them: mandates require the elected-officials path.</summary>
public sealed class TrainingCompletedConsumer(MembershipDbContext db, TimeProvider time)
    : InboxConsumer<TrainingCompleted, MembershipDbContext>(db, time)
{
    protected override async Task HandleAsync(ConsumeContext<TrainingCompleted> context, CancellationToken ct)
    {
        var completed = context.Message;
        // A completion that arrives after the person's erasure counts, but keeps no certificate number, as erasure
        // left the others.
        var erased = await Db.People.AnyAsync(p => p.Id == completed.PersonId && p.ErasedAt != null, ct);
        Db.TrainingCompletions.Add(new TrainingCompletion
        {
            Id = completed.EventId,
            PersonId = completed.PersonId,
            CoursePath = completed.CoursePath,
            CourseTitle = completed.CourseTitle.Length > 200 ? completed.CourseTitle[..200] : completed.CourseTitle,
            CertificateNumber = erased ? null : completed.CertificateNumber,
            CompletedOn = completed.CompletedOn,
        });
    }
}
