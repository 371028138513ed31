using Npgsql;
using Scop.Aspire.Contracts.Membership;
using Scop.Aspire.ServiceDefaults;
using Scop.Aspire.Training.Tests.Support;

namespace Scop.Aspire.Training.Tests;

/// <summary>
/// A burst of registrations (<c>CooperativeJoined</c> by the dozen, applied in batches) leaves training holding, for
/// each cooperative, what the register stated last: a new one as it joined, one known through an earlier event the
/// newer of the two facts (its bookings following a new union), one named twice in the burst the later fact.
/// </summary>
[Collection(TrainingServersCollection.Name)]
public sealed class RegisterBurstTests(TrainingServers servers, TrainingAppPerClass perClass)
    : TrainingTestBase(servers, perClass), IClassFixture<TrainingAppPerClass>
{
    private const string Ouest = "urscop-ouest";

    [Fact]
    public async Task A_burst_of_joins_leaves_every_cooperative_as_the_register_last_stated_it()
    {
        var now = App.Time.GetUtcNow();
        var (before, after) = (now.AddMinutes(-1), now.AddMinutes(1));
        var expected = new Dictionary<Guid, Held>();
        var burst = new List<CooperativeJoined>();

        // New cooperatives: the common case.
        for (var i = 0; i < 30; i++)
        {
            var id = Guid.CreateVersion7();
            var union = i % 2 == 0 ? TrainingApp.Aura : Ouest;
            int? headcount = i % 10 == 0 ? null : i;
            burst.Add(Joined(id, union, headcount, now));
            expected[id] = new(union, now, headcount, now);
        }

        // Known through an earlier event: an update stated before the join (the join replaces it) or after (it stays),
        // a hire stated after the join (its union stays; a hire says no headcount, so the join's counts).
        var earlier = new List<Func<Task>>();
        for (var i = 0; i < 3; i++)
        {
            var (older, newer) = (Guid.CreateVersion7(), Guid.CreateVersion7());
            earlier.Add(() => App.PublishAsync(Updated(older, Ouest, 3, before)));
            burst.Add(Joined(older, TrainingApp.Aura, 4, now));
            expected[older] = new(TrainingApp.Aura, now, 4, now);
            earlier.Add(() => App.PublishAsync(Updated(newer, Ouest, 5, after)));
            burst.Add(Joined(newer, TrainingApp.Aura, 6, now));
            expected[newer] = new(Ouest, after, 5, after);
        }

        var hiredAfter = Guid.CreateVersion7();
        earlier.Add(() => App.PublishAsync(new PersonHired(Guid.NewGuid(), after, Guid.CreateVersion7(), hiredAfter, Ouest,
            ParisCalendar.DateOf(now))));
        burst.Add(Joined(hiredAfter, TrainingApp.Aura, 8, now));
        expected[hiredAfter] = new(Ouest, after, 8, now);
        await Task.WhenAll(earlier.Select(publish => publish()));
        await TrainingApp.WaitUntilAsync(async () => await App.ScalarAsync("SELECT count(*) FROM cooperatives WHERE id = ANY(@ids)",
            ("ids", expected.Keys.ToArray())) == 7, "the service knows the cooperatives of the earlier events");

        // A cooperative with a held booking in Aura, named by a later join in Ouest: it moves, its booking with it.
        var person = (await App.HireAsync(1, headcount: 2))[0];
        var moving = await App.CooperativeOfAsync(person);
        var session = await App.CreateSessionAsync(Client, capacity: 5);
        var booking = (await (await TrainingApp.BookAsync(Client, session, TrainingApp.Booking([person]))).ExpectAsync(201))
            .GetProperty("id").GetGuid();
        burst.Add(Joined(moving, Ouest, 9, after));
        expected[moving] = new(Ouest, after, 9, after);

        // Named twice in the burst: the later fact holds, whichever arrives first.
        var twice = Guid.CreateVersion7();
        burst.Add(Joined(twice, TrainingApp.Aura, 10, now));
        burst.Add(Joined(twice, Ouest, 11, after));
        expected[twice] = new(Ouest, after, 11, after);

        // Published before events named the union: training learns of it from its first hire.
        var withoutUnion = Guid.CreateVersion7();
        burst.Add(Joined(withoutUnion, union: null, 12, now));

        await Task.WhenAll(burst.Append(burst[0]).Select(joined => App.PublishAsync(joined))); // the first one redelivered
        await TrainingApp.WaitUntilAsync(async () => await App.ScalarAsync(
            "SELECT count(*) FROM inbox_messages WHERE consumer LIKE '%CooperativeJoinedConsumer' AND message_id = ANY(@ids)",
            ("ids", burst.Select(j => j.EventId).ToArray())) == burst.Count, $"the {burst.Count} joins consumed");

        var held = await HeldAsync([.. expected.Keys, withoutUnion]);
        Assert.Equal(expected.OrderBy(e => e.Key), held.OrderBy(h => h.Key));
        Assert.Equal(Ouest, await App.QueryScalarAsync<string>("SELECT regional_union FROM bookings WHERE id = @id", ("id", booking)));
    }

    private sealed record Held(string Union, DateTimeOffset RegionStatedAt, int? Headcount, DateTimeOffset? DetailsStatedAt);

    private static CooperativeJoined Joined(Guid cooperative, string? union, int? headcount, DateTimeOffset statedAt) =>
        new(Guid.NewGuid(), statedAt, cooperative, "Scop de test", "732829320", "SCOP", "69123", "62.01Z", union, headcount);

    private static CooperativeUpdated Updated(Guid cooperative, string union, int headcount, DateTimeOffset statedAt) =>
        new(Guid.NewGuid(), statedAt, cooperative, "Scop de test", "35238", "62.01Z", union, union, headcount);

    private async Task<Dictionary<Guid, Held>> HeldAsync(Guid[] cooperatives)
    {
        await using var connection = new NpgsqlConnection(App.DatabaseConnectionString);
        await connection.OpenAsync();
        await using var query = new NpgsqlCommand(
            """
            SELECT id, regional_union, region_stated_at, declared_headcount, details_stated_at
            FROM cooperatives WHERE id = ANY(@ids)
            """, connection);
        query.Parameters.AddWithValue("ids", cooperatives);
        await using var reader = await query.ExecuteReaderAsync();
        var held = new Dictionary<Guid, Held>();
        while (await reader.ReadAsync())
        {
            held.Add(reader.GetGuid(0), new(reader.GetString(1), reader.GetFieldValue<DateTimeOffset>(2),
                await reader.IsDBNullAsync(3) ? null : reader.GetInt32(3),
                await reader.IsDBNullAsync(4) ? null : reader.GetFieldValue<DateTimeOffset>(4)));
        }

        return held;
    }
}
