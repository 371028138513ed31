using Scop.Aspire.Ambassadors.Data;
using Scop.Aspire.Ambassadors.Domain;
using Scop.Aspire.Contracts.Ambassadors;
using Scop.Aspire.ReferenceData;
using Scop.Aspire.ServiceDefaults;
using Scop.Aspire.ServiceDefaults.Messaging;

namespace Scop.Aspire.Ambassadors.Features.Labels;

/// <summary>
/// What every step of a label leaves behind, in the unit of work of the step: its line in the history, its event in
/// the outbox (ordered per Ambassade), and, when a label is granted or renewed, its two durable timers.
/// </summary>
public static class LabelWorkflow
{
    public static void Applied(AmbassadorsDbContext db, Ambassade a, LabelStatus? from, LabelActor actor, bool renewal, DateTimeOffset now)
    {
        Line(db, a, renewal ? "RenewalRequested" : "Applied", from, actor, now);
        db.AddIntegrationEvent(new AmbassadeApplied(Guid.CreateVersion7(now), now, a.Id, a.CooperativeId, a.RegionalUnion, renewal),
            a.Id.ToString());
    }

    public static void Reviewed(AmbassadorsDbContext db, Ambassade a, LabelActor actor, DateTimeOffset now)
    {
        Line(db, a, "Reviewed", a.Status, actor, now, comment:
            $"Visit {a.VisitOn:yyyy-MM-dd}; signage in place: {YesNo(a.SignageInPlace)}; can welcome and inform: " +
            $"{YesNo(a.CanWelcomeAndInform)}; local representation: {YesNo(a.LocalRepresentation)}; membership current: {YesNo(a.MembershipCurrent)}.");
        db.AddIntegrationEvent(new AmbassadeReviewed(Guid.CreateVersion7(now), now, a.Id, a.CooperativeId, a.RegionalUnion,
            a.VisitOn!.Value, a.SignageInPlace!.Value, a.CanWelcomeAndInform!.Value, a.LocalRepresentation!.Value,
            a.MembershipCurrent!.Value), a.Id.ToString());
    }

    /// <summary>
    /// The label was granted or renewed: its event, the signage kit for a first label (a renewed Ambassade has its
    /// signage), and the timers of its new end — the renewal notice and the end itself. The timers of an earlier end
    /// still fire, find the label ending later, and do nothing.
    /// </summary>
    public static void Labelled(AmbassadorsDbContext db, Ambassade a, LabelStatus from, LabelActor actor, bool renewal,
        AmbassadorsOptions options, FrenchPlaces places, DateTimeOffset now, string? comment = null)
    {
        var endsOn = a.LabelEndsOn!.Value;
        Line(db, a, renewal ? "Renewed" : "Labelled", from, actor, now,
            comment: comment is null ? $"Until {endsOn:yyyy-MM-dd}." : $"Until {endsOn:yyyy-MM-dd}. {comment}");
        var aggregate = a.Id.ToString();
        db.AddIntegrationEvent(new AmbassadeLabelled(Guid.CreateVersion7(now), now, a.Id, a.CooperativeId, a.RegionalUnion, a.Name,
            a.CommuneCode, a.Region, a.LabelledOn!.Value, endsOn, renewal), aggregate);
        if (!renewal)
        {
            db.AddIntegrationEvent(new SignageKitOrdered(Guid.CreateVersion7(now), now, a.CooperativeId, a.Id, a.RegionalUnion, a.Name,
                a.CommuneCode, places.FindCommune(a.CommuneCode)?.Name ?? a.CommuneCode, a.Departement, a.Region), aggregate);
        }

        // No aggregate id: a timer waiting for its moment must not hold back the Ambassade's events.
        var ends = ParisCalendar.StartOf(endsOn.AddDays(1)).ToUniversalTime(); // PostgreSQL keeps UTC moments
        db.AddIntegrationEvent(new LabelRenewalNoticeDue(Guid.CreateVersion7(now), now, a.Id, endsOn), aggregateId: null,
            notBefore: ends - options.RenewalNotice);
        db.AddIntegrationEvent(new LabelEndDue(Guid.CreateVersion7(now), now, a.Id, endsOn), aggregateId: null, notBefore: ends);
    }

