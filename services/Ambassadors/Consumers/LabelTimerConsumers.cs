using MassTransit;
using Microsoft.EntityFrameworkCore;
using Scop.Aspire.Ambassadors.Data;
using Scop.Aspire.Ambassadors.Domain;
using Scop.Aspire.Ambassadors.Features.Labels;
using Scop.Aspire.ServiceDefaults.Messaging;

namespace Scop.Aspire.Ambassadors.Consumers;

/// <summary>
/// A label's renewal notice fell due (<c>RenewalNotice</c> before its end): if the label is still in force or suspended,
/// still ends on the day the timer was set for (no renewal extended it) and no renewal was asked for, its manager is
/// asked by <c>AmbassadeRenewalDue</c>.
/// </summary>
public sealed class LabelRenewalNoticeConsumer(AmbassadorsDbContext db, TimeProvider time)
    : InboxConsumer<LabelRenewalNoticeDue, AmbassadorsDbContext>(db, time)
{
    protected override async Task HandleAsync(ConsumeContext<LabelRenewalNoticeDue> context, CancellationToken ct)
    {
        var ambassade = await LabelTimers.LockAsync(Db, context.Message.AmbassadeId, ct);
        if (ambassade is { Status: LabelStatus.Labelled or LabelStatus.Suspended, RenewalRequestedAt: null }
            && ambassade.LabelEndsOn == context.Message.LabelEndsOn)
        {
            LabelWorkflow.RenewalDue(Db, ambassade, Time.GetUtcNow());
        }
    }
}

/// <summary>
/// A label's last day passed: if it still ends on the day the timer was set for (no renewal extended it) and is in
/// force or suspended, it expires (<c>AmbassadeExpired</c>) and leaves the directory.
/// </summary>
public sealed class LabelEndConsumer(AmbassadorsDbContext db, TimeProvider time)
    : InboxConsumer<LabelEndDue, AmbassadorsDbContext>(db, time)
{
    protected override async Task HandleAsync(ConsumeContext<LabelEndDue> context, CancellationToken ct)
    {
        var ambassade = await LabelTimers.LockAsync(Db, context.Message.AmbassadeId, ct);
        if (ambassade is { Status: LabelStatus.Labelled or LabelStatus.Suspended } && ambassade.LabelEndsOn == context.Message.LabelEndsOn)
        {
            var from = ambassade.Status;
            ambassade.Expire();
            LabelWorkflow.Expired(Db, ambassade, from, Time.GetUtcNow());
        }
    }
}

internal static class LabelTimers
{
    /// <summary>The Ambassade, locked against a concurrent step for the consumer's transaction.</summary>
    public static Task<Ambassade?> LockAsync(AmbassadorsDbContext db, Guid id, CancellationToken ct) =>
        db.Ambassades.FromSql($"SELECT *, xmin FROM ambassades WHERE id = {id} FOR UPDATE").SingleOrDefaultAsync(ct);
}
