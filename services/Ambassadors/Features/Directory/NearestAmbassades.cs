using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Scop.Aspire.Ambassadors.Data;
using Scop.Aspire.ReferenceData;
using Scop.Aspire.ServiceDefaults.Http;

namespace Scop.Aspire.Ambassadors.Features.Directory;

/// <summary>
/// <c>GET /api/ambassadors/directory/nearest?communeCode=|postcode=|latitude=&amp;longitude=&amp;sector=&amp;limit=</c>:
/// the labelled Ambassades nearest to a commune, a postcode or a point (a phone's position), by their distance on the
/// sphere, in km. Anonymous. The database walks the GiST index of the labelled Ambassades' positions in distance order
/// (<c>ORDER BY position &lt;-&gt; origin LIMIT n</c>, PostGIS' index-assisted KNN), so a search reads a handful of
/// index pages whatever the number of Ambassades — never the whole table, never a bounding box in degrees.
/// </summary>
public static class NearestAmbassades
{
    public const int DefaultLimit = 10;

    /// <summary>
    /// The search. <c>position &lt;-&gt; origin</c> on geography is the distance on the sphere (PostGIS 2.2+), the
    /// index's order; <c>ST_Distance(…, false)</c> is the same distance on the same sphere, in metres, for the answer.
    /// The status is a literal so that the partial index (labelled only) serves the query.
    /// </summary>
    internal const string Sql =
        """
        SELECT id, name, legal_form, naf_code, commune_code, departement, region, latitude, longitude, labelled_on,
               ST_Distance(position, origin, false) AS distance_m
        FROM ambassades, (SELECT ST_SetSRID(ST_MakePoint(@longitude, @latitude), 4326)::geography AS origin) o
        WHERE status = 'Labelled' AND position IS NOT NULL AND (@sector::text IS NULL OR naf_division = @sector)
        ORDER BY position <-> ST_SetSRID(ST_MakePoint(@longitude, @latitude), 4326)::geography
        LIMIT @limit
        """;

    public static RouteHandlerBuilder MapNearestAmbassades(this RouteGroupBuilder group) =>
        group.MapGet("/directory/nearest", SearchAsync).WithName("NearestAmbassades")
            .WithSummary("The labelled Ambassades nearest to a commune, a postcode or a point, with their distance in km")
            .AllowAnonymous();

    public static async Task<Results<Ok<NearestAnswer>, ValidationProblem>> SearchAsync(NpgsqlDataSource database,
        FrenchPlaces places, CancellationToken ct, string? communeCode = null, string? postcode = null,
        double? latitude = null, double? longitude = null, string? sector = null, int? limit = null)
    {
        var errors = new ValidationErrors();
        var origin = ResolveOrigin(places, errors, communeCode, postcode, latitude, longitude);
        sector = string.IsNullOrWhiteSpace(sector) ? null : sector.Trim();
        if (sector is not null && !places.IsNafDivision(sector))
        {
            errors.Add("sector", "The project's sector: a NAF division, two digits (e.g. 62 for computer programming).");
        }

        var count = limit ?? DefaultLimit;
        if (count is < 1 or > AmbassadorsOptions.MaxNearest)
        {
            errors.Add("limit", $"Between 1 and {AmbassadorsOptions.MaxNearest}.");
        }

        if (!errors.IsValid || origin is null)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        await using var command = database.CreateCommand(Sql);
        command.Parameters.Add(new NpgsqlParameter<double>("latitude", origin.Latitude));
        command.Parameters.Add(new NpgsqlParameter<double>("longitude", origin.Longitude));
        command.Parameters.Add(new NpgsqlParameter<string?>("sector", NpgsqlTypes.NpgsqlDbType.Text) { TypedValue = sector });
        command.Parameters.Add(new NpgsqlParameter<int>("limit", count));
        var items = new List<NearbyAmbassade>(count);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var commune = reader.GetString(4);
            items.Add(new NearbyAmbassade(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                commune, places.FindCommune(commune)?.Name ?? commune, reader.GetString(5), reader.GetString(6),
                reader.GetDouble(7), reader.GetDouble(8), reader.IsDBNull(9) ? null : reader.GetFieldValue<DateOnly>(9),
                Math.Round(reader.GetDouble(10) / 1000, 3)));
        }

        return TypedResults.Ok(new NearestAnswer(origin, items));
    }

    /// <summary>
    /// The point to measure from: exactly one of a point, a commune or a postcode. A postcode serving several communes
    /// stands for the most populous of them. A commune without a known position (a few uninhabited districts) is an
    /// error naming it: the search never measures from 0,0.
    /// </summary>
    internal static SearchOrigin? ResolveOrigin(FrenchPlaces places, ValidationErrors errors, string? communeCode,
        string? postcode, double? latitude, double? longitude)
    {
        var point = latitude is not null || longitude is not null;
        var given = (point ? 1 : 0) + (string.IsNullOrWhiteSpace(communeCode) ? 0 : 1) + (string.IsNullOrWhiteSpace(postcode) ? 0 : 1);
        if (given != 1)
        {
            errors.Add("$", "Say where from, one way: communeCode, postcode, or latitude and longitude.");
            return null;
        }

        if (point)
        {
            if (latitude is not { } lat || !double.IsFinite(lat) || lat is < -90 or > 90)
            {
                errors.Add("latitude", "Degrees north, between -90 and 90 (WGS 84), with longitude.");
            }

            if (longitude is not { } lon || !double.IsFinite(lon) || lon is < -180 or > 180)
            {
                errors.Add("longitude", "Degrees east, between -180 and 180 (WGS 84), with latitude.");
            }

            return errors.IsValid ? new SearchOrigin(latitude!.Value, longitude!.Value, "point", null, null, null) : null;
        }

        if (!string.IsNullOrWhiteSpace(communeCode))
        {
            var commune = places.FindCommune(communeCode);
            if (commune is null)
            {
                errors.Add("communeCode", "An INSEE code of a current commune (e.g. 44109 for Nantes).");
                return null;
            }

            if (commune.Position is not { } position)
            {
                errors.Add("communeCode", $"No position is known for {commune.Name} ({commune.Code}): search from a point (latitude and longitude).");
                return null;
            }

            return new SearchOrigin(position.Latitude, position.Longitude, "commune", commune.Code, commune.Name,
                SourceName(commune.PositionSource));
        }

        var served = places.CommunesOfPostcode(postcode);
        if (served.Count == 0)
        {
            errors.Add("postcode", "A French postcode, five digits, that serves a current commune (e.g. 44000).");
            return null;
        }

        if (served.FirstOrDefault(c => c.Position is not null) is not { Position: { } located } first)
        {
            errors.Add("postcode", $"No position is known for the communes of {postcode!.Trim()}: search from a point (latitude and longitude).");
            return null;
        }

        return new SearchOrigin(located.Latitude, located.Longitude, "postcode", first.Code, first.Name,
            SourceName(first.PositionSource));
    }

    public static string? SourceName(PositionSource? source) => source switch
    {
        PositionSource.GeoNames => "geonames",
        PositionSource.GeoNamesName => "geonames-name",
        PositionSource.Epci => "epci",
        PositionSource.Departement => "departement",
        _ => null,
    };
}
