using Npgsql;
using Scop.Aspire.Membership.DemoData;
using Scop.Aspire.ReferenceData;
using Scop.Aspire.Membership.Tests.Support;

namespace Scop.Aspire.Membership.Tests;

/// <summary><c>seed-demo</c>: the register the bench and the demonstrations search, on a database of its own.</summary>
[Collection(MembershipServersCollection.Name)]
public sealed class DemoDataTests(MembershipServers servers)
{
    [Fact]
    public async Task Seed_demo_loads_the_register_over_real_communes_once_ready_to_be_searched()
    {
        var database = await servers.Postgres.CreateDatabaseAsync();
        string[] args = [$"--ConnectionStrings:membershipdb={database}"];

        Assert.Equal(0, await SeedDemo.RunAsync(args));

        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        async Task<T> Scalar<T>(string sql) => (T)(await new NpgsqlCommand(sql, connection).ExecuteScalarAsync())!;
        Assert.Equal(SeedDemo.Cooperatives, await Scalar<long>("SELECT count(*) FROM cooperatives"));
        Assert.Equal(SeedDemo.People, await Scalar<long>("SELECT count(*) FROM people"));
        Assert.Equal(0L, await Scalar<long>("SELECT count(*) FROM outbox_messages"));

        var reference = FrenchReferenceData.Load();
        var communes = new List<string>();
        await using (var reader = await new NpgsqlCommand("SELECT DISTINCT commune_code FROM cooperatives", connection).ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                communes.Add(reader.GetString(0));
            }
        }

        Assert.True(communes.Count > 100, $"{communes.Count} communes only");
        Assert.All(communes, code => Assert.NotNull(reference.FindCommune(code)));

        // The planner knows the loaded tables before the first search, without waiting for autovacuum.
        Assert.Equal(0L, await Scalar<long>(
            "SELECT count(*) FROM pg_stat_user_tables WHERE relname IN ('cooperatives', 'people') AND last_analyze IS NULL"));

        // A second run finds its first cooperative and adds nothing.
        Assert.Equal(0, await SeedDemo.RunAsync(args));
        Assert.Equal(SeedDemo.Cooperatives, await Scalar<long>("SELECT count(*) FROM cooperatives"));
    }
}
