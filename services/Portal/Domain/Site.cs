using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Scop.Aspire.Portal.Domain;

/// <summary>Whose site it is: the confederation, a regional union, a trade federation, a member cooperative, a partner.</summary>
public enum SiteKind
{
    Confederation,
    RegionalUnion,
    Federation,
    Cooperative,
    Partner,
}

/// <summary>
/// One site of the multi-site portal: its own slug (<c>/sites/{slug}/…</c>), pages and a menu, links to complementary
/// sites, and editors given by its kind (<see cref="Features.PortalAccess.CanEdit"/>). A cooperative's site is made when
/// the register says it joined and closed when its membership lapses; a closed site shows nothing to the public.
/// </summary>
public sealed partial class Site
{
    public const string ConfederationSlug = "confederation";
    public const int MaxSlugLength = 80;
    public const int MaxNameLength = 200;
    public const int MaxMenuEntries = 20;
    public const int MaxLinks = 20;

    public Guid Id { get; set; }

    public required string Slug { get; set; }

    public SiteKind Kind { get; set; }

    public required string Name { get; set; }

    /// <summary>The regional union the site belongs to (a union's own site, a cooperative's); null for national sites.</summary>
    public string? RegionalUnion { get; set; }

    /// <summary>The cooperative of a cooperative's site, as the membership register names it.</summary>
    public Guid? CooperativeId { get; set; }

    public string? CommuneCode { get; set; }

    /// <summary>The NAF sub-class of a cooperative's site (its sector).</summary>
    public string? NafCode { get; set; }

    public bool Closed { get; set; }

    /// <summary>The menu: labels and the slug of the page each opens, in order.</summary>
    public List<MenuEntry> Menu { get; set; } = [];

    /// <summary>Slugs of complementary sites the site links to.</summary>
    public List<string> Links { get; set; } = [];

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When the register last stated a fact about the cooperative: an older fact arriving late changes nothing.</summary>
    public DateTimeOffset? RegisterStatedAt { get; set; }

    /// <summary>PostgreSQL's row version (xmin): the ETag of edits.</summary>
    public uint Version { get; set; }

    public static bool IsSlug(string value) => value.Length is > 0 and <= MaxSlugLength && SlugPattern().IsMatch(value);

    /// <summary>"Coopérative des Tisserands" → "cooperative-des-tisserands".</summary>
    public static string Slugify(string text, int maxLength = 60)
    {
        var folded = Text.Fold(text);
        var builder = new StringBuilder(folded.Length);
        foreach (var c in folded)
        {
            if (char.IsAsciiLetterOrDigit(c))
            {
                builder.Append(c);
            }
            else if (builder.Length > 0 && builder[^1] != '-')
            {
                builder.Append('-');
            }
        }

        var slug = builder.ToString().Trim('-');
        if (slug.Length > maxLength)
        {
            slug = slug[..maxLength].TrimEnd('-');
        }

        return slug.Length == 0 ? "site" : slug;
    }

    [GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*$")]
    private static partial Regex SlugPattern();
}

public sealed record MenuEntry(string Label, string Page);

/// <summary>Text folding shared by slugs, the search lexicon and the facets: lower case, accents removed.</summary>
public static class Text
{
    public static string Fold(string text)
    {
        if (Ascii.IsValid(text))
        {
            return text.ToLowerInvariant();
        }

        var decomposed = text.ToLowerInvariant().Normalize(NormalizationForm.FormD);
        var builder = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark)
            {
                builder.Append(c switch { 'œ' => "oe", 'æ' => "ae", 'ß' => "ss", _ => c.ToString() });
            }
        }

        return builder.ToString().Normalize(NormalizationForm.FormC);
    }
}
