using MassTransit;
using Microsoft.EntityFrameworkCore;
using Scop.Aspire.Portal.Data;
using Scop.Aspire.Portal.Domain;
using Scop.Aspire.Portal.Features.Caching;
using Scop.Aspire.Portal.Features.Content;
using Scop.Aspire.ServiceDefaults.Messaging;

namespace Scop.Aspire.Portal.Consumers;

/// <summary>
/// A scheduled item's moment came: it is published if it is still scheduled for that moment. An item unpublished or
/// scheduled again meanwhile is left alone (its new timer, if any, publishes it).
/// </summary>
public sealed class ContentPublicationConsumer(PortalDbContext db, TimeProvider time, Publication publication, PortalCache cache)
    : InboxConsumer<ContentPublicationDue, PortalDbContext>(db, time)
{
    private string? changedSite;

    protected override async Task HandleAsync(ConsumeContext<ContentPublicationDue> context, CancellationToken ct)
    {
        var due = context.Message;
        var item = await Db.Items.FromSql($"SELECT *, xmin FROM items WHERE id = {due.ItemId} FOR UPDATE").SingleOrDefaultAsync(ct);
        if (item is not { Status: ContentStatus.Scheduled } || item.PublishAt != due.PublishAt || due.PublishAt > Time.GetUtcNow())
        {
            return;
        }

        var site = await Db.Sites.AsNoTracking().SingleAsync(s => s.Id == item.SiteId, ct);
        if (site.Closed)
        {
            return;
        }

        await publication.PublishAsync(Db, item, site, due.PublishAt, ct);
        item.UpdatedAt = Time.GetUtcNow();
        changedSite = site.Slug;
    }

    protected override Task AfterCommitAsync(ConsumeContext<ContentPublicationDue> context, CancellationToken ct) =>
        changedSite is null ? Task.CompletedTask : cache.SiteChangedAsync(changedSite);
}
