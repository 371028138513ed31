using Microsoft.Extensions.Configuration;

namespace Scop.Aspire.ReferenceData;

/// <summary>
/// Which regional union (UR) a cooperative, an opportunity or an Ambassade belongs to, from the région of its commune:
/// every service that places something in a union uses this one table, so they agree. The table is
/// <c>regional-unions.json</c> here (<c>Scop:RegionalUnions</c>): <c>Unions</c> names each union by its id, <c>ByRegion</c>
/// maps an INSEE région code to a union id; a service's configuration may override any entry under the same keys. Every
/// région of the commune list must map to a known union, or the service does not start.
/// </summary>
public sealed class RegionalUnions
{
    public const string Section = "Scop:RegionalUnions";

    private readonly IReadOnlyDictionary<string, string> names;
    private readonly IReadOnlyDictionary<string, string> byRegion;

    private RegionalUnions(IReadOnlyDictionary<string, string> names, IReadOnlyDictionary<string, string> byRegion)
    {
        this.names = names;
        this.byRegion = byRegion;
    }

    public static RegionalUnions From(IConfiguration configuration, FrenchReferenceData reference)
    {
        using var defaults = typeof(RegionalUnions).Assembly.GetManifestResourceStream("Scop.Aspire.ReferenceData.regional-unions.json")
            ?? throw new InvalidOperationException("regional-unions.json is not embedded in the reference data.");
        var section = new ConfigurationBuilder().AddJsonStream(defaults).AddConfiguration(configuration).Build().GetSection(Section);
        var names = section.GetSection("Unions").GetChildren().ToDictionary(c => c.Key, c => c.Value ?? c.Key, StringComparer.Ordinal);
        var byRegion = section.GetSection("ByRegion").GetChildren()
            .ToDictionary(c => c.Key, c => c.Value ?? "", StringComparer.Ordinal);

        var unknownUnions = byRegion.Where(pair => !names.ContainsKey(pair.Value)).Select(pair => $"{pair.Key} → '{pair.Value}'").ToList();
        var unmapped = reference.Communes.Select(c => c.Region).Distinct().Where(region => !byRegion.ContainsKey(region)).Order().ToList();
        if (unknownUnions.Count > 0 || unmapped.Count > 0)
        {
            throw new InvalidOperationException(
                $"{Section} is incomplete: " +
                (unmapped.Count > 0 ? $"régions without a union: {string.Join(", ", unmapped)}. " : "") +
                (unknownUnions.Count > 0 ? $"régions mapped to an unknown union: {string.Join(", ", unknownUnions)}." : ""));
        }

        return new RegionalUnions(names, byRegion);
    }

    /// <summary>The union of a région (INSEE code).</summary>
    public string ForRegion(string region) => byRegion.TryGetValue(region, out var union)
        ? union
        : throw new InvalidOperationException($"Région {region} has no regional union in {Section}:ByRegion.");

    public string NameOf(string union) => names.GetValueOrDefault(union, union);

    /// <summary>A union of the table, by its id (<c>urscop-aura</c>).</summary>
    public bool IsKnown(string union) => names.ContainsKey(union);
}
