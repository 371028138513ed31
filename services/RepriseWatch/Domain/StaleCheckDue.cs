using Scop.Aspire.Contracts;

namespace Scop.Aspire.RepriseWatch.Domain;

/// <summary>
/// A durable timer the watch sets for itself at every report and move: an outbox row published when the opportunity
/// would have gone <c>Scop:RepriseWatch:StaleAfterDays</c> without activity. Consumed here, inbox-protected: if nothing
/// happened since, the opportunity is flagged stale and its union's delegates are told (<c>TakeoverOpportunityStale</c>).
/// </summary>
public sealed record StaleCheckDue(Guid EventId, DateTimeOffset OccurredAt, Guid OpportunityId) : IIntegrationEvent;
