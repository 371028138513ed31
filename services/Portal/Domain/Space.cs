namespace Scop.Aspire.Portal.Domain;

public enum SpaceKind
{
    WorkingGroup,
    Instance,
    Club,
}

/// <summary>
/// A collaborative space (the seed's line 12: "spaces of exchange between the actors of the movement"): a working
/// group, an instance or a club, with its members, threads and documents. A space of a regional union's instance has
/// that union's delegates among its members, by their token; everyone else is a member by name (person id).
/// </summary>
public sealed class Space
{
    public const int MaxNameLength = 200;

    public Guid Id { get; set; }

    public required string Name { get; set; }

    public SpaceKind Kind { get; set; }

    /// <summary>The union whose delegates are members by their role; null for a space of named members only.</summary>
    public string? RegionalUnion { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}

public sealed class SpaceMember
{
    public Guid SpaceId { get; set; }

    public Guid PersonId { get; set; }

    public DateTimeOffset AddedAt { get; set; }
}

public sealed class SpaceThread
{
    public const int MaxTitleLength = 200;

    public Guid Id { get; set; }

    public Guid SpaceId { get; set; }

    public required string Title { get; set; }

    public Guid? StartedBy { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset LastPostAt { get; set; }
}

public sealed class SpacePost
{
    public const int MaxBodyLength = 20_000;
    public const int MaxMentions = 20;

    /// <summary>The identity service's bound on a display name (<c>PlatformUser.MaxDisplayNameLength</c>).</summary>
    public const int MaxAuthorNameLength = 200;

    public Guid Id { get; set; }

    /// <summary>The order posts were written in (the database numbers them): two posts of the same instant keep theirs.</summary>
    public long Number { get; set; }

    public Guid ThreadId { get; set; }

    public Guid? AuthorPersonId { get; set; }

    public required string Author { get; set; }

    /// <summary>
    /// The author's display name as their token gave it (the <c>name</c> claim) when they wrote the post; null when the
    /// token had none or only the account's user name, and once the author is erased.
    /// </summary>
    public string? AuthorName { get; set; }

    public required string BodyMarkdown { get; set; }

    public required string BodyHtml { get; set; }

    public List<Guid> Mentions { get; set; } = [];

    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>A document of a space: its bytes in the database (durable with the rest, backed up with it) and their SHA-256.</summary>
public sealed class SpaceDocument
{
    public const int MaxNameLength = 200;

    /// <summary>The platform's request limit (the gateway's too): 1 MiB.</summary>
    public const int MaxBytes = 1024 * 1024;

    public Guid Id { get; set; }

    public Guid SpaceId { get; set; }

    public required string Name { get; set; }

    /// <summary>The type read from the content itself, never from the name.</summary>
    public required string ContentType { get; set; }

    public long Size { get; set; }

    public required string Sha256 { get; set; }

    public required byte[] Content { get; set; }

    public Guid? UploadedBy { get; set; }

    public DateTimeOffset UploadedAt { get; set; }
}
