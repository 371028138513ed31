namespace Scop.Aspire.Portal.Domain;

/// <summary>A watch-feed filter a signed-in person keeps, with the Atom address that follows it.</summary>
public sealed class SavedWatchFilter
{
    public const int MaxPerOwner = 20;
    public const int MaxNameLength = 100;

    public Guid Id { get; set; }

    /// <summary>The account that keeps it: its token's subject.</summary>
    public required string Owner { get; set; }

    /// <summary>The person of the register, when the token said: erasure finds their filters by it.</summary>
    public Guid? PersonId { get; set; }

    public required string Name { get; set; }

    public string? Kind { get; set; }

    public string? Region { get; set; }

    public string? Sector { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}
