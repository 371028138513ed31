using MassTransit;
using Microsoft.EntityFrameworkCore;
using Scop.Aspire.Contracts.Membership;
using Scop.Aspire.Notifications.Data;
using Scop.Aspire.Notifications.Domain;
using Scop.Aspire.ServiceDefaults.Data;
using Scop.Aspire.ServiceDefaults.Messaging;

namespace Scop.Aspire.Notifications.Consumers;

/// <summary>
/// A new hire: the service learns where to write to them and whether they manage their cooperative. E-mails that
/// waited for their address are due at once.
/// </summary>
public sealed class PersonHiredConsumer(NotificationsDbContext db, TimeProvider time, CommitWakeups wakeups)
    : InboxConsumer<PersonHired, NotificationsDbContext>(db, time)
{
    protected override async Task HandleAsync(ConsumeContext<PersonHired> context, CancellationToken ct)
    {
        var hired = context.Message;
        var digest = Erasure.DigestOf(hired.PersonId);
        if (await Db.Erasures.AnyAsync(e => e.PersonDigest == digest, ct))
        {
            return;
        }

        var recipient = await Db.Recipients.SingleOrDefaultAsync(r => r.PersonId == hired.PersonId, ct);
        if (recipient is null)
        {
            recipient = new Recipient { PersonId = hired.PersonId };
            Db.Recipients.Add(recipient);
        }
        else if (recipient.StatedAt > hired.OccurredAt)
        {
            return; // a later fact of the register is already here
        }

        recipient.Email = string.IsNullOrWhiteSpace(hired.Email) ? null : hired.Email.Trim();
        recipient.CooperativeId = hired.CooperativeId;
        recipient.RegionalUnion = hired.RegionalUnion;
        recipient.IsManager |= hired.Role == PersonRoles.Manager;
        recipient.HasLeft = false;
        recipient.StatedAt = hired.OccurredAt;

        var now = Time.GetUtcNow();
        if (recipient.Email is null)
        {
            // Nowhere to write: what waited for the address is told in the inbox only.
            await Db.Notifications
                .Where(n => n.RecipientId == hired.PersonId && n.EmailTo == null
                            && (n.EmailStatus == EmailStatus.Pending || n.EmailStatus == EmailStatus.Retrying))
                .ExecuteUpdateAsync(set => set
                    .SetProperty(n => n.EmailStatus, EmailStatus.Skipped)
                    .SetProperty(n => n.LastError, "the register holds no e-mail address for the person")
                    .SetProperty(n => n.NextAttemptAt, (DateTimeOffset?)null), ct);
            return;
        }

        var waiting = await Db.Notifications
            .Where(n => n.RecipientId == hired.PersonId && n.EmailTo == null && n.EmailStatus == EmailStatus.Retrying)
            .ExecuteUpdateAsync(set => set.SetProperty(n => n.NextAttemptAt, now), ct);
        if (waiting > 0)
        {
            wakeups.AfterCommit(Db, NotificationsDbContext.EmailsChannel);
        }
    }
}

/// <summary>A person took up a role: a new manager is told what concerns their cooperative.</summary>
public sealed class PersonRoleStartedConsumer(NotificationsDbContext db, TimeProvider time)
    : InboxConsumer<PersonRoleStarted, NotificationsDbContext>(db, time)
{
    protected override async Task HandleAsync(ConsumeContext<PersonRoleStarted> context, CancellationToken ct)
    {
        var started = context.Message;
        if (started.Role != PersonRoles.Manager)
        {
            return;
        }

        await Db.Recipients.Where(r => r.PersonId == started.PersonId && !r.HasLeft)
            .ExecuteUpdateAsync(set => set.SetProperty(r => r.IsManager, true), ct);
    }
}

/// <summary>A person left their cooperative: no longer told what concerns it (what concerns them still reaches them).</summary>
public sealed class PersonLeftConsumer(NotificationsDbContext db, TimeProvider time)
    : InboxConsumer<PersonLeft, NotificationsDbContext>(db, time)
{
    protected override async Task HandleAsync(ConsumeContext<PersonLeft> context, CancellationToken ct)
    {
        var left = context.Message;
        await Db.Recipients.Where(r => r.PersonId == left.PersonId && r.CooperativeId == left.CooperativeId)
            .ExecuteUpdateAsync(set => set.SetProperty(r => r.HasLeft, true).SetProperty(r => r.IsManager, false), ct);
    }
}

/// <summary>
/// Erasure: the person's address, notifications and preferences are deleted; only their id stays, so that an event
/// about them arriving later tells nobody — as a digest, which leads back to no one. The platform tables forget them too (kept answers, outbox copies).
/// </summary>
public sealed class PersonErasedConsumer(NotificationsDbContext db, TimeProvider time)
    : InboxConsumer<PersonErased, NotificationsDbContext>(db, time)
{
    protected override async Task HandleAsync(ConsumeContext<PersonErased> context, CancellationToken ct)
    {
        var person = context.Message.PersonId;
        await Db.Notifications.Where(n => n.RecipientKind == RecipientKind.Person && n.RecipientId == person).ExecuteDeleteAsync(ct);
        await Db.Recipients.Where(r => r.PersonId == person).ExecuteDeleteAsync(ct);
        await Db.Preferences.Where(p => p.PersonId == person).ExecuteDeleteAsync(ct);
        await Db.Database.ExecuteSqlAsync(
            $"INSERT INTO erasures (person_digest, erased_at) VALUES ({Erasure.DigestOf(person)}, {Time.GetUtcNow()}) ON CONFLICT DO NOTHING", ct);
        await Db.ForgetPersonAsync(person, ct);
    }
}
