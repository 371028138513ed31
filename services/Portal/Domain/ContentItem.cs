namespace Scop.Aspire.Portal.Domain;

/// <summary>What an item is: the seed's kinds of information (line of action 12) and the good-practice guide (11).</summary>
public enum ContentKind
{
    News,
    Page,
    ExperienceSheet,
    Guide,
    CooperativeLaw,
    FinancialTool,
}

public enum ContentStatus
{
    Draft,
    Scheduled,
    Published,
    Unpublished,
}

/// <summary>
/// A piece of content of one site: written in Markdown, kept with its rendered and sanitised HTML and its plain text
/// (for search and extracts). Drafts are seen by the site's editors only; a scheduled item is published by a durable
/// timer at <see cref="PublishAt"/>; edits name the version they read (ETag, the row version).
/// </summary>
public sealed class ContentItem
{
    public const int MaxSlugLength = 120;
    public const int MaxTitleLength = 300;
    public const int MaxSummaryLength = 1_000;

    /// <summary>A Markdown body of about 1 MB at most: the largest a JSON request can carry.</summary>
    public const int MaxBodyLength = 1_000_000;

    public const int MaxFacetLength = 100;
    public const int MaxSheetFieldLength = 10_000;

    /// <summary>How much of a body's text is indexed for search: PostgreSQL's tsvector holds at most 1 MB.</summary>
    public const int IndexedTextLength = 200_000;

    public Guid Id { get; set; }

    public Guid SiteId { get; set; }

    public ContentKind Kind { get; set; }

    public required string Slug { get; set; }

    public required string Title { get; set; }

    public string? Summary { get; set; }

    public required string BodyMarkdown { get; set; }

    /// <summary>The body rendered to HTML and sanitised: nothing in it runs in a reader's browser.</summary>
    public required string BodyHtml { get; set; }

    /// <summary>The body as plain text: what search indexes and quotes.</summary>
    public required string BodyText { get; set; }

    /// <summary>Facets: the regional union (région) the item is about, its sector and theme.</summary>
    public string? Region { get; set; }

    public string? Sector { get; set; }

    public string? Theme { get; set; }

    /// <summary>The structured part of an experience sheet; null for other kinds.</summary>
    public ExperienceSheet? Sheet { get; set; }

    public ContentStatus Status { get; set; }

    public DateTimeOffset? PublishAt { get; set; }

    public DateTimeOffset? PublishedAt { get; set; }

    /// <summary>The current version of a guide entry (the number of the published version readers see).</summary>
    public int? CurrentVersion { get; set; }

    /// <summary>Who wrote it last: the subject of their token.</summary>
    public required string UpdatedBy { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public uint Version { get; set; }

    public bool IsPublic => Status == ContentStatus.Published;
}

/// <summary>An experience sheet's structure: the seed's "fiches d'expériences".</summary>
public sealed record ExperienceSheet(string Problem, string WhatWasDone, string Results, string Contact);
