using System.Diagnostics;
using MassTransit;
using Scop.Aspire.Contracts.Membership;
using Scop.Aspire.Portal.Data;
using Scop.Aspire.Portal.Domain;
using Scop.Aspire.ServiceDefaults.Messaging;

namespace Scop.Aspire.Portal.Consumers;

/// <summary>A new cooperative appears in the network activity feed, once, whatever the redeliveries.</summary>
public sealed class CooperativeJoinedConsumer(PortalDbContext db, TimeProvider time)
    : InboxConsumer<CooperativeJoined, PortalDbContext>(db, time)
{
    protected override Task HandleAsync(ConsumeContext<CooperativeJoined> context, CancellationToken ct)
    {
        var joined = context.Message;
        Db.FeedItems.Add(new FeedItem
        {
            Id = joined.EventId,
            Kind = FeedItem.CooperativeJoinedKind,
            Title = $"{joined.Name} ({joined.LegalForm}) rejoint le mouvement",
            SubjectId = joined.CooperativeId,
            OccurredAt = joined.OccurredAt,
            PublishedAt = Time.GetUtcNow(),
            TraceId = Activity.Current?.TraceId.ToString(),
        });
        return Task.CompletedTask;
    }
}
