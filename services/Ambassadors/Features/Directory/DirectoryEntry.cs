namespace Scop.Aspire.Ambassadors.Features.Directory;

/// <summary>
/// A labelled Ambassade as the public sees it: the cooperative (a legal entity), where it is, its sector and since
/// when it is labelled. Nothing about a person.
/// </summary>
public sealed record DirectoryEntry(Guid Id, string Name, string LegalForm, string NafCode, string CommuneCode,
    string CommuneName, string Departement, string Region, double? Latitude, double? Longitude, DateOnly? LabelledOn);

/// <summary>An Ambassade of the nearest search, with its distance on the sphere from the origin.</summary>
public sealed record NearbyAmbassade(Guid Id, string Name, string LegalForm, string NafCode, string CommuneCode,
    string CommuneName, string Departement, string Region, double Latitude, double Longitude, DateOnly? LabelledOn,
    double DistanceKm);

/// <summary>Where the search measured from, and how that point was found.</summary>
/// <param name="From"><c>point</c>, <c>commune</c> or <c>postcode</c>.</param>
/// <param name="PositionSource">For a commune or postcode: where the commune's position comes from (see README).</param>
public sealed record SearchOrigin(double Latitude, double Longitude, string From, string? CommuneCode, string? CommuneName,
    string? PositionSource);

public sealed record NearestAnswer(SearchOrigin Origin, IReadOnlyList<NearbyAmbassade> Items);
