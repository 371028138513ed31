using Npgsql;
using Scop.Aspire.Ambassadors.Tests.Support;
using Scop.Aspire.Contracts.Membership;

namespace Scop.Aspire.Ambassadors.Tests;

/// <summary>
/// A burst of registrations (<c>CooperativeJoined</c> by the dozen, applied in batches) leaves the service holding, for
/// each cooperative, what the register stated last: a new one as it joined, one known through an earlier event the
/// newer of the two facts (its Ambassade following it), one named twice in the burst the later fact.
/// </summary>
[Collection(AmbassadorsServersCollection.Name)]
public sealed class RegisterBurstTests(AmbassadorsServers servers, AmbassadorsAppPerClass perClass)
    : AmbassadorsTestBase(servers, perClass), IClassFixture<AmbassadorsAppPerClass>
{
    private const string Villeurbanne = "69266";

    [Fact]
    public async Task A_burst_of_joins_leaves_every_cooperative_as_the_register_last_stated_it()
    {
        var now = App.Time.GetUtcNow();
        var (before, after) = (now.AddMinutes(-1), now.AddMinutes(1));
        var termEndsOn = App.Today.AddYears(1).AddDays(-1);
        var expected = new Dictionary<Guid, Held>();
        var burst = new List<CooperativeJoined>();

        // New cooperatives: the common case.
        for (var i = 0; i < 30; i++)
        {
            var id = Guid.CreateVersion7();
            var (commune, union) = i % 2 == 0 ? (AmbassadorsApp.Lyon, AmbassadorsApp.Aura) : (AmbassadorsApp.Rennes, AmbassadorsApp.Ouest);
            var legalForm = i % 3 == 0 ? "SCIC" : "SCOP";
            burst.Add(Joined(id, $"Scop n° {i}", legalForm, commune, union, now));
            expected[id] = new($"Scop n° {i}", legalForm, commune, "62.01Z", union, now, null);
        }

        // Known through an earlier event: its dues paid first (the join brings the details, the membership stays), an
        // update stated before the join (the join replaces it) or after (it stays, and the older join still brings the
        // legal form, which updates never name).
        var earlier = new List<CooperativeUpdated>();
        for (var i = 0; i < 3; i++)
        {
            var (paidFirst, older, newer) = (Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7());
            await App.ActivateMembershipAsync(paidFirst);
            burst.Add(Joined(paidFirst, "Scop payée d'abord", "SCOP", AmbassadorsApp.Lyon, AmbassadorsApp.Aura, now));
            expected[paidFirst] = new("Scop payée d'abord", "SCOP", AmbassadorsApp.Lyon, "62.01Z", AmbassadorsApp.Aura, now, termEndsOn);
            earlier.Add(Updated(older, "Scop d'avant", AmbassadorsApp.Rennes, AmbassadorsApp.Ouest, before));
            burst.Add(Joined(older, "Scop jointe", "SCOP", AmbassadorsApp.Lyon, AmbassadorsApp.Aura, now));
            expected[older] = new("Scop jointe", "SCOP", AmbassadorsApp.Lyon, "62.01Z", AmbassadorsApp.Aura, now, null);
            earlier.Add(Updated(newer, "Scop d'après", AmbassadorsApp.Rennes, AmbassadorsApp.Ouest, after));
            burst.Add(Joined(newer, "Scop jointe", "SCOP", AmbassadorsApp.Lyon, AmbassadorsApp.Aura, now));
            expected[newer] = new("Scop d'après", "SCOP", AmbassadorsApp.Rennes, "62.01Z", AmbassadorsApp.Ouest, after, null);
        }

        await Task.WhenAll(earlier.Select(updated => App.PublishAsync(updated)));
        await AmbassadorsApp.WaitUntilAsync(async () => await App.ScalarAsync("SELECT count(*) FROM cooperatives WHERE id = ANY(@ids)",
            ("ids", expected.Keys.ToArray())) == 9, "the service knows the cooperatives of the earlier events");

        // Labelled Ambassades: one's cooperative renamed and moved to Villeurbanne by a later join, which it follows;
        // the other's named otherwise by an older join, which changes nothing.
        var (moving, movingAmbassade) = await App.LabelledAsync(Client);
        burst.Add(Joined(moving, "Scop des Gratte-Ciel", "SCOP", Villeurbanne, AmbassadorsApp.Aura, after));
        expected[moving] = new("Scop des Gratte-Ciel", "SCOP", Villeurbanne, "62.01Z", AmbassadorsApp.Aura, after, termEndsOn);
        var (staying, stayingAmbassade) = await App.LabelledAsync(Client);
        var stayingName = (await AmbassadeAsync(stayingAmbassade)).Name;
        burst.Add(Joined(staying, "Scop d'un autre temps", "SCOP", Villeurbanne, AmbassadorsApp.Aura, before));
        expected[staying] = new(stayingName, "SCOP", AmbassadorsApp.Lyon, "62.01Z", AmbassadorsApp.Aura, now, termEndsOn);

        // Named twice in the burst: the later fact holds, whichever arrives first.
        var twice = Guid.CreateVersion7();
        burst.Add(Joined(twice, "Scop à corriger", "SCOP", AmbassadorsApp.Lyon, AmbassadorsApp.Aura, now));
        burst.Add(Joined(twice, "Scop corrigée", "SCIC", AmbassadorsApp.Rennes, AmbassadorsApp.Ouest, after));
        expected[twice] = new("Scop corrigée", "SCIC", AmbassadorsApp.Rennes, "62.01Z", AmbassadorsApp.Ouest, after, null);

        // Published before events named the union: the service learns of it from its next update.
        var withoutUnion = Guid.CreateVersion7();
        burst.Add(Joined(withoutUnion, "Scop sans union", "SCOP", AmbassadorsApp.Lyon, union: null, now));

        await Task.WhenAll(burst.Append(burst[0]).Select(joined => App.PublishAsync(joined))); // the first one redelivered
        await AmbassadorsApp.WaitUntilAsync(async () => await App.ScalarAsync(
            "SELECT count(*) FROM inbox_messages WHERE consumer LIKE '%CooperativeJoinedConsumer' AND message_id = ANY(@ids)",
            ("ids", burst.Select(j => j.EventId).ToArray())) == burst.Count, $"the {burst.Count} joins consumed");

        var held = await HeldAsync([.. expected.Keys, withoutUnion]);
        Assert.Equal(expected.OrderBy(e => e.Key), held.OrderBy(h => h.Key));
        Assert.Equal(("Scop des Gratte-Ciel", Villeurbanne), await AmbassadeAsync(movingAmbassade));
        Assert.Equal((stayingName, AmbassadorsApp.Lyon), await AmbassadeAsync(stayingAmbassade));
    }

    private sealed record Held(string Name, string LegalForm, string CommuneCode, string NafCode, string RegionalUnion,
        DateTimeOffset DetailsStatedAt, DateOnly? MembershipTermEndsOn);

    private static CooperativeJoined Joined(Guid cooperative, string name, string legalForm, string commune, string? union,
        DateTimeOffset statedAt) =>
        new(Guid.NewGuid(), statedAt, cooperative, name, "356000000", legalForm, commune, "62.01Z", union, 12);

    private static CooperativeUpdated Updated(Guid cooperative, string name, string commune, string union, DateTimeOffset statedAt) =>
        new(Guid.NewGuid(), statedAt, cooperative, name, commune, "62.01Z", union, union, 12);

    /// <summary>The Ambassade as staff read it: its name and commune.</summary>
    private async Task<(string Name, string CommuneCode)> AmbassadeAsync(Guid id)
    {
        var ambassade = await (await Client.GetAsync($"/api/ambassadors/ambassades/{id}")).ExpectAsync(200);
        return (ambassade.GetProperty("name").GetString()!, ambassade.GetProperty("communeCode").GetString()!);
    }

    private async Task<Dictionary<Guid, Held>> HeldAsync(Guid[] cooperatives)
    {
        await using var connection = new NpgsqlConnection(App.DatabaseConnectionString);
        await connection.OpenAsync();
        await using var query = new NpgsqlCommand(
            """
            SELECT id, name, legal_form, commune_code, naf_code, regional_union, details_stated_at, membership_term_ends_on
            FROM cooperatives WHERE id = ANY(@ids)
            """, connection);
        query.Parameters.AddWithValue("ids", cooperatives);
        await using var reader = await query.ExecuteReaderAsync();
        var held = new Dictionary<Guid, Held>();
        while (await reader.ReadAsync())
        {
            held.Add(reader.GetGuid(0), new(reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                reader.GetString(5), reader.GetFieldValue<DateTimeOffset>(6),
                await reader.IsDBNullAsync(7) ? null : reader.GetFieldValue<DateOnly>(7)));
        }

        return held;
    }
}
