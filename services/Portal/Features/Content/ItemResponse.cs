using Scop.Aspire.Portal.Domain;
using Scop.Aspire.ServiceDefaults.Http;

namespace Scop.Aspire.Portal.Features.Content;

/// <summary>An item as its editors see it: the Markdown source, the rendered HTML, the status and the ETag.</summary>
public sealed record EditorItemResponse(Guid Id, string Site, string Kind, string Slug, string Title, string? Summary,
    string Body, string Html, string? Region, string? Sector, string? Theme, ExperienceSheet? Sheet, string Status,
    DateTimeOffset? PublishAt, DateTimeOffset? PublishedAt, DateTimeOffset UpdatedAt, string ETag)
{
    public static EditorItemResponse From(ContentItem i, Site site) => new(i.Id, site.Slug, ItemInput.KindName(i.Kind), i.Slug,
        i.Title, i.Summary, i.BodyMarkdown, i.BodyHtml, i.Region, i.Sector, i.Theme, i.Sheet, StatusName(i.Status), i.PublishAt,
        i.PublishedAt, i.UpdatedAt, Preconditions.ETagOf(i.Version));

    public static string StatusName(ContentStatus status) => status.ToString().ToLowerInvariant();
}

/// <summary>A published item as the public reads it: no source, no editor, no draft.</summary>
public sealed record PublicItemResponse(Guid Id, string Site, string Kind, string Slug, string Title, string? Summary,
    string Html, string? Region, string? Sector, string? Theme, ExperienceSheet? Sheet, DateTimeOffset PublishedAt,
    int? Version)
{
    public static PublicItemResponse From(ContentItem i, string site) => new(i.Id, site, ItemInput.KindName(i.Kind), i.Slug,
        i.Title, i.Summary, i.BodyHtml, i.Region, i.Sector, i.Theme, i.Sheet, i.PublishedAt!.Value, i.CurrentVersion);
}

/// <summary>A line of a list of published items.</summary>
public sealed record ItemSummary(Guid Id, string Site, string Kind, string Slug, string Title, string? Summary,
    string? Region, string? Sector, string? Theme, DateTimeOffset? PublishedAt, string Status);
