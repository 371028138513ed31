using Microsoft.EntityFrameworkCore;
using Scop.Aspire.Notifications.Data;
using Scop.Aspire.Notifications.Domain;
using Scop.Aspire.Notifications.Templates;

namespace Scop.Aspire.Notifications.Consumers;

/// <summary>
/// Adds the notifications of one event to the consumer's unit of work, which commits them with its inbox row: each
/// recipient's preferences decide whether it goes to their inbox, by e-mail, both or neither. The e-mails wake the
/// sender when the unit of work commits.
/// </summary>
public static class Notify
{
    /// <summary>Tells each of <paramref name="people"/> (once each, whatever the repeats) <paramref name="message"/>.</summary>
    public static async Task PeopleAsync(NotificationsDbContext db, TimeProvider time, Guid eventId, DateTimeOffset occurredAt,
        string kind, IEnumerable<Guid> people, Message message, CancellationToken ct)
    {
        var ids = people.Distinct().ToList();
        if (ids.Count == 0)
        {
            return;
        }

        var erased = await ErasedAsync(db, ids, ct);
        var preferences = await db.Preferences.AsNoTracking().Where(p => ids.Contains(p.PersonId))
            .ToDictionaryAsync(p => p.PersonId, ct);
        var now = time.GetUtcNow();
        foreach (var person in ids.Except(erased))
        {
            var choice = preferences.TryGetValue(person, out var set) ? set.For(kind) : new ChannelChoice(kind, true, true);
            if (!choice.Email && !choice.Inbox)
            {
                continue; // the person wants nothing of this kind
            }

            db.Notifications.Add(New(kind, eventId, occurredAt, RecipientKind.Person, person, message, now,
                inInbox: choice.Inbox, email: choice.Email, emailTo: null));
        }
    }

    /// <summary>Those of <paramref name="people"/> who were erased.</summary>
    public static async Task<List<Guid>> ErasedAsync(NotificationsDbContext db, IReadOnlyCollection<Guid> people, CancellationToken ct)
    {
        var byDigest = people.Distinct().ToDictionary(person => Convert.ToHexString(Erasure.DigestOf(person)));
        var digests = people.Distinct().Select(Erasure.DigestOf).ToList();
        var found = await db.Erasures.Where(e => digests.Contains(e.PersonDigest)).Select(e => e.PersonDigest).ToListAsync(ct);
        return [.. found.Select(digest => byDigest[Convert.ToHexString(digest)])];
    }

    /// <summary>Tells a partner bank, by e-mail to <paramref name="emailTo"/> (partners have no inbox of their own).</summary>
    public static void Partner(NotificationsDbContext db, TimeProvider time, Guid eventId, DateTimeOffset occurredAt,
        string kind, Guid partnerId, string emailTo, Message message) =>
        db.Notifications.Add(New(kind, eventId, occurredAt, RecipientKind.Partner, partnerId, message, time.GetUtcNow(),
            inInbox: false, email: true, emailTo: emailTo));

    /// <summary>An e-mail only, whatever the person's preferences (the invitation of their account).</summary>
    public static void MandatoryEmail(NotificationsDbContext db, TimeProvider time, Guid eventId, DateTimeOffset occurredAt,
        string kind, Guid person, string emailTo, Message message) =>
        db.Notifications.Add(New(kind, eventId, occurredAt, RecipientKind.Person, person, message, time.GetUtcNow(),
            inInbox: false, email: true, emailTo: emailTo));

    /// <summary>The people who manage <paramref name="cooperativeId"/> and still work there.</summary>
    public static Task<List<Guid>> ManagersOfAsync(NotificationsDbContext db, Guid cooperativeId, CancellationToken ct) =>
        db.Recipients.Where(r => r.CooperativeId == cooperativeId && r.IsManager && !r.HasLeft)
            .Select(r => r.PersonId).ToListAsync(ct);

    private static Notification New(string kind, Guid eventId, DateTimeOffset occurredAt, RecipientKind recipientKind,
        Guid recipientId, Message message, DateTimeOffset now, bool inInbox, bool email, string? emailTo) => new()
        {
            Id = Guid.CreateVersion7(now),
            Kind = kind,
            SourceEventId = eventId,
            OccurredAt = occurredAt,
            RecipientKind = recipientKind,
            RecipientId = recipientId,
            Subject = message.Subject.Length > Notification.MaxSubjectLength ? message.Subject[..Notification.MaxSubjectLength] : message.Subject,
            Body = message.Body,
            Links = [.. message.Links],
            InInbox = inInbox,
            CreatedAt = now,
            EmailStatus = email ? EmailStatus.Pending : EmailStatus.Skipped,
            LastError = email ? null : "the person turned e-mails of this kind off",
            EmailTo = emailTo,
            NextAttemptAt = email ? now : null,
        };
}
