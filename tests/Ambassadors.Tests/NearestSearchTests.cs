using System.Text.Json;
using Npgsql;
using Scop.Aspire.Ambassadors.Tests.Support;

namespace Scop.Aspire.Ambassadors.Tests;

/// <summary>
/// The nearest Ambassades to a commune, a postcode or a point: by their true distance on the sphere, checked against
/// distances computed here (haversine) for Nantes, Lyon, Corsica and La Réunion; only labelled ones; through the
/// spatial index.
/// </summary>
[Collection(AmbassadorsServersCollection.Name)]
public sealed class NearestSearchTests(AmbassadorsServers servers, AmbassadorsAppPerClass perClass)
    : AmbassadorsTestBase(servers, perClass), IClassFixture<AmbassadorsAppPerClass>
{
    private static readonly string[] Communes =
    [
        "44109", "44162", "44143", "49007", "35238", // Nantes, Saint-Herblain, Rezé, Angers, Rennes
        "69123", "69266", "13055", "75056", // Lyon, Villeurbanne, Marseille, Paris
        "2A004", "2B033", // Ajaccio, Bastia
        "97411", "97416", "97209", // Saint-Denis and Saint-Pierre (La Réunion), Fort-de-France (Martinique)
    ];

    /// <summary>The Ambassades of the class's service, placed once whichever test comes first.</summary>
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<AmbassadorsApp, Task<Dictionary<Guid, string>>> Placed = new();

    private Task<Dictionary<Guid, string>> PlacedAsync() => Placed.GetValue(App, async app =>
    {
        var ids = await app.InsertAmbassadesAsync(Communes.Select(c => (c, "62.01Z")));
        return ids.Zip(Communes).ToDictionary(p => p.First, p => p.Second);
    });

    [Theory]
    [InlineData("44109", "Nantes")]
    [InlineData("69123", "Lyon")]
    [InlineData("2A004", "Ajaccio")]
    [InlineData("97411", "Saint-Denis")]
    public async Task From_a_commune_the_nearest_come_first_with_their_distance_on_the_sphere(string origin, string name)
    {
        var ours = await PlacedAsync();
        var answer = await (await Public.GetAsync($"/api/ambassadors/directory/nearest?communeCode={origin}&limit=50")).ExpectAsync(200);
        var from = answer.GetProperty("origin");
        Assert.Equal(name, from.GetProperty("communeName").GetString());
        Assert.Equal("commune", from.GetProperty("from").GetString());
        Assert.Equal("geonames", from.GetProperty("positionSource").GetString());
        var (lat, lon) = (from.GetProperty("latitude").GetDouble(), from.GetProperty("longitude").GetDouble());

        var items = answer.GetProperty("items").EnumerateArray().Where(i => ours.ContainsKey(i.GetProperty("id").GetGuid())).ToList();
        Assert.Equal(Communes.Length, items.Count);
        // Every distance is the great circle's, as computed here from the two positions the answer gives.
        foreach (var item in items)
        {
            var expected = Haversine.Km(lat, lon, item.GetProperty("latitude").GetDouble(), item.GetProperty("longitude").GetDouble());
            var actual = item.GetProperty("distanceKm").GetDouble();
            Assert.True(Math.Abs(actual - expected) <= 0.005 + expected * 1e-6,
                $"{item.GetProperty("name")}: {actual} km, haversine {expected:F3} km");
        }

        // In increasing distance, the origin's own commune first.
        var distances = items.Select(i => i.GetProperty("distanceKm").GetDouble()).ToList();
        Assert.Equal(distances.Order(), distances);
        Assert.Equal(origin, items[0].GetProperty("communeCode").GetString());
        Assert.Equal(0, distances[0], 3);
    }

    [Fact]
    public async Task Known_distances_come_out_right()
    {
        await PlacedAsync();
        var fromNantes = await NearestAsync("communeCode=44109&limit=50");
        // Nantes to Lyon is about 516 km as the crow flies; Nantes to Ajaccio about 1,000 km; to La Réunion about 9,400 km.
        Assert.InRange(DistanceTo(fromNantes, "69123"), 505, 525);
        Assert.InRange(DistanceTo(fromNantes, "2A004"), 990, 1_020);
        Assert.InRange(DistanceTo(fromNantes, "97411"), 9_200, 9_600);
        var fromSaintDenis = await NearestAsync("communeCode=97411&limit=3");
        // Saint-Pierre is on the other side of the island, about 50 km away; then the sea to Martinique and France.
        Assert.Equal(["97411", "97416"], fromSaintDenis.Take(2).Select(i => i.GetProperty("communeCode").GetString()));
        Assert.InRange(DistanceTo(fromSaintDenis, "97416"), 45, 55);
    }

    [Fact]
    public async Task From_a_postcode_or_a_phone_s_position()
    {
        await PlacedAsync();
        var byPostcode = await (await Public.GetAsync("/api/ambassadors/directory/nearest?postcode=44300&limit=3")).ExpectAsync(200);
        Assert.Equal("44109", byPostcode.GetProperty("origin").GetProperty("communeCode").GetString());
        Assert.Equal("postcode", byPostcode.GetProperty("origin").GetProperty("from").GetString());

        // A phone in Bastia's old port: Bastia first, then Ajaccio.
        var byPoint = await (await Public.GetAsync("/api/ambassadors/directory/nearest?latitude=42.6969&longitude=9.4525&limit=2")).ExpectAsync(200);
        var items = byPoint.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(["2B033", "2A004"], items.Select(i => i.GetProperty("communeCode").GetString()));
        Assert.Equal(Haversine.Km(42.6969, 9.4525, items[1].GetProperty("latitude").GetDouble(), items[1].GetProperty("longitude").GetDouble()),
            items[1].GetProperty("distanceKm").GetDouble(), 2);
    }

    [Fact]
    public async Task The_project_s_sector_narrows_the_search()
    {
        await PlacedAsync();
        var builder = await App.InsertAmbassadesAsync([("69256", "43.21A")], namePrefix: "Bâtiment"); // Vaulx-en-Velin, construction
        var answer = await NearestAsync("communeCode=44109&sector=43&limit=50");
        Assert.Equal([builder[0]], answer.Select(i => i.GetProperty("id").GetGuid()));
        Assert.All(answer, i => Assert.StartsWith("43.", i.GetProperty("nafCode").GetString()));
    }

    [Fact]
    public async Task Applications_suspended_withdrawn_expired_and_refused_labels_never_appear()
    {
        await PlacedAsync();
        var hidden = new List<Guid>();
        foreach (var status in new[] { "Applied", "Suspended", "Withdrawn", "Expired", "Refused" })
        {
            hidden.AddRange(await App.InsertAmbassadesAsync([("44109", "62.01Z")], status, namePrefix: status));
        }

        var nearest = await NearestAsync("communeCode=44109&limit=50");
        Assert.DoesNotContain(nearest, i => hidden.Contains(i.GetProperty("id").GetGuid()));
        var listed = await (await Public.GetAsync("/api/ambassadors/directory?commune=44109&pageSize=100")).ExpectAsync(200);
        Assert.DoesNotContain(listed.GetProperty("items").EnumerateArray(), i => hidden.Contains(i.GetProperty("id").GetGuid()));
        Assert.Single(listed.GetProperty("items").EnumerateArray());
    }

    [Theory]
    [InlineData("", "$")]
    [InlineData("communeCode=44109&postcode=44000", "$")]
    [InlineData("communeCode=99999", "communeCode")]
    [InlineData("communeCode=98411", "communeCode")] // Saint-Paul and Amsterdam islands: no position known, never 0,0
    [InlineData("postcode=00000", "postcode")]
    [InlineData("latitude=91&longitude=2", "latitude")]
    [InlineData("latitude=45", "longitude")]
    [InlineData("communeCode=44109&sector=ZZ", "sector")]
    [InlineData("communeCode=44109&limit=51", "limit")]
    [InlineData("communeCode=44109&limit=0", "limit")]
    public async Task A_search_that_says_no_place_or_too_much_is_refused_naming_the_field(string query, string field)
    {
        var problem = await (await Public.GetAsync($"/api/ambassadors/directory/nearest?{query}")).ExpectAsync(400);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    private async Task<List<JsonElement>> NearestAsync(string query) =>
        (await (await Public.GetAsync($"/api/ambassadors/directory/nearest?{query}")).ExpectAsync(200))
            .GetProperty("items").EnumerateArray().ToList();

    private static double DistanceTo(List<JsonElement> items, string commune) =>
        items.First(i => i.GetProperty("communeCode").GetString() == commune).GetProperty("distanceKm").GetDouble();
}

/// <summary>The nearest search reads the spatial index in distance order: <c>EXPLAIN</c> says so, over 1,600 Ambassades.</summary>
[Collection(AmbassadorsServersCollection.Name)]
public sealed class NearestSearchPlanTests(AmbassadorsServers servers, AmbassadorsAppPerClass perClass)
    : AmbassadorsTestBase(servers, perClass), IClassFixture<AmbassadorsAppPerClass>
{
    [Fact]
    public async Task The_search_walks_the_spatial_index_in_distance_order_and_never_scans_the_table()
    {
        // As many labelled Ambassades as the movement has cooperatives, spread over real communes.
        var communes = App.Places.Communes.Where(c => c.Position is not null).OrderBy(c => c.Code).Where((_, i) => i % 21 == 0)
            .Take(1_600).Select(c => (c.Code, "62.01Z")).ToList();
        await App.InsertAmbassadesAsync(communes, namePrefix: "Réseau");
        await using var connection = new NpgsqlConnection(App.DatabaseConnectionString);
        await connection.OpenAsync();
        await using (var analyze = new NpgsqlCommand("ANALYZE ambassades", connection))
        {
            await analyze.ExecuteNonQueryAsync();
        }

        foreach (var sector in new[] { null, "62" })
        {
            await using var explain = new NpgsqlCommand("EXPLAIN (FORMAT JSON) " + Features.Directory.NearestAmbassades.Sql, connection);
            explain.Parameters.Add(new NpgsqlParameter<double>("latitude", 47.21725));
            explain.Parameters.Add(new NpgsqlParameter<double>("longitude", -1.55336));
            explain.Parameters.Add(new NpgsqlParameter<string?>("sector", NpgsqlTypes.NpgsqlDbType.Text) { TypedValue = sector });
            explain.Parameters.Add(new NpgsqlParameter<int>("limit", 10));
            var plan = (string)(await explain.ExecuteScalarAsync())!;
            var nodes = Nodes(JsonDocument.Parse(plan).RootElement[0].GetProperty("Plan")).ToList();
            // A limit over an index scan of the labelled positions, ordered by the distance to the origin: no other node.
            Assert.True(nodes.Select(n => n.GetProperty("Node Type").GetString()).SequenceEqual(["Limit", "Index Scan"]), plan);
            var scan = nodes[1];
            Assert.Equal("ix_ambassades_position_labelled", scan.GetProperty("Index Name").GetString());
            Assert.Contains("<->", scan.GetProperty("Order By").GetString());
        }
    }

    private static IEnumerable<JsonElement> Nodes(JsonElement node)
    {
        yield return node;
        if (node.TryGetProperty("Plans", out var children))
        {
            foreach (var child in children.EnumerateArray().SelectMany(Nodes))
            {
                yield return child;
            }
        }
    }
}
