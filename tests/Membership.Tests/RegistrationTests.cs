using System.Net;
using System.Text.Json;
using Scop.Aspire.Membership.Tests.Support;
using Scop.Aspire.ServiceDefaults.Security;
using Scop.Aspire.Testing;

namespace Scop.Aspire.Membership.Tests;

[Collection(MembershipServersCollection.Name)]
public sealed class RegistrationTests(MembershipServers servers, MembershipAppPerClass perClass)
    : IClassFixture<MembershipAppPerClass>, IAsyncLifetime
{
    private MembershipApp app = null!;
    private HttpClient client = null!;

    public async Task InitializeAsync()
    {
        app = await perClass.GetAsync(servers);
        client = app.CreateClient(TestTokens.For(PlatformAudiences.Membership, PlatformRoles.ConfederationAdmin));
    }

    public Task DisposeAsync()
    {
        client.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task A_valid_registration_is_created_readable_listed_and_announced()
    {
        var name = $"Scop des Pentes {Guid.NewGuid():N}";
        var siren = TestData.NewSiren();
        var spaced = $"{siren[..3]} {siren[3..6]} {siren[6..]}";
        var body = TestData.Registration(name, spaced, legalForm: "scop", communeCode: "69123", nafCode: "6201Z");

        using var response = await client.SendAsync(TestData.Post(body));

        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, TestData.Describe(response, text));
        var created = JsonDocument.Parse(text).RootElement;
        var id = created.GetProperty("id").GetGuid();
        Assert.NotEqual(Guid.Empty, id);
        Assert.Equal($"/api/membership/cooperatives/{id}", response.Headers.Location?.OriginalString);
        Assert.Equal(siren, created.GetProperty("siren").GetString());

        // The Location answers with the cooperative, its codes normalised and explained.
        using var get = await client.GetAsync(response.Headers.Location);
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        var cooperative = await get.ReadJsonAsync();
        Assert.Equal(id, cooperative.GetProperty("id").GetGuid());
        Assert.Equal(name, cooperative.GetProperty("name").GetString());
        Assert.Equal(siren, cooperative.GetProperty("siren").GetString());
        Assert.Equal("Scop", cooperative.GetProperty("legalForm").GetString());
        Assert.Equal("69123", cooperative.GetProperty("communeCode").GetString());
        Assert.Equal("Lyon", cooperative.GetProperty("communeName").GetString());
        Assert.Equal("69", cooperative.GetProperty("departement").GetString());
        Assert.Equal("84", cooperative.GetProperty("region").GetString());
        Assert.Equal("62.01Z", cooperative.GetProperty("nafCode").GetString());
        Assert.Equal("Programmation informatique", cooperative.GetProperty("nafLabel").GetString());

        // The list finds it by name.
        using var list = await client.GetAsync($"/api/membership/cooperatives?name={Uri.EscapeDataString(name[^32..])}");
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        var page = await list.ReadJsonAsync();
        Assert.Equal(1, page.GetProperty("totalCount").GetInt64());
        Assert.Equal(id, Assert.Single(page.GetProperty("items").EnumerateArray()).GetProperty("id").GetGuid());

        // One CooperativeJoined event waits in the outbox, written with the cooperative.
        Assert.Equal(1L, await app.QueryScalarAsync<long>(
            "SELECT count(*) FROM outbox_messages WHERE body->>'cooperativeId' = @id",
            ("id", id.ToString())));
        var messageType = await app.QueryScalarAsync<string>(
            "SELECT message_type FROM outbox_messages WHERE body->>'cooperativeId' = @id", ("id", id.ToString()));
        Assert.StartsWith("Scop.Aspire.Contracts.Membership.CooperativeJoined", messageType);
        Assert.Equal(siren, await app.QueryScalarAsync<string>(
            "SELECT body->>'siren' FROM outbox_messages WHERE body->>'cooperativeId' = @id", ("id", id.ToString())));
    }

    [Fact]
    public async Task An_unknown_id_is_a_404_problem()
    {
        using var response = await client.GetAsync($"/api/membership/cooperatives/{Guid.NewGuid()}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(404, (await response.ReadJsonAsync()).GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task A_siren_registered_twice_is_a_409_problem_and_nothing_more_is_written()
    {
        var siren = TestData.NewSiren();
        using var first = await client.SendAsync(TestData.Post(TestData.Registration(siren: siren)));
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var before = await app.CountWritesAsync();

        using var second = await client.SendAsync(TestData.Post(TestData.Registration(siren: siren, legalForm: "SCIC")));

        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        Assert.Equal("application/problem+json", second.Content.Headers.ContentType?.MediaType);
        var problem = await second.ReadJsonAsync();
        Assert.Equal(409, problem.GetProperty("status").GetInt32());
        Assert.Contains(siren, problem.GetProperty("detail").GetString());
        Assert.Equal(before, await app.CountWritesAsync());
    }

    [Fact]
    public async Task Concurrent_registrations_of_one_siren_make_one_cooperative_and_409s()
    {
        var siren = TestData.NewSiren();
        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            client.SendAsync(TestData.Post(TestData.Registration(name: $"Concurrent {i} {siren}", siren: siren)))));
        try
        {
            var statuses = responses.Select(r => r.StatusCode).ToList();
            Assert.Equal(1, statuses.Count(s => s == HttpStatusCode.Created));
            Assert.Equal(7, statuses.Count(s => s == HttpStatusCode.Conflict));
            Assert.Equal(1L, await app.QueryScalarAsync<long>("SELECT count(*) FROM cooperatives WHERE siren = @siren", ("siren", siren)));
            Assert.Equal(1L, await app.QueryScalarAsync<long>(
                "SELECT count(*) FROM outbox_messages WHERE body->>'siren' = @siren", ("siren", siren)));
        }
        finally
        {
            foreach (var response in responses)
            {
                response.Dispose();
            }
        }
    }
}
