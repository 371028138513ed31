namespace Scop.Aspire.RepriseWatch;

/// <summary>The watch's rules that the federation may tune (<c>Scop:RepriseWatch</c>).</summary>
public sealed class RepriseWatchOptions
{
    public const string Section = "Scop:RepriseWatch";

    /// <summary>An open opportunity without a report or a move for this many days is flagged stale.</summary>
    public int StaleAfterDays { get; set; } = 30;

    public TimeSpan StaleAfter => TimeSpan.FromDays(StaleAfterDays);
}
