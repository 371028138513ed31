using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Scop.Aspire.Contracts.Membership;
using Scop.Aspire.Contracts.PartnerHooks;
using Scop.Aspire.Contracts.Training;
using Scop.Aspire.Notifications.Data;
using Scop.Aspire.Notifications.Domain;
using Scop.Aspire.Notifications.Templates;
using Scop.Aspire.ServiceDefaults.Messaging;

namespace Scop.Aspire.Notifications.Consumers;

// One consumer per event that concerns a person or a partner. Each is inbox-protected: its notifications commit with
// the inbox row, so a redelivered event tells nobody twice.

/// <summary>Seats released without the holder asking (session cancelled, hold or offer expired): each person on the booking.</summary>
public sealed class BookingReleasedConsumer(NotificationsDbContext db, TimeProvider time, FrenchTemplates templates)
    : InboxConsumer<BookingReleased, NotificationsDbContext>(db, time)
{
    protected override Task HandleAsync(ConsumeContext<BookingReleased> context, CancellationToken ct) =>
        Notify.PeopleAsync(Db, Time, context.Message.EventId, context.Message.OccurredAt, NotificationKinds.BookingReleased,
            context.Message.PersonIds, templates.BookingReleased(context.Message), ct);
}

/// <summary>A waiting-list offer: each person of the entry, with the links to confirm or decline before it runs out.</summary>
public sealed class WaitlistOfferMadeConsumer(NotificationsDbContext db, TimeProvider time, FrenchTemplates templates)
    : InboxConsumer<WaitlistOfferMade, NotificationsDbContext>(db, time)
{
    protected override Task HandleAsync(ConsumeContext<WaitlistOfferMade> context, CancellationToken ct) =>
        Notify.PeopleAsync(Db, Time, context.Message.EventId, context.Message.OccurredAt, NotificationKinds.WaitlistOffer,
            context.Message.PersonIds, templates.WaitlistOffer(context.Message), ct);
}

/// <summary>A new hire's invitation to their union's welcome day, with its session.</summary>
public sealed class WelcomeDayInvitedConsumer(NotificationsDbContext db, TimeProvider time, FrenchTemplates templates)
    : InboxConsumer<WelcomeDayInvited, NotificationsDbContext>(db, time)
{
    protected override Task HandleAsync(ConsumeContext<WelcomeDayInvited> context, CancellationToken ct) =>
        Notify.PeopleAsync(Db, Time, context.Message.EventId, context.Message.OccurredAt, NotificationKinds.WelcomeDayInvitation,
            [context.Message.PersonId], templates.WelcomeDayInvitation(context.Message), ct);
}

/// <summary>A course completed: the person, with their certificate and passport.</summary>
public sealed class TrainingCompletedConsumer(NotificationsDbContext db, TimeProvider time, FrenchTemplates templates)
    : InboxConsumer<TrainingCompleted, NotificationsDbContext>(db, time)
{
    protected override Task HandleAsync(ConsumeContext<TrainingCompleted> context, CancellationToken ct) =>
        Notify.PeopleAsync(Db, Time, context.Message.EventId, context.Message.OccurredAt, NotificationKinds.TrainingCompleted,
            [context.Message.PersonId], templates.TrainingCompleted(context.Message), ct);
}

/// <summary>A mandate started: the elected official.</summary>
public sealed class MandateStartedConsumer(NotificationsDbContext db, TimeProvider time, FrenchTemplates templates)
    : InboxConsumer<MandateStarted, NotificationsDbContext>(db, time)
{
    protected override Task HandleAsync(ConsumeContext<MandateStarted> context, CancellationToken ct) =>
        Notify.PeopleAsync(Db, Time, context.Message.EventId, context.Message.OccurredAt, NotificationKinds.MandateStarted,
            [context.Message.PersonId], templates.MandateStarted(context.Message), ct);
}

