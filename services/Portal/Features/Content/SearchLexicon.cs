using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Scop.Aspire.Portal.Data;
using Scop.Aspire.Portal.Domain;

namespace Scop.Aspire.Portal.Features.Content;

/// <summary>
/// The words of published items, folded (lower case, no accents), each once: search corrects a typo by the nearest of
/// them (trigram similarity). Words only join; one that no longer appears anywhere finds nothing, which is harmless.
/// </summary>
public sealed partial class SearchLexicon
{
    public const int MinWordLength = 3;
    public const int MaxWordLength = 40;

    public static IEnumerable<string> WordsOf(string text) =>
        WordPattern().Matches(Text.Fold(text)).Select(m => m.Value)
            .Where(w => w.Length is >= MinWordLength and <= MaxWordLength && !w.All(char.IsAsciiDigit));

    /// <summary>The words of a query, folded as the lexicon's are; short ones too (they still search, uncorrected).</summary>
    public static IEnumerable<string> Terms(string query) =>
        WordPattern().Matches(Text.Fold(query)).Select(m => m.Value).Where(w => w.Length <= MaxWordLength);

    public async Task AddWordsAsync(PortalDbContext db, ContentItem item, CancellationToken ct)
    {
        var body = item.BodyText.Length > ContentItem.IndexedTextLength ? item.BodyText[..ContentItem.IndexedTextLength] : item.BodyText;
        var words = WordsOf($"{item.Title} {item.Summary} {item.Theme} {item.Sector} {body}").Distinct().Order(StringComparer.Ordinal).ToArray();
        if (words.Length > 0)
        {
            await db.Database.ExecuteSqlAsync(
                $"INSERT INTO search_words (word) SELECT unnest({words}) ON CONFLICT DO NOTHING", ct);
        }
    }

    /// <summary>A word: letters and digits; everything else separates.</summary>
    [GeneratedRegex(@"[\p{L}\p{N}]+")]
    public static partial Regex WordPattern();
}
