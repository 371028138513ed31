using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Scop.Aspire.Contracts.Training;
using Scop.Aspire.Membership.Tests.Support;
using Scop.Aspire.ServiceDefaults.Security;
using Scop.Aspire.Testing;
using Scop.Aspire.ServiceDefaults;

namespace Scop.Aspire.Membership.Tests;

/// <summary>
/// A cooperative that moves to a commune of another région changes regional union, and everything scoped by its
/// union — its people, its membership, its events and kits, its people's mandates — goes with it in the same
/// transaction: the old union's delegates lose sight of it at once, the new union's gain it; other services hear of
/// it by <c>CooperativeUpdated</c>.
/// </summary>
[Collection(MembershipServersCollection.Name)]
public sealed class CooperativeMoveTests(MembershipServers servers, MembershipAppPerClass perClass)
    : IClassFixture<MembershipAppPerClass>, IAsyncLifetime
{
    private const string Aura = "urscop-aura";
    private const string Ouest = "urscop-ouest";
    private MembershipApp app = null!;
    private HttpClient admin = null!;

    public async Task InitializeAsync()
    {
        app = await perClass.GetAsync(servers);
        admin = app.CreateClient(TestTokens.For(PlatformAudiences.Membership, PlatformRoles.ConfederationAdmin));
    }

    public Task DisposeAsync()
    {
        admin.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Everything_of_a_cooperative_moved_to_another_region_follows_it_and_only_the_new_union_s_delegates_see_it()
    {
        var cooperative = await RegisterAsync("69123");
        var person = await HireAsync(cooperative);
        await Expect(admin.PostAsJsonAsync($"/api/membership/cooperatives/{cooperative}/membership", new { termKind = "rolling", duesCents = 50_000 }), HttpStatusCode.Created);
        var kit = (await Expect(admin.PostAsJsonAsync($"/api/membership/cooperatives/{cooperative}/events",
            new { kind = "agm", heldOn = ParisCalendar.Today(TimeProvider.System).AddDays(20).ToString("yyyy-MM-dd") }), HttpStatusCode.Created))
            .GetProperty("kitId").GetGuid();
        await TrainedAsync(person, cooperative);
        await Expect(admin.PostAsJsonAsync($"/api/membership/people/{person}/mandates",
            new { level = "regional", title = "Administratrice", startsOn = "2026-01-01" }), HttpStatusCode.Created);
        using var aura = app.CreateClient(TestTokens.For(PlatformAudiences.Membership, PlatformRoles.Delegate, regionalUnion: Aura));
        using var ouest = app.CreateClient(TestTokens.For(PlatformAudiences.Membership, PlatformRoles.Delegate, regionalUnion: Ouest));
        var reads = new[]
        {
            $"/api/membership/cooperatives/{cooperative}", $"/api/membership/cooperatives/{cooperative}/people",
            $"/api/membership/people/{person}", $"/api/membership/cooperatives/{cooperative}/membership",
            $"/api/membership/cooperatives/{cooperative}/events", $"/api/membership/people/{person}/mandates",
            $"/api/membership/people/{person}/benefit-enrolments",
        };
        await StatusesAsync(aura, reads, HttpStatusCode.OK);
        await StatusesAsync(ouest, reads, HttpStatusCode.NotFound);

        // A delegate of one union alone does not move a cooperative out of it; the confederation does.
        Assert.Equal(HttpStatusCode.Forbidden, (await MoveAsync(aura, cooperative, "35238")).StatusCode);
        using var moved = await MoveAsync(admin, cooperative, "35238"); // Rennes, Bretagne
        Assert.Equal(HttpStatusCode.OK, moved.StatusCode);
        Assert.Equal(Ouest, (await moved.ReadJsonAsync()).GetProperty("regionalUnion").GetString());

        // Every row scoped by union now says Ouest, in the database itself.
        foreach (var (table, column, id) in new[]
                 {
                     ("cooperatives", "id", cooperative), ("people", "cooperative_id", cooperative),
                     ("memberships", "cooperative_id", cooperative), ("cooperative_events", "cooperative_id", cooperative),
                     ("mandates", "person_id", person),
                 })
        {
            Assert.Equal(Ouest, await app.QueryScalarAsync<string>(
                $"SELECT string_agg(DISTINCT regional_union, ',') FROM {table} WHERE {column} = @id", ("id", id)));
        }

        await StatusesAsync(aura, reads, HttpStatusCode.NotFound);
        await StatusesAsync(ouest, reads, HttpStatusCode.OK);
        var events = await (await ouest.GetAsync($"/api/membership/cooperatives/{cooperative}/events")).ReadJsonAsync();
        Assert.Equal(kit, events.GetProperty("items")[0].GetProperty("kitId").GetGuid());
        await Expect(ouest.PostAsJsonAsync($"/api/membership/cooperatives/{cooperative}/people", HireBody()), HttpStatusCode.Created);
        await Expect(aura.PostAsJsonAsync($"/api/membership/cooperatives/{cooperative}/people", HireBody()), HttpStatusCode.NotFound);

        // Other services hear of it once, with the old and the new union.
        var published = await app.QueryScalarAsync<string>(
            "SELECT body::text FROM outbox_messages WHERE message_type LIKE '%.CooperativeUpdated,%' AND body->>'cooperativeId' = @id",
            ("id", cooperative.ToString()));
        using var body = JsonDocument.Parse(published);
        Assert.Equal(Ouest, body.RootElement.GetProperty("regionalUnion").GetString());
        Assert.Equal(Aura, body.RootElement.GetProperty("previousRegionalUnion").GetString());
        Assert.Equal("35238", body.RootElement.GetProperty("communeCode").GetString());
    }

    [Fact]
    public async Task A_person_inserted_while_the_cooperative_moves_waits_for_the_move_and_takes_the_new_union()
    {
        var cooperative = await RegisterAsync("69123");

        // The move holds the cooperative (as PUT does, FOR UPDATE) and has changed its rows, not yet committed.
        await using var move = await OpenAsync();
        await using var moving = await move.BeginTransactionAsync();
        await ExecuteAsync(move, $"SELECT FROM cooperatives WHERE id = '{cooperative}' FOR UPDATE");
        await ExecuteAsync(move, $"UPDATE cooperatives SET regional_union = '{Ouest}' WHERE id = '{cooperative}'");
        await ExecuteAsync(move, $"UPDATE people SET regional_union = '{Ouest}' WHERE cooperative_id = '{cooperative}'");

        // A hire that read the cooperative before the move inserts its person with the old union: it waits.
        await using var hire = await OpenAsync();
        var person = Guid.NewGuid();
        var inserting = ExecuteAsync(hire, InsertPerson(person, cooperative, Aura));
        Assert.False(await Finishes(inserting), "the insert waits for the move");

        await moving.CommitAsync();
        await inserting;
        Assert.Equal(Ouest, await app.QueryScalarAsync<string>("SELECT regional_union FROM people WHERE id = @id", ("id", person)));
    }

    [Fact]
    public async Task A_move_waits_for_a_person_inserted_before_it_and_takes_them_along()
    {
        var cooperative = await RegisterAsync("69123");

        // A hire in flight: its person is inserted, its transaction not yet committed.
        await using var hire = await OpenAsync();
        await using var hiring = await hire.BeginTransactionAsync();
        var person = Guid.NewGuid();
        await ExecuteAsync(hire, InsertPerson(person, cooperative, Aura));

        var moving = MoveAsync(admin, cooperative, "35238");
        Assert.False(await Finishes(moving), "the move waits for the hire");
        await hiring.CommitAsync();
        using var moved = await moving;
        Assert.Equal(HttpStatusCode.OK, moved.StatusCode);
        Assert.Equal(Ouest, await app.QueryScalarAsync<string>("SELECT regional_union FROM people WHERE id = @id", ("id", person)));
    }

    private static string InsertPerson(Guid person, Guid cooperative, string union) =>
        $"""
        INSERT INTO people (id, given_name, family_name, cooperative_id, regional_union, hired_on, card_number, created_at)
        VALUES ('{person}', 'Camille', 'Durand', '{cooperative}', '{union}', '2024-02-01', '92{Random.Shared.NextInt64(10_000_000_000_000, 99_999_999_999_999)}', now())
        """;

    /// <summary>Whether the task ends within a second: one blocked on a lock does not, whatever the machine's pace.</summary>
    private static async Task<bool> Finishes(Task task) => await Task.WhenAny(task, Task.Delay(1_000)) == task;

    private async Task<NpgsqlConnection> OpenAsync()
    {
        var connection = new NpgsqlConnection(app.DatabaseConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static object HireBody() => new
    {
        givenName = "Camille", familyName = $"Durand {Guid.NewGuid():N}", role = "employee", hiredOn = "2024-02-01",
    };

    private async Task<Guid> RegisterAsync(string communeCode) =>
        (await Expect(admin.SendAsync(TestData.Post(TestData.Registration(communeCode: communeCode))), HttpStatusCode.Created))
        .GetProperty("id").GetGuid();

    private async Task<Guid> HireAsync(Guid cooperative) =>
        (await Expect(admin.PostAsJsonAsync($"/api/membership/cooperatives/{cooperative}/people", HireBody()), HttpStatusCode.Created))
        .GetProperty("id").GetGuid();

    /// <summary>The cooperative as it is, in another commune, with the ETag just read.</summary>
    private async Task<HttpResponseMessage> MoveAsync(HttpClient client, Guid cooperative, string communeCode)
    {
        using var read = await admin.GetAsync($"/api/membership/cooperatives/{cooperative}");
        var current = await read.ReadJsonAsync();
        using var request = new HttpRequestMessage(HttpMethod.Put, $"/api/membership/cooperatives/{cooperative}")
        {
            Content = JsonContent.Create(new
            {
                name = current.GetProperty("name").GetString(), communeCode, nafCode = current.GetProperty("nafCode").GetString(),
            }),
        };
        request.Headers.TryAddWithoutValidation("If-Match", read.Headers.ETag!.ToString());
        return await client.SendAsync(request);
    }

    private async Task TrainedAsync(Guid person, Guid cooperative)
    {
        await app.Services.GetRequiredService<IBus>().Publish(new TrainingCompleted(Guid.NewGuid(), DateTimeOffset.UtcNow, person,
            Guid.NewGuid(), "Parcours des élus", "ElectedOfficials", Guid.NewGuid(), "CERT-MOVE", new DateOnly(2025, 11, 20),
            "Employee", Aura, cooperative));
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (await app.QueryScalarAsync<long>("SELECT count(*) FROM training_completions WHERE person_id = @p", ("p", person)) == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "membership consumed TrainingCompleted");
            await Task.Delay(100);
        }
    }

    private static async Task StatusesAsync(HttpClient client, IEnumerable<string> paths, HttpStatusCode expected)
    {
        foreach (var path in paths)
        {
            using var response = await client.GetAsync(path);
            Assert.True(response.StatusCode == expected, $"{path}: {(int)response.StatusCode}, expected {(int)expected}");
        }
    }

    private static async Task<JsonElement> Expect(Task<HttpResponseMessage> sending, HttpStatusCode status)
    {
        using var response = await sending;
        var json = await response.ReadJsonAsync();
        Assert.True(response.StatusCode == status, $"{(int)response.StatusCode}: {json}");
        return json;
    }
}
