using System.Diagnostics;
using Scop.Aspire.Portal.Data;
using Scop.Aspire.Portal.Domain;

namespace Scop.Aspire.Portal.Features.Content;

/// <summary>
/// What publishing an item does, wherever it is published from (an editor now, a scheduled timer, a guide version):
/// the item becomes public, the watch feed says so for the kinds the network follows, and its words join the search
/// lexicon. Saved by the caller's unit of work; the caller invalidates the cache after the commit.
/// </summary>
public sealed class Publication(SearchLexicon lexicon)
{
    public async Task PublishAsync(PortalDbContext db, ContentItem item, Site site, DateTimeOffset now, CancellationToken ct)
    {
        var firstTime = item.PublishedAt is null;
        item.Status = ContentStatus.Published;
        item.PublishAt = null;
        item.PublishedAt ??= now;
        await lexicon.AddWordsAsync(db, item, ct);

        var kind = item.Kind switch
        {
            ContentKind.Guide => FeedItem.GoodPracticePublishedKind,
            ContentKind.ExperienceSheet => FeedItem.ExperienceSheetPublishedKind,
            ContentKind.News => FeedItem.NewsPublishedKind,
            _ => null,
        };
        if (kind is not null && (firstTime || item.Kind == ContentKind.Guide))
        {
            db.FeedItems.Add(new FeedItem
            {
                Id = Guid.CreateVersion7(now),
                Kind = kind,
                Title = item.Kind == ContentKind.Guide && !firstTime ? $"{item.Title} (version {item.CurrentVersion})" : item.Title,
                SubjectId = item.Id,
                Region = item.Region ?? site.RegionalUnion,
                Sector = item.Sector,
                Link = $"/api/portal/sites/{site.Slug}/items/{item.Slug}",
                OccurredAt = now,
                PublishedAt = now,
                TraceId = Activity.Current?.TraceId.ToString(),
            });
        }
    }
}
