extern alias membership;

using Npgsql;
using Scop.Aspire.Ambassadors.DemoData;
using Scop.Aspire.Ambassadors.Tests.Support;
using RegisterDemo = membership::Scop.Aspire.Membership.DemoData.SeedDemo;

namespace Scop.Aspire.Ambassadors.Tests;

/// <summary>
/// <c>seed-demo</c>: the demo register's Ambassades, each label's steps as the workflow would have left them, a year of
/// enquiries, only the timers set — and the service serves them.
/// </summary>
[Collection(AmbassadorsServersCollection.Name)]
public sealed class DemoDataTests(AmbassadorsServers servers)
{
    [Fact]
    public async Task Seed_demo_loads_the_register_s_Ambassades_once_with_their_histories_enquiries_and_timers()
    {
        var registerDatabase = await servers.Postgres.CreateDatabaseAsync();
        Assert.Equal(0, await RegisterDemo.RunAsync([$"--ConnectionStrings:membershipdb={registerDatabase}"]));
        var database = await servers.Postgres.CreateDatabaseAsync();
        string[] args = [$"--ConnectionStrings:ambassadorsdb={database}", $"--ConnectionStrings:membershipdb={registerDatabase}"];

        Assert.Equal(0, await SeedDemo.RunAsync(args));

        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        async Task<T> Scalar<T>(string sql) => (T)(await new NpgsqlCommand(sql, connection).ExecuteScalarAsync())!;
        Assert.Equal(SeedDemo.DefaultAmbassades, await Scalar<long>("SELECT count(*) FROM ambassades WHERE status = 'Labelled'"));
        foreach (var status in new[] { "Applied", "Refused", "Suspended", "Withdrawn", "Expired" })
        {
            Assert.True(await Scalar<long>($"SELECT count(*) FROM ambassades WHERE status = '{status}'") > 0, $"no {status} Ambassade");
        }

        // The register's cooperatives, known to the service; the Ambassades spread as the register does.
        Assert.Equal(RegisterDemo.Cooperatives, await Scalar<long>("SELECT count(*) FROM cooperatives"));
        Assert.Equal(0L, await Scalar<long>(
            "SELECT count(*) FROM ambassades a WHERE NOT EXISTS (SELECT 1 FROM cooperatives c WHERE c.id = a.cooperative_id AND c.name = a.name AND c.commune_code = a.commune_code)"));
        Assert.True(await Scalar<long>("SELECT count(DISTINCT region) FROM ambassades WHERE status = 'Labelled'") >= 10);
        Assert.Equal(0L, await Scalar<long>("SELECT count(*) FROM ambassades WHERE status = 'Labelled' AND (latitude IS NULL OR label_ends_on < current_date)"));

        // Each history starts with the application and ends at the Ambassade's status, in the order of its moments.
        Assert.Equal(0L, await Scalar<long>(
            """
            SELECT count(*) FROM ambassades a
            WHERE (SELECT step FROM ambassade_history h WHERE h.ambassade_id = a.id ORDER BY sequence LIMIT 1) <> 'Applied'
               OR (SELECT to_status FROM ambassade_history h WHERE h.ambassade_id = a.id ORDER BY sequence DESC LIMIT 1) <> a.status
               OR EXISTS (SELECT 1 FROM ambassade_history h1 JOIN ambassade_history h2 ON h1.ambassade_id = h2.ambassade_id
                          AND h1.sequence < h2.sequence AND h1.at > h2.at WHERE h1.ambassade_id = a.id)
               OR (SELECT max(at) FROM ambassade_history h WHERE h.ambassade_id = a.id) > now()
            """));

        // Enquiries only to labelled Ambassades; most answered on time; the withdrawn ones erased.
        Assert.True(await Scalar<long>("SELECT count(*) FROM enquiries") > SeedDemo.DefaultAmbassades);
        Assert.Equal(0L, await Scalar<long>("SELECT count(*) FROM enquiries e JOIN ambassades a ON a.id = e.ambassade_id WHERE a.status <> 'Labelled'"));
        Assert.True(await Scalar<long>("SELECT count(*) FROM enquiries WHERE (answered_at AT TIME ZONE 'Europe/Paris')::date <= due_on")
            > await Scalar<long>("SELECT count(*) FROM enquiries WHERE (answered_at AT TIME ZONE 'Europe/Paris')::date > due_on"));
        Assert.Equal(0L, await Scalar<long>("SELECT count(*) FROM enquiries WHERE answered_at < received_at OR received_at > now()"));
        Assert.Equal(0L, await Scalar<long>(
            "SELECT count(*) FROM enquiries WHERE answered_at IS NULL AND status = 'Received' AND due_on < current_date AND escalated_to_union_at IS NULL"));

        // No news published: only the timers of the labels in force (or suspended) and of the enquiries awaiting an answer.
        Assert.Equal(0L, await Scalar<long>(
            "SELECT count(*) FROM outbox_messages WHERE message_type NOT LIKE '%LabelRenewalNoticeDue%' AND message_type NOT LIKE '%LabelEndDue%' AND message_type NOT LIKE '%EnquiryDeadlineDue%'"));
        Assert.Equal(await Scalar<long>("SELECT count(*) FROM ambassades WHERE status IN ('Labelled', 'Suspended')"),
            await Scalar<long>("SELECT count(*) FROM outbox_messages WHERE message_type LIKE '%LabelEndDue%'"));
        Assert.Equal(0L, await Scalar<long>("SELECT count(*) FROM outbox_messages WHERE not_before < now()"));

        // The service serves it: the directory, the nearest search, the targets.
        await using (var app = new AmbassadorsApp(database, servers))
        {
            using var anonymous = app.CreateClient(token: null);
            var directory = await (await anonymous.GetAsync("/api/ambassadors/directory?pageSize=10")).ExpectAsync(200);
            Assert.Equal(SeedDemo.DefaultAmbassades, directory.GetProperty("totalCount").GetInt64());
            var nearest = await (await anonymous.GetAsync($"/api/ambassadors/directory/nearest?communeCode={AmbassadorsApp.Lyon}&limit=5")).ExpectAsync(200);
            Assert.Equal(5, nearest.GetProperty("items").GetArrayLength());
            var targets = await (await anonymous.GetAsync($"/api/ambassadors/targets/{app.Today.Year}")).ExpectAsync(200);
            Assert.Equal(SeedDemo.DefaultAmbassades, targets.GetProperty("ambassades").GetProperty("labelled").GetInt64());
            Assert.True(targets.GetProperty("enquiries").GetProperty("year").GetProperty("received").GetInt64() > 0);
        }

        // A second run finds Ambassades and adds nothing.
        Assert.Equal(0, await SeedDemo.RunAsync(args));
        Assert.Equal(SeedDemo.DefaultAmbassades, await Scalar<long>("SELECT count(*) FROM ambassades WHERE status = 'Labelled'"));
    }
}
