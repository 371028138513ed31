using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using Scop.Aspire.Portal.Domain;
using Scop.Aspire.ServiceDefaults.Http;

namespace Scop.Aspire.Portal.Features.Feed;

/// <summary>What a reader of the watch feed filters on: the kind of entry, the regional union, the sector (NAF division).</summary>
public static partial class WatchFilter
{
    public static ValidationProblem? Problem(string? kind, string? region, string? sector)
    {
        var errors = new ValidationErrors();
        if (kind is not null && !FeedItem.Kinds.Contains(kind))
        {
            errors.Add("kind", $"One of {string.Join(", ", FeedItem.Kinds)}.");
        }

        if (region is not null && (region.Length > 64 || !Site.IsSlug(region)))
        {
            errors.Add("region", "A regional union code (e.g. urscop-aura).");
        }

        if (sector is not null && !Division().IsMatch(sector))
        {
            errors.Add("sector", "A NAF division: two digits (e.g. 62).");
        }

        return errors.IsValid ? null : TypedResults.ValidationProblem(errors.ToDictionary());
    }

    public static IQueryable<FeedItem> Apply(IQueryable<FeedItem> items, string? kind, string? region, string? sector)
    {
        if (kind is not null)
        {
            items = items.Where(i => i.Kind == kind);
        }

        if (region is not null)
        {
            items = items.Where(i => i.Region == region);
        }

        if (sector is not null)
        {
            items = items.Where(i => i.Sector == sector);
        }

        return items;
    }

    /// <summary>The filter as a query string, for the Atom feed a reader subscribes to.</summary>
    public static string Query(string? kind, string? region, string? sector) =>
        string.Join('&', new[] { ("kind", kind), ("region", region), ("sector", sector) }
            .Where(p => p.Item2 is not null).Select(p => $"{p.Item1}={Uri.EscapeDataString(p.Item2!)}"));

    [GeneratedRegex("^[0-9]{2}$")]
    private static partial Regex Division();
}
