extern alias membership;

using Npgsql;
using Scop.Aspire.RepriseWatch.DemoData;
using Scop.Aspire.RepriseWatch.Tests.Support;
using RegisterDemo = membership::Scop.Aspire.Membership.DemoData.SeedDemo;

namespace Scop.Aspire.RepriseWatch.Tests;

/// <summary>
/// <c>seed-demo</c>: four years of a watch over membership's demo register, each opportunity's history as the pipeline's
/// rules would have written it, the money within its limits — and the service serves it.
/// </summary>
[Collection(RepriseWatchServersCollection.Name)]
public sealed class DemoDataTests(RepriseWatchServers servers)
{
    [Fact]
    public async Task Seed_demo_loads_four_years_of_a_watch_over_the_demo_register_once_with_consistent_histories_and_money()
    {
        var registerDatabase = await servers.Postgres.CreateDatabaseAsync();
        Assert.Equal(0, await RegisterDemo.RunAsync([$"--ConnectionStrings:membershipdb={registerDatabase}"]));
        var database = await servers.Postgres.CreateDatabaseAsync();
        string[] args = [$"--ConnectionStrings:reprisewatchdb={database}", $"--ConnectionStrings:membershipdb={registerDatabase}"];

        Assert.Equal(0, await SeedDemo.RunAsync(args));

        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        async Task<T> Scalar<T>(string sql) => (T)(await new NpgsqlCommand(sql, connection).ExecuteScalarAsync())!;
        Assert.Equal(SeedDemo.DefaultOpportunities, await Scalar<long>("SELECT count(*) FROM opportunities"));
        // The watch knows the register: every cooperative and person of it.
        Assert.Equal(RegisterDemo.Cooperatives, await Scalar<long>("SELECT count(*) FROM cooperatives"));
        Assert.Equal(RegisterDemo.People, await Scalar<long>("SELECT count(*) FROM people"));

        // Four years of reports, and every stage of the pipeline reached by some.
        Assert.True(await Scalar<bool>("SELECT min(reported_at) < now() - interval '3 years' AND max(reported_at) > now() - interval '60 days' FROM opportunities"));
        Assert.Equal(6L, await Scalar<long>("SELECT count(DISTINCT stage) FROM opportunities"));
        Assert.True(await Scalar<long>("SELECT count(*) FROM opportunities WHERE (SELECT count(*) FROM opportunity_reporters r WHERE r.opportunity_id = opportunities.id) > 1") > 0,
            "no company was reported twice");

        // Each history starts with the report and ends at the opportunity's stage; every reporter is a person of the register.
        Assert.Equal(0L, await Scalar<long>(
            """
            SELECT count(*) FROM opportunities o
            WHERE (SELECT from_stage FROM opportunity_moves m WHERE m.opportunity_id = o.id ORDER BY sequence LIMIT 1) IS NOT NULL
               OR (SELECT to_stage FROM opportunity_moves m WHERE m.opportunity_id = o.id ORDER BY sequence DESC LIMIT 1) <> o.stage
               OR (SELECT max(at) FROM opportunity_moves m WHERE m.opportunity_id = o.id) > now()
            """));
        Assert.Equal(0L, await Scalar<long>("SELECT count(*) FROM opportunity_reporters r WHERE NOT EXISTS (SELECT 1 FROM people p WHERE p.id = r.person_id AND p.cooperative_id = r.cooperative_id)"));
        Assert.Equal(0L, await Scalar<long>("SELECT count(*) FROM opportunities WHERE stage = 'Lost' AND (lost_reason IS NULL OR lost_comment IS NULL)"));

        // A converted takeover is a cooperative of the register, with its SIREN linked.
        Assert.True(await Scalar<long>("SELECT count(*) FROM opportunities WHERE stage = 'Converted'") > 10);
        Assert.Equal(0L, await Scalar<long>(
            "SELECT count(*) FROM opportunities o WHERE stage = 'Converted' AND NOT EXISTS (SELECT 1 FROM cooperatives c WHERE c.id = o.cooperative_id AND c.siren = o.successor_siren)"));

        // The money: no compartment committed beyond what it holds, committed = what its live requests take; the same for premiums.
        Assert.True(await Scalar<long>("SELECT count(*) FROM financing_requests WHERE status = 'Approved'") > 0);
        Assert.Equal(0L, await Scalar<long>(
            """
            SELECT count(*) FROM fund_compartments c WHERE c.committed > c.holds OR c.committed <> coalesce((SELECT sum(p.amount)
                FROM financing_parts p JOIN financing_requests r ON r.id = p.request_id WHERE p.compartment_id = c.id AND r.status <> 'Refused'), 0)
            """));
        Assert.True(await Scalar<long>("SELECT count(*) FROM job_premiums WHERE loan_status = 'Accepted' AND loan_reference IS NOT NULL") > 0);
        Assert.Equal(0L, await Scalar<long>(
            "SELECT count(*) FROM premium_years y WHERE y.granted > y.budget OR y.granted <> coalesce((SELECT sum(amount) FROM job_premiums p WHERE p.year = y.year), 0)"));
        Assert.True(await Scalar<long>("SELECT count(*) FROM pool_volunteers") > 0);
        Assert.True(await Scalar<long>("SELECT count(*) FROM candidate_proposals WHERE outcome = 'Accepted'") > 0);

        // The planner knows the loaded tables, and index-only scans need not visit the heap, before the first read.
        Assert.Equal(0L, await Scalar<long>(
            "SELECT count(*) FROM pg_stat_user_tables WHERE relname IN ('opportunities', 'opportunity_reporters') AND (last_analyze IS NULL OR last_vacuum IS NULL)"));

        // No news published; each open opportunity either flagged stale or waiting for its stale timer.
        Assert.Equal(0L, await Scalar<long>("SELECT count(*) FROM outbox_messages WHERE message_type NOT LIKE '%StaleCheckDue%'"));
        Assert.Equal(await Scalar<long>("SELECT count(*) FROM opportunities WHERE stage NOT IN ('Converted', 'Lost') AND stale_since IS NULL"),
            await Scalar<long>("SELECT count(*) FROM outbox_messages"));

        // The service serves it: last year's figures as staff read them, a delegate's pipeline of their union.
        var lastYear = DateTime.UtcNow.Year - 1;
        await using (var app = new RepriseWatchApp(database, servers))
        {
            using var staff = app.CreateClient(RepriseWatchApp.StaffToken);
            var figures = await (await staff.GetAsync($"/api/reprise-watch/figures?year={lastYear}")).ExpectAsync(200);
            Assert.Equal(await Scalar<long>($"SELECT count(*) FROM opportunities WHERE extract(year FROM reported_at AT TIME ZONE 'Europe/Paris') = {lastYear}"),
                figures.GetProperty("opportunities").GetProperty("reported").GetInt64());
            using var aura = app.CreateClient(RepriseWatchApp.DelegateToken(RepriseWatchApp.Aura));
            var pipeline = await (await aura.GetAsync("/api/reprise-watch/opportunities?pageSize=50")).ExpectAsync(200);
            Assert.Equal(await Scalar<long>($"SELECT count(*) FROM opportunities WHERE regional_union = '{RepriseWatchApp.Aura}'"),
                pipeline.GetProperty("totalCount").GetInt64());
            Assert.All(pipeline.GetProperty("items").EnumerateArray(),
                item => Assert.Equal(RepriseWatchApp.Aura, item.GetProperty("regionalUnion").GetString()));
        }

        // A second run finds its first opportunity and adds nothing.
        Assert.Equal(0, await SeedDemo.RunAsync(args));
        Assert.Equal(SeedDemo.DefaultOpportunities, await Scalar<long>("SELECT count(*) FROM opportunities"));
    }
}
