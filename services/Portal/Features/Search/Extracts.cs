using System.Text;
using Scop.Aspire.Portal.Domain;
using Scop.Aspire.Portal.Features.Content;

namespace Scop.Aspire.Portal.Features.Search;

/// <summary>
/// A hit's title and extract as HTML: the text escaped, and each word the query searched for marked
/// (<c>&lt;mark&gt;</c>): a word is marked when one of its lexemes is one of the query's. The title is marked
/// throughout; the extract is at most two fragments of 30 words, each starting a few words before a match, or the first
/// 30 words when only the title matched. It does what <c>ts_headline</c> did without a pass of PostgreSQL's parser over
/// every hit of every search (most of a search's cost in the database).
/// </summary>
public static class Extracts
{
    public const int FragmentWords = 30;
    public const int MaxFragments = 2;
    public const int WordsBefore = 5;
    public const string FragmentSeparator = " … ";

    /// <summary>A text's words, where they are and folded (as <see cref="FrenchLexemes"/> is asked for them).</summary>
    public static List<Token> Tokens(string text) =>
        SearchLexicon.WordPattern().Matches(text).Where(m => m.Length <= SearchLexicon.MaxWordLength)
            .Select(m => new Token(m.Index, m.Length, Text.Fold(m.Value))).ToList();

    public static string Title(string title, List<Token> tokens, IReadOnlySet<string> marked) =>
        tokens.Count == 0 ? Escape(title) : Html(title, tokens, 0, tokens.Count - 1, marked, wholeText: true);

    public static string? Extract(string text, List<Token> tokens, IReadOnlySet<string> marked)
    {
        if (tokens.Count == 0)
        {
            return null;
        }

        var fragments = new List<(int First, int Last)>();
        for (var i = 0; i < tokens.Count && fragments.Count < MaxFragments; i++)
        {
            if (marked.Contains(tokens[i].Folded) && (fragments.Count == 0 || i > fragments[^1].Last))
            {
                var first = Math.Max(i - WordsBefore, fragments.Count == 0 ? 0 : fragments[^1].Last + 1);
                fragments.Add((first, Math.Min(first + FragmentWords, tokens.Count) - 1));
            }
        }

        if (fragments.Count == 0)
        {
            fragments.Add((0, Math.Min(FragmentWords, tokens.Count) - 1));
        }

        return string.Join(FragmentSeparator, fragments.Select(f => Html(text, tokens, f.First, f.Last, marked, wholeText: false)));
    }

    public sealed record Token(int Start, int Length, string Folded);

    /// <summary>The text from the first token to the last (the whole text for a title), escaped, its matches marked.</summary>
    private static string Html(string text, List<Token> tokens, int first, int last, IReadOnlySet<string> marked, bool wholeText)
    {
        var html = new StringBuilder();
        var at = wholeText ? 0 : tokens[first].Start;
        for (var i = first; i <= last; i++)
        {
            var token = tokens[i];
            html.Append(Escape(text[at..token.Start]));
            var word = Escape(text.Substring(token.Start, token.Length));
            html.Append(marked.Contains(token.Folded) ? $"<mark>{word}</mark>" : word);
            at = token.Start + token.Length;
        }

        if (wholeText)
        {
            html.Append(Escape(text[at..]));
        }

        return html.ToString();
    }

    /// <summary>The five characters that mean something in HTML; accents stay as they are.</summary>
    private static string Escape(string text) => text.Replace("&", "&amp;", StringComparison.Ordinal)
        .Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal)
        .Replace("\"", "&quot;", StringComparison.Ordinal).Replace("'", "&#39;", StringComparison.Ordinal);
}
