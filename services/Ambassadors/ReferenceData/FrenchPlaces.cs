using System.Collections.Frozen;
using System.Globalization;

namespace Scop.Aspire.Ambassadors.ReferenceData;

/// <summary>Where a commune's position comes from (see update.sh).</summary>
public enum PositionSource
{
    /// <summary>GeoNames' place carrying the commune's INSEE code.</summary>
    GeoNames,

    /// <summary>GeoNames' place of the commune's name in its overseas territory, where GeoNames has no INSEE code.</summary>
    GeoNamesName,

    /// <summary>Not in GeoNames: the mean of the positions of its EPCI's communes that are.</summary>
    Epci,

    /// <summary>Neither it nor its EPCI in GeoNames: the mean of its département's located communes.</summary>
    Departement,
}

/// <summary>A point on the sphere, in degrees (WGS 84).</summary>
public readonly record struct GeoPoint(double Latitude, double Longitude)
{
    public static bool IsValid(double latitude, double longitude) =>
        double.IsFinite(latitude) && double.IsFinite(longitude) && latitude is >= -90 and <= 90 && longitude is >= -180 and <= 180;
}

/// <summary>
/// A current commune of the platform's INSEE list: its département, région and EPCI, its postcodes, and its position
/// with where that position comes from — or none (a few uninhabited districts of the TAAF and Clipperton), never 0,0.
/// </summary>
public sealed record Commune(string Code, string Name, string Departement, string Region, string Epci, int Population,
    IReadOnlyList<string> Postcodes, GeoPoint? Position, PositionSource? PositionSource);

/// <summary>
/// The public reference data this service needs, shipped with it: the communes (the register's INSEE list, with a
/// position and postcodes from commune-positions.csv), the EPCI and the NAF sub-classes.
/// </summary>
public sealed class FrenchPlaces
{
    private readonly FrozenDictionary<string, Commune> communes;
    private readonly FrozenDictionary<string, Commune[]> byPostcode;
    private readonly FrozenDictionary<string, string> epciNames;
    private readonly FrozenDictionary<string, string> nafLabels;
    private readonly FrozenSet<string> regions;
    private readonly FrozenSet<string> departements;
    private readonly FrozenSet<string> nafDivisions;

    private FrenchPlaces(FrozenDictionary<string, Commune> communes, FrozenDictionary<string, string> epciNames,
        FrozenDictionary<string, string> nafLabels)
    {
        this.communes = communes;
        this.epciNames = epciNames;
        this.nafLabels = nafLabels;
        regions = communes.Values.Select(c => c.Region).ToFrozenSet(StringComparer.Ordinal);
        departements = communes.Values.Select(c => c.Departement).ToFrozenSet(StringComparer.Ordinal);
        nafDivisions = nafLabels.Keys.Select(k => k[..2]).ToFrozenSet(StringComparer.Ordinal);
        byPostcode = communes.Values.SelectMany(c => c.Postcodes.Select(p => (Postcode: p, Commune: c)))
            .GroupBy(p => p.Postcode, StringComparer.Ordinal)
            .ToFrozenDictionary(g => g.Key, g => g.Select(p => p.Commune).OrderByDescending(c => c.Population).ToArray(),
                StringComparer.Ordinal);
    }

    public static FrenchPlaces Load()
    {
        var positions = ReadCsv("commune-positions.csv").ToDictionary(f => f[0], StringComparer.Ordinal);
        var communes = ReadCsv("communes.csv").Select(f =>
            {
                if (!positions.TryGetValue(f[0], out var p))
                {
                    throw new InvalidOperationException($"Commune {f[0]} has no row in commune-positions.csv: run ReferenceData/update.sh.");
                }

                var located = p[2].Length > 0;
                return new Commune(f[0], f[1], f[2], f[3], f[4], int.Parse(f[5], CultureInfo.InvariantCulture),
                    p[1].Split(' ', StringSplitOptions.RemoveEmptyEntries),
                    located ? new GeoPoint(double.Parse(p[2], CultureInfo.InvariantCulture), double.Parse(p[3], CultureInfo.InvariantCulture)) : null,
                    located ? ParseSource(p[4]) : null);
            })
            .ToFrozenDictionary(c => c.Code, StringComparer.Ordinal);
        var epci = ReadCsv("epci.csv").ToFrozenDictionary(f => f[0], f => f[1], StringComparer.Ordinal);
        var naf = ReadCsv("naf.csv").ToFrozenDictionary(f => f[0], f => f[1], StringComparer.Ordinal);
        return new FrenchPlaces(communes, epci, naf);
    }

    public IReadOnlyCollection<Commune> Communes => communes.Values;

    public Commune? FindCommune(string? code) =>
        code is not null && communes.TryGetValue(code.Trim().ToUpperInvariant(), out var commune) ? commune : null;

    /// <summary>The communes a postcode serves, the most populous first.</summary>
    public IReadOnlyList<Commune> CommunesOfPostcode(string? postcode) =>
        postcode is not null && byPostcode.TryGetValue(postcode.Trim(), out var found) ? found : [];

    public string? EpciName(string? code) => code is not null && epciNames.TryGetValue(code, out var name) ? name : null;

    public bool IsRegion(string? code) => code is not null && regions.Contains(code);

    public bool IsDepartement(string? code) => code is not null && departements.Contains(code);

    /// <summary>A NAF rév. 2 sub-class of the nomenclature ("62.01Z").</summary>
    public bool IsNafCode(string? code) => code is not null && nafLabels.ContainsKey(code);

    /// <summary>A NAF division (the two first digits, "62") of the nomenclature.</summary>
    public bool IsNafDivision(string? division) => division is not null && nafDivisions.Contains(division);

    private static PositionSource ParseSource(string source) => source switch
    {
        "geonames" => ReferenceData.PositionSource.GeoNames,
        "geonames-name" => ReferenceData.PositionSource.GeoNamesName,
        "epci" => ReferenceData.PositionSource.Epci,
        "departement" => ReferenceData.PositionSource.Departement,
        _ => throw new InvalidOperationException($"Unknown position source '{source}' in commune-positions.csv."),
    };

    private static List<string[]> ReadCsv(string name)
    {
        using var stream = typeof(FrenchPlaces).Assembly.GetManifestResourceStream($"Scop.Aspire.Ambassadors.ReferenceData.{name}")
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
}
