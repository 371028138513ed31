using Npgsql;
using Scop.Aspire.Contracts.Membership;
using Scop.Aspire.Training.Tests.Support;
using Scop.Aspire.ServiceDefaults;

namespace Scop.Aspire.Training.Tests;

/// <summary>
/// A cooperative that moves to another région in the register (<c>CooperativeUpdated</c>): training's copies of its
/// people's bookings, waiting-list entries and invitations move to the new union when the event is consumed; the old
/// union's delegates lose sight of them, the new union's gain it; an older fact arriving late changes nothing.
/// </summary>
[Collection(TrainingServersCollection.Name)]
public sealed class CooperativeMoveTests(TrainingServers servers, TrainingAppPerClass perClass)
    : TrainingTestBase(servers, perClass), IClassFixture<TrainingAppPerClass>
{
    private const string Ouest = "urscop-ouest";

    [Fact]
    public async Task Bookings_entries_and_invitations_follow_their_cooperative_to_its_new_union()
    {
        var people = await App.HireAsync(3, headcount: 10);
        var cooperative = await App.CooperativeOfAsync(people[0]);
        var session = await App.CreateSessionAsync(Client, capacity: 2);
        var held = await BookAsync(session, [people[0]], 201);
        var confirmed = await BookAsync(session, [people[1]], 201);
        await (await Client.PostAsync($"/api/training/bookings/{confirmed}/confirm", null)).ExpectAsync(200);
        var waiting = await BookAsync(session, [people[2]], 202);
        using var aura = App.CreateClient(TrainingApp.DelegateToken(TrainingApp.Aura));
        using var ouest = App.CreateClient(TrainingApp.DelegateToken(Ouest));
        var reads = new[]
        {
            $"/api/training/bookings/{held}", $"/api/training/bookings/{confirmed}", $"/api/training/waitlist/{waiting}",
            $"/api/training/people/{people[0]}/passport",
        };
        await StatusesAsync(aura, reads, 200);
        await StatusesAsync(ouest, reads, 404);

        var moved = new CooperativeUpdated(Guid.NewGuid(), App.Time.GetUtcNow().AddSeconds(1), cooperative, "Scop de test", "35238",
            "62.01Z", Ouest, TrainingApp.Aura, 60);
        await App.PublishAsync(moved);
        await App.PublishAsync(moved); // redelivered: changes nothing more
        await TrainingApp.WaitUntilAsync(async () => await App.ScalarAsync(
            "SELECT count(*) FROM bookings WHERE cooperative_id = @c AND regional_union = @u", ("c", cooperative), ("u", Ouest)) == 2,
            "the bookings moved to URSCOP Ouest");

        foreach (var table in new[] { "bookings", "waitlist_entries", "invitations" })
        {
            Assert.Equal(0, await App.ScalarAsync(
                $"SELECT count(*) FROM {table} WHERE cooperative_id = @c AND regional_union <> @u", ("c", cooperative), ("u", Ouest)));
        }

        Assert.Equal(3, await App.ScalarAsync("SELECT count(*) FROM invitations WHERE cooperative_id = @c", ("c", cooperative)));
        await StatusesAsync(aura, reads, 404);
        await StatusesAsync(ouest, reads, 200);
        foreach (var list in new[] { "/api/training/bookings?pageSize=100", "/api/training/invitations?pageSize=100", $"/api/training/sessions/{session}/waitlist" })
        {
            var text = (await (await aura.GetAsync(list)).ExpectAsync(200)).GetRawText();
            Assert.DoesNotContain(cooperative.ToString(), text);
            Assert.DoesNotContain(waiting.ToString(), text);
        }

        // The register's new headcount counts for the fund; the people are now booked as Ouest's.
        Assert.Equal(60, await App.ScalarAsync("SELECT declared_headcount::bigint FROM cooperatives WHERE id = @c", ("c", cooperative)));
        var again = await (await TrainingApp.BookAsync(ouest, await App.CreateSessionAsync(Client, capacity: 5), TrainingApp.Booking([people[0]])))
            .ExpectAsync(201);
        Assert.Equal(Ouest, again.GetProperty("regionalUnion").GetString());
        await (await TrainingApp.BookAsync(aura, session, TrainingApp.Booking([people[0]]))).ExpectAsync(403);

        // An older fact arriving late (the union at an earlier hire) does not move it back.
        await App.PublishAsync(new PersonHired(Guid.NewGuid(), App.Time.GetUtcNow().AddMinutes(-10), Guid.NewGuid(), cooperative,
            TrainingApp.Aura, ParisCalendar.Today(App.Time)));
        await TrainingApp.WaitUntilAsync(async () => await App.ScalarAsync(
            "SELECT count(*) FROM people WHERE cooperative_id = @c", ("c", cooperative)) == 4, "the late hire is known");
        Assert.Equal(Ouest, await App.QueryScalarAsync<string>("SELECT regional_union FROM cooperatives WHERE id = @c", ("c", cooperative)));
        Assert.Equal(0, await App.ScalarAsync(
            "SELECT count(*) FROM bookings WHERE cooperative_id = @c AND regional_union <> @u", ("c", cooperative), ("u", Ouest)));
    }

    [Fact]
    public async Task A_hold_taken_while_the_cooperative_moves_waits_for_the_move_and_counts_for_the_new_union()
    {
        var person = (await App.HireAsync(1))[0];
        var cooperative = await App.CooperativeOfAsync(person);
        var session = await App.CreateSessionAsync(Client, capacity: 5);

        // The move, as the consumer applies it: the cooperative locked and changed, its rows moved, not yet committed.
        await using var move = new NpgsqlConnection(App.DatabaseConnectionString);
        await move.OpenAsync();
        await using var moving = await move.BeginTransactionAsync();
        foreach (var sql in new[]
                 {
                     $"SELECT FROM cooperatives WHERE id = '{cooperative}' FOR UPDATE",
                     $"UPDATE cooperatives SET regional_union = '{Ouest}', region_stated_at = now() WHERE id = '{cooperative}'",
                     $"UPDATE bookings SET regional_union = '{Ouest}' WHERE cooperative_id = '{cooperative}'",
                 })
        {
            await using var command = new NpgsqlCommand(sql, move);
            await command.ExecuteNonQueryAsync();
        }

        var booking = TrainingApp.BookAsync(Client, session, TrainingApp.Booking([person]));
        Assert.False(await Task.WhenAny(booking, Task.Delay(1_000)) == booking, "the hold waits for the move");
        await moving.CommitAsync();
        var held = await (await booking).ExpectAsync(201);
        Assert.Equal(Ouest, held.GetProperty("regionalUnion").GetString());
        Assert.Equal(Ouest, await App.QueryScalarAsync<string>(
            "SELECT regional_union FROM bookings WHERE id = @id", ("id", held.GetProperty("id").GetGuid())));
    }

    private async Task<Guid> BookAsync(Guid session, Guid[] people, int status) =>
        (await (await TrainingApp.BookAsync(Client, session, TrainingApp.Booking(people))).ExpectAsync(status)).GetProperty("id").GetGuid();

    private static async Task StatusesAsync(HttpClient client, IEnumerable<string> paths, int expected)
    {
        foreach (var path in paths)
        {
            using var response = await client.GetAsync(path);
            Assert.True((int)response.StatusCode == expected, $"{path}: {(int)response.StatusCode}, expected {expected}");
        }
    }
}
