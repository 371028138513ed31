using Scop.Aspire.Contracts.RepriseWatch;
using Scop.Aspire.RepriseWatch.Data;
using Scop.Aspire.RepriseWatch.Domain;
using Scop.Aspire.ServiceDefaults.Messaging;

namespace Scop.Aspire.RepriseWatch.Features.Opportunities;

/// <summary>
/// What every step of an opportunity leaves behind, in the unit of work of the step: its line in the history, its
/// event in the outbox, and a new stale timer while the opportunity is open.
/// </summary>
public static class Pipeline
{
    /// <summary>Records the step that brought <paramref name="opportunity"/> from <paramref name="from"/> to its stage.</summary>
    public static void Stepped(RepriseWatchDbContext db, Opportunity opportunity, Stage? from, Actor actor, TimeSpan staleAfter,
        DateTimeOffset now, string? reason = null, string? comment = null)
    {
        Record(db, opportunity, from, actor, now, reason, comment);
        Announce(db, opportunity, from, now);
        Active(db, opportunity, staleAfter, now);
    }

    /// <summary>The step's line in the opportunity's history, alone (the demo data writes histories that are not news).</summary>
    public static void Record(RepriseWatchDbContext db, Opportunity opportunity, Stage? from, Actor actor, DateTimeOffset at,
        string? reason = null, string? comment = null) =>
        db.Moves.Add(new OpportunityMove
        {
            Id = Guid.CreateVersion7(at),
            OpportunityId = opportunity.Id,
            FromStage = from,
            ToStage = opportunity.Stage,
            At = at,
            ActorPersonId = actor.PersonId,
            ActorRole = actor.Role,
            ActorRegionalUnion = actor.RegionalUnion,
            Reason = reason,
            Comment = comment,
        });

    /// <summary>
    /// Something happened to the opportunity: while it is open, a durable timer looks at it again when it would have
    /// gone <paramref name="staleAfter"/> without activity. Earlier timers still fire, and find it active.
    /// </summary>
    public static void Active(RepriseWatchDbContext db, Opportunity opportunity, TimeSpan staleAfter, DateTimeOffset now)
    {
        if (opportunity.IsOpen)
        {
            // No aggregate id: a timer waiting for its moment must not hold back the opportunity's events.
            db.AddIntegrationEvent(new StaleCheckDue(Guid.CreateVersion7(now), now, opportunity.Id), aggregateId: null,
                notBefore: now + staleAfter);
        }
    }

    private static void Announce(RepriseWatchDbContext db, Opportunity o, Stage? from, DateTimeOffset now)
    {
        var id = Guid.CreateVersion7(now);
        var open = o.Confidentiality == Confidentiality.Open;
        var aggregate = o.Id.ToString();
        switch (o.Stage)
        {
            case Stage.Reported:
                db.AddIntegrationEvent(new TakeoverOpportunityReported(id, now, o.Id, o.RegionalUnion, o.CommuneCode, o.NafCode,
                    o.Headcount, o.Cause.ToString(), open ? o.Siren : null, open ? o.CompanyName : null), aggregate);
                break;
            case Stage.Qualified:
                db.AddIntegrationEvent(new TakeoverOpportunityQualified(id, now, o.Id, o.RegionalUnion, o.ContactedOn!.Value,
                    o.JobsAtStake!.Value), aggregate);
                break;
            case Stage.Feasibility:
                db.AddIntegrationEvent(new TakeoverFeasibilityStarted(id, now, o.Id, o.RegionalUnion), aggregate);
                break;
            case Stage.Financing:
                db.AddIntegrationEvent(new TakeoverFinancingStarted(id, now, o.Id, o.RegionalUnion, o.JobsAtStake), aggregate);
                break;
            case Stage.Converted:
                db.AddIntegrationEvent(new TakeoverOpportunityConverted(id, now, o.Id, o.RegionalUnion, o.CooperativeId!.Value,
                    o.JobsKept!.Value, open ? o.Siren : null, open ? o.CompanyName : null), aggregate);
                break;
            case Stage.Lost:
                db.AddIntegrationEvent(new TakeoverOpportunityLost(id, now, o.Id, o.RegionalUnion, from?.ToString() ?? "",
                    o.LostReason!.Value.ToString()), aggregate);
                break;
        }
    }

    /// <summary>
    /// The company became <paramref name="cooperative"/>: the opportunity is converted, with the jobs the cooperative
    /// declared (else those at stake), by the register.
    /// </summary>
    public static void Convert(RepriseWatchDbContext db, Opportunity opportunity, KnownCooperative cooperative, TimeSpan staleAfter,
        DateTimeOffset now)
    {
        var from = opportunity.Stage;
        opportunity.Convert(cooperative.Id, opportunity.JobsKeptBy(cooperative.DeclaredHeadcount), now);
        Stepped(db, opportunity, from, Actor.Register, staleAfter, now, reason: "CooperativeJoined");
    }
}
