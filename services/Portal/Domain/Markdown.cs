using Ganss.Xss;
using Markdig;

namespace Scop.Aspire.Portal.Domain;

/// <summary>
/// Markdown to safe HTML: Markdig renders (raw HTML in the source is written out as text, never passed through), then
/// HtmlSanitizer keeps only harmless elements and attributes — no script, no event handler, no <c>javascript:</c> or
/// <c>data:</c> URL, no style — whatever the source tried. Both are maintained libraries; the rules are theirs plus
/// the short lists below.
/// </summary>
public sealed class Markdown
{
    private readonly MarkdownPipeline pipeline = new MarkdownPipelineBuilder()
        .DisableHtml()
        .UsePipeTables()
        .UseEmphasisExtras()
        .UseAutoLinks()
        .UseListExtras()
        .Build();

    private readonly HtmlSanitizer sanitizer = CreateSanitizer();

    public (string Html, string Text) Render(string markdown)
    {
        var html = Markdig.Markdown.ToHtml(markdown, pipeline);
        var text = Markdig.Markdown.ToPlainText(markdown, pipeline);
        return (Sanitize(html), text);
    }

    public string Sanitize(string html) => sanitizer.Sanitize(html);

    private static HtmlSanitizer CreateSanitizer()
    {
        var options = new HtmlSanitizerOptions
        {
            AllowedTags = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
            {
                "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "del", "ins", "sub", "sup", "mark",
                "code", "pre", "blockquote", "ul", "ol", "li", "a", "img", "table", "thead", "tbody", "tr", "th", "td",
            },
            AllowedAttributes = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "href", "src", "alt", "title", "start", "align" },
            AllowedSchemes = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "https", "http", "mailto" },
            UriAttributes = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "href", "src" },
            AllowedCssProperties = new HashSet<string>(StringComparer.OrdinalIgnoreCase),
        };
        var sanitizer = new HtmlSanitizer(options);
        // Links leave the portal without handing it the reader's session or the page they came from.
        sanitizer.PostProcessNode += (_, e) =>
        {
            if (e.Node is AngleSharp.Dom.IElement { LocalName: "a" } link)
            {
                link.SetAttribute("rel", "nofollow noopener noreferrer");
            }
        };
        return sanitizer;
    }
}
