namespace Scop.Aspire.Portal.Domain;

public enum GuideVersionState
{
    /// <summary>Sent by someone signed in; waits for a review.</summary>
    Proposed,

    /// <summary>Reviewed and accepted by confederation staff; waits to be published.</summary>
    Accepted,

    /// <summary>Reviewed and refused, with the reviewer's note.</summary>
    Rejected,

    /// <summary>A version readers have read: the current one, or an earlier one.</summary>
    Published,
}

/// <summary>
/// One version of an entry of the good-practice guide (the seed's line 11: "the reference of the network for elected
/// officials and staff"). Anyone signed in proposes a new entry or a new version of one; confederation staff review it
/// (accept or reject, with a note) and publish it, which makes it the entry's current version. Every published version
/// stays readable under its number.
/// </summary>
public sealed class GuideVersion
{
    public Guid Id { get; set; }

    /// <summary>The entry this version is of: null for a proposed new entry until it is published.</summary>
    public Guid? ItemId { get; set; }

    /// <summary>1, 2, …: given when published.</summary>
    public int? Number { get; set; }

    public required string Title { get; set; }

    public string? Summary { get; set; }

    public required string BodyMarkdown { get; set; }

    public required string BodyHtml { get; set; }

    public required string BodyText { get; set; }

    public string? Theme { get; set; }

    public GuideVersionState State { get; set; }

    /// <summary>The proposer: their token's subject, and their person in the register when the token says.</summary>
    public required string ProposedBy { get; set; }

    public Guid? ProposedByPerson { get; set; }

    public DateTimeOffset ProposedAt { get; set; }

    public string? ReviewedBy { get; set; }

    public string? ReviewNote { get; set; }

    public DateTimeOffset? ReviewedAt { get; set; }

    public string? PublishedBy { get; set; }

    public DateTimeOffset? PublishedAt { get; set; }

    public uint Version { get; set; }
}