/// <summary>First dues paid: the cooperative's managers.</summary>
public sealed class MembershipActivatedConsumer(NotificationsDbContext db, TimeProvider time, FrenchTemplates templates)
    : InboxConsumer<MembershipActivated, NotificationsDbContext>(db, time)
{
    protected override async Task HandleAsync(ConsumeContext<MembershipActivated> context, CancellationToken ct) =>
        await Notify.PeopleAsync(Db, Time, context.Message.EventId, context.Message.OccurredAt, NotificationKinds.MembershipActivated,
            await Notify.ManagersOfAsync(Db, context.Message.CooperativeId, ct), templates.MembershipActivated(context.Message), ct);
}

/// <summary>Dues renewed: the cooperative's managers.</summary>
public sealed class MembershipRenewedConsumer(NotificationsDbContext db, TimeProvider time, FrenchTemplates templates)
    : InboxConsumer<MembershipRenewed, NotificationsDbContext>(db, time)
{
    protected override async Task HandleAsync(ConsumeContext<MembershipRenewed> context, CancellationToken ct) =>
        await Notify.PeopleAsync(Db, Time, context.Message.EventId, context.Message.OccurredAt, NotificationKinds.MembershipRenewed,
            await Notify.ManagersOfAsync(Db, context.Message.CooperativeId, ct), templates.MembershipRenewed(context.Message), ct);
}

/// <summary>The membership lapsed: the cooperative's managers, with the link to renew.</summary>
public sealed class MembershipLapsedConsumer(NotificationsDbContext db, TimeProvider time, FrenchTemplates templates)
    : InboxConsumer<MembershipLapsed, NotificationsDbContext>(db, time)
{
    protected override async Task HandleAsync(ConsumeContext<MembershipLapsed> context, CancellationToken ct) =>
        await Notify.PeopleAsync(Db, Time, context.Message.EventId, context.Message.OccurredAt, NotificationKinds.MembershipLapsed,
            await Notify.ManagersOfAsync(Db, context.Message.CooperativeId, ct), templates.MembershipLapsed(context.Message), ct);
}

/// <summary>A partner's webhook endpoint was disabled: the partner's technical contact (or the confederation's partner desk).</summary>
public sealed class PartnerEndpointDisabledConsumer(NotificationsDbContext db, TimeProvider time, FrenchTemplates templates,
    IOptions<NotificationsOptions> options)
    : InboxConsumer<PartnerEndpointDisabled, NotificationsDbContext>(db, time)
{
    protected override Task HandleAsync(ConsumeContext<PartnerEndpointDisabled> context, CancellationToken ct)
    {
        var disabled = context.Message;
        var contact = options.Value.PartnerContacts.TryGetValue(disabled.PartnerCode, out var address) ? address : options.Value.PartnerDesk;
        Notify.Partner(Db, Time, disabled.EventId, disabled.OccurredAt, NotificationKinds.PartnerEndpointDisabled,
            disabled.PartnerId, contact, templates.PartnerEndpointDisabled(disabled));
        return Task.CompletedTask;
    }
}

/// <summary>
/// A new account's invitation: an e-mail to the register's address with the one-time link to choose the password,
/// whatever the person's preferences (they have none yet); not in the inbox, which they cannot open before it. The
/// link is forgotten once the e-mail is sent.
/// </summary>
public sealed class AccountInvitedConsumer(NotificationsDbContext db, TimeProvider time, FrenchTemplates templates)
    : InboxConsumer<Scop.Aspire.Contracts.Identity.AccountInvited, NotificationsDbContext>(db, time)
{
    protected override async Task HandleAsync(ConsumeContext<Scop.Aspire.Contracts.Identity.AccountInvited> context, CancellationToken ct)
    {
        var invited = context.Message;
        var digest = Erasure.DigestOf(invited.PersonId);
        if (await Db.Erasures.AnyAsync(e => e.PersonDigest == digest, ct))
        {
            return;
        }

        Notify.MandatoryEmail(Db, Time, invited.EventId, invited.OccurredAt, NotificationKinds.AccountInvitation,
            invited.PersonId, invited.Email, templates.AccountInvitation(invited.ActivationLink, invited.ExpiresAt));
    }
}
