using System.Collections.Frozen;
using System.Text.RegularExpressions;

namespace Scop.Aspire.ReferenceData;

/// <summary>A current commune; <see cref="Epci"/> is the SIREN of its intercommunality (EPCI), empty for the few outside one.</summary>
public sealed record Commune(string Code, string Name, string Departement, string Region, string Epci, int Population);

/// <summary>
/// The public reference data the register checks against, shipped with the service (see update.sh for the sources
/// and licences): the NAF rév. 2 sub-classes and the current communes with their département and région.
/// </summary>
public sealed partial class FrenchReferenceData
{
    private readonly FrozenDictionary<string, string> nafLabels;
    private readonly FrozenDictionary<string, Commune> communes;

    private readonly FrozenDictionary<string, string> epciNames;

    private readonly FrozenSet<string> nafDivisions;

    private FrenchReferenceData(FrozenDictionary<string, string> nafLabels, FrozenDictionary<string, Commune> communes,
        FrozenDictionary<string, string> epciNames)
    {
        this.nafLabels = nafLabels;
        nafDivisions = nafLabels.Keys.Select(code => code[..2]).ToFrozenSet(StringComparer.Ordinal);
        this.communes = communes;
        this.epciNames = epciNames;
    }

    public static FrenchReferenceData Load()
    {
        var naf = ReadCsv("naf.csv").ToFrozenDictionary(fields => fields[0], fields => fields[1], StringComparer.Ordinal);
        var communes = ReadCsv("communes.csv")
            .Select(fields => new Commune(fields[0], fields[1], fields[2], fields[3], fields[4], int.Parse(fields[5], System.Globalization.CultureInfo.InvariantCulture)))
            .ToFrozenDictionary(commune => commune.Code, StringComparer.Ordinal);
        var epci = ReadCsv("epci.csv").ToFrozenDictionary(fields => fields[0], fields => fields[1], StringComparer.Ordinal);
        return new FrenchReferenceData(naf, communes, epci);
    }

    public int NafCodeCount => nafLabels.Count;

    public int CommuneCount => communes.Count;

    /// <summary>Accepts "62.01Z", "6201Z" or "62.01z"; answers the canonical "62.01Z" when it is a real sub-class.</summary>
    public bool TryNormalizeNafCode(string? input, out string code, out string label)
    {
        code = "";
        label = "";
        var match = NafPattern().Match(input?.Trim() ?? "");
        if (!match.Success)
        {
            return false;
        }

        var canonical = $"{match.Groups[1].Value}.{match.Groups[2].Value}{char.ToUpperInvariant(match.Groups[3].Value[0])}";
        if (!nafLabels.TryGetValue(canonical, out var found))
        {
            return false;
        }

        (code, label) = (canonical, found);
        return true;
    }

    public Commune? FindCommune(string? code) =>
        code is not null && communes.TryGetValue(code.Trim().ToUpperInvariant(), out var commune) ? commune : null;

    public IReadOnlyCollection<Commune> Communes => communes.Values;

    /// <summary>The name of an EPCI (by its SIREN), null when unknown.</summary>
    public string? EpciName(string? code) => code is not null && epciNames.TryGetValue(code, out var name) ? name : null;

    public IReadOnlyCollection<string> NafCodes => nafLabels.Keys;

    /// <summary>A NAF division (the two first digits, "62") of the nomenclature.</summary>
    public bool IsNafDivision(string? division) => division is not null && nafDivisions.Contains(division);

    /// <summary>The rows of an embedded list, its header skipped, each split on ';'.</summary>
    internal static IReadOnlyList<string[]> ReadCsv(string name)
    {
        var assembly = typeof(FrenchReferenceData).Assembly;
        using var stream = assembly.GetManifestResourceStream($"Scop.Aspire.ReferenceData.{name}")
            ?? throw new InvalidOperationException($"Reference data {name} is not embedded in the service.");
        using var reader = new StreamReader(stream);
        reader.ReadLine(); // header
        var rows = new List<string[]>();
        while (reader.ReadLine() is { Length: > 0 } line)
        {
            rows.Add(line.Split(';'));
        }

        return rows;
    }

    [GeneratedRegex(@"^(\d{2})\.?(\d{2})([A-Za-z])$")]
    private static partial Regex NafPattern();
}
