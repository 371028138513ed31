namespace Scop.Aspire.Portal.Domain;

/// <summary>
/// One entry of the strategic-watch feed: something that happened in the movement, with what a reader filters on
/// (its kind, the regional union it happened in, its sector) and where to read more.
/// </summary>
public sealed class FeedItem
{
    public const string CooperativeJoinedKind = "cooperative-joined";
    public const string GoodPracticePublishedKind = "good-practice-published";
    public const string ExperienceSheetPublishedKind = "experience-sheet-published";
    public const string NewsPublishedKind = "news-published";
    public const string AmbassadeLabelledKind = "ambassade-labelled";
    public const string ClubOpenedKind = "club-opened";
    public const string TakeoverReportedKind = "takeover-reported";
    public const string TakeoverConvertedKind = "takeover-converted";

    /// <summary>The kinds the feed carries today (the watch filters accept these).</summary>
    public static readonly IReadOnlyList<string> Kinds =
        [CooperativeJoinedKind, AmbassadeLabelledKind, ClubOpenedKind, TakeoverReportedKind, TakeoverConvertedKind, GoodPracticePublishedKind,
            ExperienceSheetPublishedKind, NewsPublishedKind];

    public Guid Id { get; set; }

    public required string Kind { get; set; }

    public required string Title { get; set; }

    /// <summary>The cooperative, person or thing the entry is about.</summary>
    public Guid SubjectId { get; set; }

    /// <summary>The regional union it happened in; null when national.</summary>
    public string? Region { get; set; }

    /// <summary>The NAF division (two digits) of the cooperative it is about, or the sector of the content.</summary>
    public string? Sector { get; set; }

    /// <summary>Where to read more, a path of the portal's API (a site or an item).</summary>
    public string? Link { get; set; }

    public DateTimeOffset OccurredAt { get; set; }

    public DateTimeOffset PublishedAt { get; set; }

    /// <summary>The trace of the request that caused the entry, to find it in the dashboard.</summary>
    public string? TraceId { get; set; }
}
