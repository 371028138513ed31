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

        // The clubs: one per area, where the register's cooperatives are, across the régions; each led by animators who
        // completed the module, with members of the area's cooperatives; meetings since their opening, only their people
        // present; a few dormant for half a year without a meeting, the others met within it.
        Assert.Equal(SeedDemo.DefaultClubs, await Scalar<long>("SELECT count(*) FROM clubs"));
        Assert.Equal(SeedDemo.DefaultClubs, await Scalar<long>("SELECT count(DISTINCT epci) FROM clubs"));
        Assert.True(await Scalar<long>("SELECT count(DISTINCT region) FROM clubs") >= 8, "the clubs spread over the régions");
        Assert.True(await Scalar<long>("SELECT count(DISTINCT regional_union) FROM clubs") >= 6, "the clubs spread over the unions");
        Assert.Equal(0L, await Scalar<long>(
            """
            SELECT count(*) FROM clubs k WHERE NOT EXISTS (
                SELECT 1 FROM club_participants p JOIN cooperatives c ON c.id = p.cooperative_id
                WHERE p.club_id = k.id AND c.regional_union = k.regional_union)
            """));
        Assert.Equal(0L, await Scalar<long>(
            "SELECT count(*) FROM clubs k WHERE NOT EXISTS (SELECT 1 FROM club_participants p WHERE p.club_id = k.id AND p.role = 'Animator')"));
        Assert.Equal(0L, await Scalar<long>(
            "SELECT count(*) FROM club_participants p WHERE p.role = 'Animator' AND NOT EXISTS (SELECT 1 FROM qualified_animators q WHERE q.person_id = p.person_id)"));
        Assert.True(await Scalar<long>("SELECT count(*) FROM club_participants WHERE role = 'Member'") >= 4 * SeedDemo.DefaultClubs);
        var meetings = await Scalar<long>("SELECT count(*) FROM club_meetings");
        Assert.True(meetings >= 3 * SeedDemo.DefaultClubs, $"{meetings} meetings");
        Assert.Equal(meetings, await Scalar<long>("SELECT sum(meeting_count) FROM clubs"));
        Assert.Equal(0L, await Scalar<long>(
            """
            SELECT count(*) FROM club_meetings m JOIN clubs k ON k.id = m.club_id
            WHERE m.held_on < k.opened_on OR m.held_on > current_date OR m.attendance_count <> cardinality(m.attendees)
               OR EXISTS (SELECT 1 FROM unnest(m.attendees) a WHERE NOT EXISTS (
                          SELECT 1 FROM club_participants p WHERE p.club_id = m.club_id AND p.person_id = a))
            """));
        Assert.Equal(0L, await Scalar<long>(
            "SELECT count(*) FROM clubs k WHERE last_meeting_on IS DISTINCT FROM (SELECT max(held_on) FROM club_meetings m WHERE m.club_id = k.id)"));
        var dormant = await Scalar<long>("SELECT count(*) FROM clubs WHERE status = 'Dormant'");
        Assert.InRange(dormant, 2, SeedDemo.DefaultClubs / 4);
        Assert.Equal(0L, await Scalar<long>(
            "SELECT count(*) FROM clubs WHERE status = 'Dormant' AND (dormant_since IS NULL OR last_meeting_on > current_date - 183)"));
        Assert.Equal(0L, await Scalar<long>(
            "SELECT count(*) FROM clubs WHERE status = 'Open' AND (dormant_since IS NOT NULL OR last_meeting_on <= current_date - 183)"));
        Assert.True(await Scalar<long>("SELECT count(*) FROM club_meetings WHERE held_on > current_date - 92") >= SeedDemo.DefaultClubs / 2,
            "the clubs met over the past months");

        // No news published: only the timers of the labels in force (or suspended), of the enquiries awaiting an answer and
        // of the clubs not dormant.
        Assert.Equal(0L, await Scalar<long>(
            "SELECT count(*) FROM outbox_messages WHERE message_type NOT LIKE '%LabelRenewalNoticeDue%' AND message_type NOT LIKE '%LabelEndDue%' AND message_type NOT LIKE '%EnquiryDeadlineDue%' AND message_type NOT LIKE '%ClubDormancyDue%'"));
        Assert.Equal(await Scalar<long>("SELECT count(*) FROM clubs WHERE status = 'Open'"),
            await Scalar<long>("SELECT count(*) FROM outbox_messages WHERE message_type LIKE '%ClubDormancyDue%'"));
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
            var clubs = await (await anonymous.GetAsync("/api/ambassadors/clubs?pageSize=100")).ExpectAsync(200);
            Assert.Equal(SeedDemo.DefaultClubs, clubs.GetProperty("totalCount").GetInt64());
            var dormantClubs = await (await anonymous.GetAsync("/api/ambassadors/clubs?status=Dormant")).ExpectAsync(200);
            Assert.Equal(dormant, dormantClubs.GetProperty("totalCount").GetInt64());
        }

        // A second run finds Ambassades and clubs and adds nothing.
        var outbox = await Scalar<long>("SELECT count(*) FROM outbox_messages");
        Assert.Equal(0, await SeedDemo.RunAsync(args));
        Assert.Equal(SeedDemo.DefaultAmbassades, await Scalar<long>("SELECT count(*) FROM ambassades WHERE status = 'Labelled'"));
        Assert.Equal(SeedDemo.DefaultClubs, await Scalar<long>("SELECT count(*) FROM clubs"));
        Assert.Equal(meetings, await Scalar<long>("SELECT count(*) FROM club_meetings"));
        Assert.Equal(outbox, await Scalar<long>("SELECT count(*) FROM outbox_messages"));
    }
}