    public static void Refused(AmbassadorsDbContext db, Ambassade a, LabelStatus from, LabelActor actor, bool renewal, DateTimeOffset now)
    {
        Line(db, a, renewal ? "RenewalRefused" : "Refused", from, actor, now, a.Reason);
        db.AddIntegrationEvent(new AmbassadeRefused(Guid.CreateVersion7(now), now, a.Id, a.CooperativeId, a.RegionalUnion, a.Reason!,
            renewal), a.Id.ToString());
    }

    public static void Suspended(AmbassadorsDbContext db, Ambassade a, LabelActor actor, DateTimeOffset now)
    {
        Line(db, a, "Suspended", LabelStatus.Labelled, actor, now, a.Reason);
        db.AddIntegrationEvent(new AmbassadeSuspended(Guid.CreateVersion7(now), now, a.Id, a.CooperativeId, a.RegionalUnion, a.Reason!),
            a.Id.ToString());
    }

    public static void Reinstated(AmbassadorsDbContext db, Ambassade a, LabelActor actor, string? comment, DateTimeOffset now)
    {
        Line(db, a, "Reinstated", LabelStatus.Suspended, actor, now, comment: comment);
        db.AddIntegrationEvent(new AmbassadeReinstated(Guid.CreateVersion7(now), now, a.Id, a.CooperativeId, a.RegionalUnion),
            a.Id.ToString());
    }

    public static void Withdrawn(AmbassadorsDbContext db, Ambassade a, LabelStatus from, LabelActor actor, DateTimeOffset now)
    {
        Line(db, a, "Withdrawn", from, actor, now, a.Reason);
        db.AddIntegrationEvent(new AmbassadeWithdrawn(Guid.CreateVersion7(now), now, a.Id, a.CooperativeId, a.RegionalUnion, a.Reason!),
            a.Id.ToString());
    }

    /// <summary>The manager placed the Ambassade (its door, or its commune again): a line of its history, no event — no
    /// other service keeps positions, and the directory reads them live.</summary>
    public static void Placed(AmbassadorsDbContext db, Ambassade a, LabelActor actor, string comment, DateTimeOffset now) =>
        Line(db, a, "Placed", a.Status, actor, now, comment: comment);

    public static void RenewalDue(AmbassadorsDbContext db, Ambassade a, DateTimeOffset now)
    {
        Line(db, a, "RenewalDue", a.Status, LabelActor.Timer, now, comment: $"The label ends on {a.LabelEndsOn:yyyy-MM-dd}.");
        db.AddIntegrationEvent(new AmbassadeRenewalDue(Guid.CreateVersion7(now), now, a.Id, a.CooperativeId, a.RegionalUnion,
            a.LabelEndsOn!.Value), a.Id.ToString());
    }

    public static void Expired(AmbassadorsDbContext db, Ambassade a, LabelStatus from, DateTimeOffset now)
    {
        Line(db, a, "Expired", from, LabelActor.Timer, now, comment: $"The label ended on {a.LabelEndsOn:yyyy-MM-dd}.");
        db.AddIntegrationEvent(new AmbassadeExpired(Guid.CreateVersion7(now), now, a.Id, a.CooperativeId, a.RegionalUnion,
            a.LabelEndsOn!.Value), a.Id.ToString());
    }

    private static void Line(AmbassadorsDbContext db, Ambassade a, string step, LabelStatus? from, LabelActor actor,
        DateTimeOffset now, string? reason = null, string? comment = null) =>
        db.History.Add(new AmbassadeHistoryLine
        {
            Id = Guid.CreateVersion7(now),
            AmbassadeId = a.Id,
            Step = step,
            FromStatus = from,
            ToStatus = a.Status,
            At = now,
            ActorPersonId = actor.PersonId,
            ActorRole = actor.Role,
            ActorRegionalUnion = actor.RegionalUnion,
            Reason = reason,
            Comment = comment,
        });

    private static string YesNo(bool? value) => value == true ? "yes" : "no";
}
