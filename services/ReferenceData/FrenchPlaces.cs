using System.Collections.Frozen;
using System.Globalization;

namespace Scop.Aspire.ReferenceData;

/// <summary>Where a commune's position comes from (see update-positions.sh).</summary>
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

    /// <summary>The great-circle distance to <paramref name="other"/> in km, on the sphere of mean radius of WGS 84 (as PostGIS measures).</summary>
    public double DistanceKmTo(GeoPoint other)
    {
        const double radiusKm = 6371.0087714;
        var (lat1, lat2) = (Radians(Latitude), Radians(other.Latitude));
        var (dLat, dLon) = (lat2 - lat1, Radians(other.Longitude - Longitude));
        var h = Math.Sin(dLat / 2) * Math.Sin(dLat / 2) + Math.Cos(lat1) * Math.Cos(lat2) * Math.Sin(dLon / 2) * Math.Sin(dLon / 2);
        return 2 * radiusKm * Math.Asin(Math.Min(1, Math.Sqrt(h)));
    }

    private static double Radians(double degrees) => degrees * Math.PI / 180;
}

/// <summary>
/// A commune of the platform's INSEE list with its postcodes and its position, with where that position comes from —
/// or none (a few uninhabited districts of the TAAF and Clipperton), never 0,0.
/// </summary>
public sealed record PlacedCommune(Commune Commune, IReadOnlyList<string> Postcodes, GeoPoint? Position, PositionSource? PositionSource)
{
    public string Code => Commune.Code;

    public string Name => Commune.Name;

    public string Departement => Commune.Departement;

    public string Region => Commune.Region;

    public string Epci => Commune.Epci;

    public int Population => Commune.Population;
}

/// <summary>
/// The communes of <see cref="FrenchReferenceData"/> placed on the map (commune-positions.csv: a position and the
/// postcodes of each), and the région, département and NAF division codes a search by place or sector accepts.
/// </summary>
public sealed class FrenchPlaces
{
    private readonly FrozenDictionary<string, PlacedCommune> communes;
    private readonly FrozenDictionary<string, PlacedCommune[]> byPostcode;
    private readonly FrozenSet<string> regions;
    private readonly FrozenSet<string> departements;
    private readonly FrozenSet<string> nafCodes;
    private readonly FrenchReferenceData reference;

    private FrenchPlaces(FrenchReferenceData reference, FrozenDictionary<string, PlacedCommune> communes)
    {
        this.communes = communes;
        regions = reference.Communes.Select(c => c.Region).ToFrozenSet(StringComparer.Ordinal);
        departements = reference.Communes.Select(c => c.Departement).ToFrozenSet(StringComparer.Ordinal);
        nafCodes = reference.NafCodes.ToFrozenSet(StringComparer.Ordinal);
        this.reference = reference;
        byPostcode = communes.Values.SelectMany(c => c.Postcodes.Select(p => (Postcode: p, Commune: c)))
            .GroupBy(p => p.Postcode, StringComparer.Ordinal)
            .ToFrozenDictionary(g => g.Key, g => g.Select(p => p.Commune).OrderByDescending(c => c.Population).ToArray(),
                StringComparer.Ordinal);
    }

    public static FrenchPlaces Load(FrenchReferenceData reference)
    {
        var positions = FrenchReferenceData.ReadCsv("commune-positions.csv").ToDictionary(f => f[0], StringComparer.Ordinal);
        var communes = reference.Communes.Select(c =>
            {
                if (!positions.TryGetValue(c.Code, out var p))
                {
                    throw new InvalidOperationException($"Commune {c.Code} has no row in commune-positions.csv: run update-positions.sh.");
                }

                var located = p[2].Length > 0;
                return new PlacedCommune(c, p[1].Split(' ', StringSplitOptions.RemoveEmptyEntries),
                    located ? new GeoPoint(double.Parse(p[2], CultureInfo.InvariantCulture), double.Parse(p[3], CultureInfo.InvariantCulture)) : null,
                    located ? ParseSource(p[4]) : null);
            })
            .ToFrozenDictionary(c => c.Code, StringComparer.Ordinal);
        return new FrenchPlaces(reference, communes);
    }

    public IReadOnlyCollection<PlacedCommune> Communes => communes.Values;

    public PlacedCommune? FindCommune(string? code) =>
        code is not null && communes.TryGetValue(code.Trim().ToUpperInvariant(), out var commune) ? commune : null;

    /// <summary>The communes a postcode serves, the most populous first.</summary>
    public IReadOnlyList<PlacedCommune> CommunesOfPostcode(string? postcode) =>
        postcode is not null && byPostcode.TryGetValue(postcode.Trim(), out var found) ? found : [];

    public bool IsRegion(string? code) => code is not null && regions.Contains(code);

    public bool IsDepartement(string? code) => code is not null && departements.Contains(code);

    /// <summary>A NAF rév. 2 sub-class of the nomenclature, as written there ("62.01Z").</summary>
    public bool IsNafCode(string? code) => code is not null && nafCodes.Contains(code);

    /// <summary>A NAF division (the two first digits, "62") of the nomenclature.</summary>
    public bool IsNafDivision(string? division) => reference.IsNafDivision(division);

    private static PositionSource ParseSource(string source) => source switch
    {
        "geonames" => ReferenceData.PositionSource.GeoNames,
        "geonames-name" => ReferenceData.PositionSource.GeoNamesName,
        "epci" => ReferenceData.PositionSource.Epci,
        "departement" => ReferenceData.PositionSource.Departement,
        _ => throw new InvalidOperationException($"Unknown position source '{source}' in commune-positions.csv."),
    };
}
