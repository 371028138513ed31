namespace Scop.Aspire.Portal.Domain;

/// <summary>One entry of the network activity feed: something that happened in the movement.</summary>
public sealed class FeedItem
{
    public const string CooperativeJoinedKind = "cooperative-joined";

    public Guid Id { get; set; }

    public required string Kind { get; set; }

    public required string Title { get; set; }

    /// <summary>The cooperative, person or thing the entry is about.</summary>
    public Guid SubjectId { get; set; }

    public DateTimeOffset OccurredAt { get; set; }

    public DateTimeOffset PublishedAt { get; set; }

    /// <summary>The trace of the request that caused the entry, to find it in the dashboard.</summary>
    public string? TraceId { get; set; }
}
