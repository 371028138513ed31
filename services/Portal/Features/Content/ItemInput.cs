using Scop.Aspire.Portal.Domain;
using Scop.Aspire.ServiceDefaults.Http;

namespace Scop.Aspire.Portal.Features.Content;

/// <summary>An item as an editor sends it (create or replace), and its validation.</summary>
public sealed record ItemRequest(string? Kind, string? Slug, string? Title, string? Summary, string? Body, string? Region,
    string? Sector, string? Theme, ExperienceSheetInput? Sheet);

public sealed record ExperienceSheetInput(string? Problem, string? WhatWasDone, string? Results, string? Contact);

public sealed record ValidItem(ContentKind Kind, string? Slug, string Title, string? Summary, string Body, string? Region,
    string? Sector, string? Theme, ExperienceSheet? Sheet);

public static class ItemInput
{
    /// <summary>The kinds an editor writes directly; guide entries go through their review (<c>/guide/proposals</c>).</summary>
    public static readonly IReadOnlyList<ContentKind> EditorKinds =
        [ContentKind.News, ContentKind.Page, ContentKind.ExperienceSheet, ContentKind.CooperativeLaw, ContentKind.FinancialTool];

    public static string KindName(ContentKind kind) => kind switch
    {
        ContentKind.News => "news",
        ContentKind.Page => "page",
        ContentKind.ExperienceSheet => "experience-sheet",
        ContentKind.Guide => "guide",
        ContentKind.CooperativeLaw => "cooperative-law",
        ContentKind.FinancialTool => "financial-tool",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    public static ContentKind? ParseKind(string? value) =>
        Enum.GetValues<ContentKind>().Cast<ContentKind?>().FirstOrDefault(k => KindName(k!.Value) == value?.Trim());

    public static ValidItem? Validate(ItemRequest r, ValidationErrors errors, ContentKind? fixedKind = null)
    {
        var kind = fixedKind ?? ParseKind(r.Kind);
        if (fixedKind is null)
        {
            if (string.IsNullOrWhiteSpace(r.Kind))
            {
                errors.Add("kind", "This field is required.");
            }
            else if (kind is null || !EditorKinds.Contains(kind.Value))
            {
                errors.Add("kind", $"One of {string.Join(", ", EditorKinds.Select(KindName))} (guide entries are proposed at /api/portal/guide/proposals).");
            }
        }
        else if (r.Kind is not null && ParseKind(r.Kind) != fixedKind)
        {
            errors.Add("kind", "An item keeps its kind.");
        }

        var slug = r.Slug?.Trim();
        if (string.IsNullOrEmpty(slug))
        {
            slug = null;
        }
        else if (slug.Length > ContentItem.MaxSlugLength || !Site.IsSlug(slug))
        {
            errors.Add("slug", $"Lower-case letters, digits and single dashes, at most {ContentItem.MaxSlugLength} characters.");
        }

        var title = errors.RequireText("title", r.Title, ContentItem.MaxTitleLength);
        var summary = Optional(errors, "summary", r.Summary, ContentItem.MaxSummaryLength);
        var body = r.Body ?? "";
        if (body.Length > ContentItem.MaxBodyLength)
        {
            errors.Add("body", $"At most {ContentItem.MaxBodyLength} characters of Markdown.");
        }

        var region = Optional(errors, "region", r.Region, 64);
        if (region is not null && !Site.IsSlug(region))
        {
            errors.Add("region", "A regional union code (e.g. urscop-aura).");
        }

        var sector = Optional(errors, "sector", r.Sector, ContentItem.MaxFacetLength);
        var theme = Optional(errors, "theme", r.Theme, ContentItem.MaxFacetLength);
        ExperienceSheet? sheet = null;
        if (kind == ContentKind.ExperienceSheet)
        {
            if (r.Sheet is null)
            {
                errors.Add("sheet", "An experience sheet says the problem, what was done, the results and a contact.");
            }
            else
            {
                sheet = new ExperienceSheet(
                    errors.RequireText("sheet.problem", r.Sheet.Problem, ContentItem.MaxSheetFieldLength),
                    errors.RequireText("sheet.whatWasDone", r.Sheet.WhatWasDone, ContentItem.MaxSheetFieldLength),
                    errors.RequireText("sheet.results", r.Sheet.Results, ContentItem.MaxSheetFieldLength),
                    errors.RequireText("sheet.contact", r.Sheet.Contact, 300));
            }

            if (sector is null)
            {
                errors.Add("sector", "An experience sheet names its sector.");
            }

            if (region is null)
            {
                errors.Add("region", "An experience sheet names its regional union.");
            }

            if (theme is null)
            {
                errors.Add("theme", "An experience sheet names its theme.");
            }
        }
        else if (r.Sheet is not null && kind is not null)
        {
            errors.Add("sheet", "Only an experience sheet has one.");
        }

        return errors.IsValid ? new ValidItem(kind!.Value, slug, title, summary, body, region, sector, theme, sheet) : null;
    }

    private static string? Optional(ValidationErrors errors, string field, string? value, int maxLength)
    {
        var trimmed = value?.Trim();
        if (string.IsNullOrEmpty(trimmed))
        {
            return null;
        }

        if (trimmed.Length > maxLength)
        {
            errors.Add(field, $"At most {maxLength} characters.");
        }

        return trimmed;
    }
}
