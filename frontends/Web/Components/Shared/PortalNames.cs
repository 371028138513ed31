namespace Scop.Aspire.Web.Components.Shared;

/// <summary>The portal's kinds of site and of content in the words of the site.</summary>
public static class PortalNames
{
    /// <summary>The national site's slug: the pages of this front-end that belong to no other site count as its visits.</summary>
    public const string NationalSite = "confederation";

    public static readonly IReadOnlyList<(string Kind, string Label)> SiteKinds =
    [
        ("confederation", "Confédération"),
        ("regional-union", "Union régionale"),
        ("federation", "Fédération de métier"),
        ("cooperative", "Coopérative"),
        ("partner", "Partenaire"),
    ];

    public static readonly IReadOnlyList<(string Kind, string Label)> ItemKinds =
    [
        ("news", "Actualité"),
        ("page", "Page"),
        ("experience-sheet", "Fiche d'expérience"),
        ("guide", "Guide des bonnes pratiques"),
        ("cooperative-law", "Droit coopératif"),
        ("financial-tool", "Outil financier"),
    ];

    public static string SiteKind(string kind) => SiteKinds.FirstOrDefault(k => k.Kind == kind).Label ?? kind;

    public static string ItemKind(string kind) => ItemKinds.FirstOrDefault(k => k.Kind == kind).Label ?? kind;

    /// <summary>Where a published item is read on this front-end.</summary>
    public static string ItemLink(string site, string item) => $"/sites/{Uri.EscapeDataString(site)}/{Uri.EscapeDataString(item)}";
}
