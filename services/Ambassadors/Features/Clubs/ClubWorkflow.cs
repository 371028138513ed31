using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Scop.Aspire.Ambassadors.Data;
using Scop.Aspire.Ambassadors.Domain;
using Scop.Aspire.Contracts.Ambassadors;
using Scop.Aspire.ServiceDefaults;
using Scop.Aspire.ServiceDefaults.Messaging;

namespace Scop.Aspire.Ambassadors.Features.Clubs;

/// <summary>What a club's steps leave in the outbox, in the step's transaction: its event, and its dormancy timer.</summary>
public static class ClubWorkflow
{
    public static void Opened(AmbassadorsDbContext db, Club c, AmbassadorsOptions options, DateTimeOffset now)
    {
        db.AddIntegrationEvent(new ClubOpened(Guid.CreateVersion7(now), now, c.Id, c.Name, c.Epci, c.EpciName, c.Region,
            c.RegionalUnion, c.OpenedOn), c.Id.ToString());
        ArmDormancy(db, c, options, now);
    }

    public static void MeetingHeld(AmbassadorsDbContext db, Club c, ClubMeeting m, bool revived, AmbassadorsOptions options,
        DateTimeOffset now)
    {
        db.AddIntegrationEvent(new ClubMeetingHeld(Guid.CreateVersion7(now), now, c.Id, m.Id, c.RegionalUnion, m.HeldOn,
            m.AttendanceCount), c.Id.ToString());
        if (revived)
        {
            db.AddIntegrationEvent(new ClubRevived(Guid.CreateVersion7(now), now, c.Id, c.RegionalUnion, m.HeldOn), c.Id.ToString());
        }

        ArmDormancy(db, c, options, now);
    }

    public static void Closed(AmbassadorsDbContext db, Club c, DateTimeOffset now) =>
        db.AddIntegrationEvent(new ClubClosed(Guid.CreateVersion7(now), now, c.Id, c.RegionalUnion, c.Region, c.ClosedOn!.Value,
            c.CloseReason!), c.Id.ToString());

    public static void Dormant(AmbassadorsDbContext db, Club c, DateTimeOffset now) =>
        db.AddIntegrationEvent(new ClubDormant(Guid.CreateVersion7(now), now, c.Id, c.RegionalUnion, c.ActiveSince), c.Id.ToString());

    /// <summary>
    /// The durable timer of the club's current activity: <c>ClubDormantAfter</c> after the start (Paris) of its last meeting's
    /// day (or its opening's). No aggregate id: a waiting timer must not hold back the club's events.
    /// </summary>
    private static void ArmDormancy(AmbassadorsDbContext db, Club c, AmbassadorsOptions options, DateTimeOffset now)
    {
        var since = c.ActiveSince;
        db.AddIntegrationEvent(new ClubDormancyDue(Guid.CreateVersion7(now), now, c.Id, since), aggregateId: null,
            notBefore: ParisCalendar.StartOf(since).ToUniversalTime() + options.ClubDormantAfter);
    }

    /// <summary>The club, locked against a concurrent step for the transaction.</summary>
    public static Task<Club?> LockAsync(AmbassadorsDbContext db, Guid id, CancellationToken ct) =>
        db.Clubs.FromSql($"SELECT *, xmin FROM clubs WHERE id = {id} FOR UPDATE").SingleOrDefaultAsync(ct);

    /// <summary>A course title as compared with the module's: trimmed, lower case, without accents.</summary>
    public static string Folded(string title)
    {
        var decomposed = title.Trim().Normalize(NormalizationForm.FormD);
        var kept = new StringBuilder(decomposed.Length);
        foreach (var ch in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(ch) != UnicodeCategory.NonSpacingMark)
            {
                kept.Append(char.ToLowerInvariant(ch));
            }
        }

        return string.Join(' ', kept.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries));
    }
}
