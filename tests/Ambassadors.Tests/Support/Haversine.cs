namespace Scop.Aspire.Ambassadors.Tests.Support;

/// <summary>The great-circle distance, computed here and not by the service, on the sphere of PostGIS' geography distances.</summary>
public static class Haversine
{
    /// <summary>The mean radius of the WGS 84 ellipsoid, (2a + b) / 3, in km: the sphere PostGIS measures on.</summary>
    public const double EarthRadiusKm = 6371.0087714;

    public static double Km(double latitude1, double longitude1, double latitude2, double longitude2)
    {
        static double Radians(double degrees) => degrees * Math.PI / 180;
        var dLat = Radians(latitude2 - latitude1);
        var dLon = Radians(longitude2 - longitude1);
        var a = Math.Pow(Math.Sin(dLat / 2), 2)
            + Math.Cos(Radians(latitude1)) * Math.Cos(Radians(latitude2)) * Math.Pow(Math.Sin(dLon / 2), 2);
        return 2 * EarthRadiusKm * Math.Asin(Math.Min(1, Math.Sqrt(a)));
    }
}
