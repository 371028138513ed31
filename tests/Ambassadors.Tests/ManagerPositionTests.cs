using System.Net.Http.Json;
using System.Text.Json;
using Scop.Aspire.Ambassadors.Tests.Support;
using Scop.Aspire.Contracts.Membership;

namespace Scop.Aspire.Ambassadors.Tests;

/// <summary>
/// An Ambassade is found where its door is: its commune's position, unless its manager sets the cooperative's door; a
/// point far from the commune is a slip and refused; a move to another commune takes the new commune's position.
/// </summary>
[Collection(AmbassadorsServersCollection.Name)]
public sealed class ManagerPositionTests(AmbassadorsServers servers, AmbassadorsAppPerClass perClass)
    : AmbassadorsTestBase(servers, perClass), IClassFixture<AmbassadorsAppPerClass>
{
    // The Halles Paul Bocuse, in Lyon's 3rd arrondissement: about 2 km from the commune's position.
    private const double DoorLatitude = 45.76293;
    private const double DoorLongitude = 4.85038;

    [Fact]
    public async Task The_manager_sets_the_door_and_the_nearest_search_measures_from_it_then_back_to_the_commune()
    {
        var (cooperative, id) = await App.LabelledAsync(Client);
        using var manager = App.ManagerClient(cooperative);
        var lyon = App.Places.FindCommune(AmbassadorsApp.Lyon)!.Position!.Value;

        var placed = await (await PlaceAsync(manager, new { latitude = DoorLatitude, longitude = DoorLongitude })).ExpectAsync(200);
        Assert.Equal("Manager", placed.GetProperty("positionSource").GetString());
        Assert.Equal(DoorLatitude, placed.GetProperty("latitude").GetDouble(), 6);

        // From the door itself the Ambassade is at 0 km; from the commune's position, as far as the door is from it.
        Assert.Equal(0, await DistanceFromAsync($"latitude={DoorLatitude}&longitude={DoorLongitude}", id), 2);
        Assert.Equal(Haversine.Km(lyon.Latitude, lyon.Longitude, DoorLatitude, DoorLongitude),
            await DistanceFromAsync($"communeCode={AmbassadorsApp.Lyon}", id), 2);
        var history = (await (await manager.GetAsync($"/api/ambassadors/ambassades/{id}/history")).ExpectAsync(200)).EnumerateArray().ToList();
        Assert.Equal("Placed", history[^1].GetProperty("step").GetString());

        // The register renames the cooperative: the door stays.
        App.Advance(TimeSpan.FromMinutes(1)); // a later fact than the join's
        await App.PublishAsync(new CooperativeUpdated(Guid.NewGuid(), App.Time.GetUtcNow(), cooperative, "Scop des Halles", AmbassadorsApp.Lyon,
            "62.01Z", AmbassadorsApp.Aura, AmbassadorsApp.Aura, 12));
        await AmbassadorsApp.WaitUntilAsync(async () => (await MineAsync(manager)).GetProperty("name").GetString() == "Scop des Halles", "the rename");
        Assert.Equal("Manager", (await MineAsync(manager)).GetProperty("positionSource").GetString());

        // Back to the commune's position.
        var reset = await (await SendAsync(manager, HttpMethod.Delete, null)).ExpectAsync(200);
        Assert.Equal("Commune", reset.GetProperty("positionSource").GetString());
        Assert.Equal(0, await DistanceFromAsync($"communeCode={AmbassadorsApp.Lyon}", id), 2);
    }

    [Fact]
    public async Task A_point_far_from_the_commune_or_without_If_Match_is_refused_and_nothing_is_written()
    {
        var (cooperative, id) = await App.LabelledAsync(Client);
        using var manager = App.ManagerClient(cooperative);
        var before = await App.TracesAsync(id);

        // Paris is some 390 km from Lyon.
        var far = await (await PlaceAsync(manager, new { latitude = 48.8566, longitude = 2.3522 })).ExpectAsync(400);
        Assert.Contains("km", far.GetProperty("errors").GetProperty("latitude")[0].GetString());
        await (await PlaceAsync(manager, new { latitude = 91.0, longitude = 4.85 })).ExpectInvalidAsync("latitude");
        await (await PlaceAsync(manager, new { latitude = 45.76 })).ExpectInvalidAsync("latitude");
        await (await SendAsync(manager, HttpMethod.Put, new { latitude = DoorLatitude, longitude = DoorLongitude }, etag: null)).ExpectAsync(428);
        await (await SendAsync(manager, HttpMethod.Put, new { latitude = DoorLatitude, longitude = DoorLongitude }, etag: "\"1\"")).ExpectAsync(412);

        Assert.Equal(before, await App.TracesAsync(id));
        Assert.Equal("Commune", (await MineAsync(manager)).GetProperty("positionSource").GetString());

        // Only a manager places their Ambassade.
        using var aura = App.CreateClient(AmbassadorsApp.DelegateToken(AmbassadorsApp.Aura));
        await (await SendAsync(aura, HttpMethod.Put, new { latitude = DoorLatitude, longitude = DoorLongitude }, etag: "*")).ExpectAsync(403);
    }

    [Fact]
    public async Task A_move_to_another_commune_takes_the_new_commune_s_position()
    {
        var (cooperative, id) = await App.LabelledAsync(Client);
        using var manager = App.ManagerClient(cooperative);
        await (await PlaceAsync(manager, new { latitude = DoorLatitude, longitude = DoorLongitude })).ExpectAsync(200);

        const string villeurbanne = "69266";
        App.Advance(TimeSpan.FromMinutes(1));
        await App.PublishAsync(new CooperativeUpdated(Guid.NewGuid(), App.Time.GetUtcNow(), cooperative, "Scop des Canuts", villeurbanne,
            "62.01Z", AmbassadorsApp.Aura, AmbassadorsApp.Aura, 12));
        await AmbassadorsApp.WaitUntilAsync(async () => (await MineAsync(manager)).GetProperty("communeCode").GetString() == villeurbanne,
            "the move");
        var moved = await MineAsync(manager);
        Assert.Equal("Commune", moved.GetProperty("positionSource").GetString());
        var position = App.Places.FindCommune(villeurbanne)!.Position!.Value;
        Assert.Equal(position.Latitude, moved.GetProperty("latitude").GetDouble(), 6);
        Assert.Equal(0, await DistanceFromAsync($"communeCode={villeurbanne}", id), 2);
    }

    private async Task<double> DistanceFromAsync(string origin, Guid id) =>
        (await (await Public.GetAsync($"/api/ambassadors/directory/nearest?{origin}&limit=50")).ExpectAsync(200))
            .GetProperty("items").EnumerateArray().Single(i => i.GetProperty("id").GetGuid() == id).GetProperty("distanceKm").GetDouble();

    private static async Task<JsonElement> MineAsync(HttpClient manager) =>
        await (await manager.GetAsync("/api/ambassadors/me/ambassade")).ExpectAsync(200);

    private static async Task<HttpResponseMessage> PlaceAsync(HttpClient manager, object body) =>
        await SendAsync(manager, HttpMethod.Put, body, (await MineAsync(manager)).GetProperty("eTag").GetString());

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, object? body, string? etag = "*")
    {
        using var request = new HttpRequestMessage(method, "/api/ambassadors/me/ambassade/position");
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        if (etag is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", etag);
        }

        return await client.SendAsync(request);
    }
}
