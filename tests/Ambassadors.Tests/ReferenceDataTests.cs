using Scop.Aspire.Ambassadors.Tests.Support;
using Scop.Aspire.ReferenceData;

namespace Scop.Aspire.Ambassadors.Tests;

/// <summary>The communes' positions of the reference data library: every commune of the register's list, real places, never 0,0.</summary>
public sealed class ReferenceDataTests
{
    private static readonly FrenchPlaces Places = FrenchPlaces.Load(FrenchReferenceData.Load());

    [Fact]
    public void Every_commune_of_the_list_has_a_position_but_six_uninhabited_districts_and_none_is_at_zero()
    {
        Assert.Equal(34_969, Places.Communes.Count);
        var unlocated = Places.Communes.Where(c => c.Position is null).Select(c => c.Code).Order().ToList();
        // The five districts of the French Southern and Antarctic Lands and Clipperton: nobody lives there.
        Assert.Equal(["98411", "98412", "98413", "98414", "98415", "98901"], unlocated);
        Assert.DoesNotContain(Places.Communes, c => c.Position is { Latitude: 0, Longitude: 0 });
        Assert.All(Places.Communes.Where(c => c.Position is not null),
            c => Assert.True(GeoPoint.IsValid(c.Position!.Value.Latitude, c.Position.Value.Longitude), c.Code));

        var bySource = Places.Communes.Where(c => c.PositionSource is not null).GroupBy(c => c.PositionSource!.Value)
            .ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(14_994, bySource[PositionSource.GeoNames]);
        Assert.Equal(53, bySource[PositionSource.GeoNamesName]);
        Assert.Equal(19_861, bySource[PositionSource.Epci]);
        Assert.Equal(55, bySource[PositionSource.Departement]);
    }

    [Theory]
    // Town halls (or centres) as independently known, and how far the shipped position may be from them.
    [InlineData("44109", 47.2181, -1.5528, 2)] // Nantes
    [InlineData("69123", 45.7676, 4.8344, 3)] // Lyon
    [InlineData("2A004", 41.9192, 8.7386, 2)] // Ajaccio, Corse-du-Sud
    [InlineData("2B033", 42.6973, 9.4509, 2)] // Bastia, Haute-Corse
    [InlineData("97411", -20.8789, 55.4481, 2)] // Saint-Denis, La Réunion
    [InlineData("97611", -12.7806, 45.2278, 3)] // Mamoudzou, Mayotte (found by name: GeoNames has no INSEE code there)
    [InlineData("75056", 48.8566, 2.3522, 2)] // Paris
    public void A_commune_is_where_it_really_is(string code, double latitude, double longitude, double withinKm)
    {
        var commune = Places.FindCommune(code)!;
        var position = commune.Position!.Value;
        Assert.True(Haversine.Km(latitude, longitude, position.Latitude, position.Longitude) <= withinKm,
            $"{commune.Name} at {position}, {Haversine.Km(latitude, longitude, position.Latitude, position.Longitude):F1} km from where it is");
    }

    [Fact]
    public void A_commune_GeoNames_lacks_is_placed_at_its_EPCI_s_located_communes_and_says_so()
    {
        // L'Abergement-Clémenciat (Ain, 860 people) is not among GeoNames' places of 500 people or more with its code.
        var commune = Places.FindCommune("01001")!;
        Assert.Equal(PositionSource.Epci, commune.PositionSource);
        var members = Places.Communes.Where(c => c.Epci == commune.Epci && c.PositionSource == PositionSource.GeoNames).ToList();
        Assert.NotEmpty(members);
        Assert.Equal(members.Average(c => c.Position!.Value.Latitude), commune.Position!.Value.Latitude, 4);
        Assert.Equal(members.Average(c => c.Position!.Value.Longitude), commune.Position!.Value.Longitude, 4);
    }

    [Fact]
    public void A_postcode_finds_its_communes_the_most_populous_first()
    {
        Assert.Equal("44109", Places.CommunesOfPostcode("44000")[0].Code);
        Assert.Equal("13055", Places.CommunesOfPostcode("13008")[0].Code);
        Assert.Empty(Places.CommunesOfPostcode("00000"));
    }
}
