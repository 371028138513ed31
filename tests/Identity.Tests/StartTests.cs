using Scop.Aspire.Identity.Tests.Support;

namespace Scop.Aspire.Identity.Tests;

/// <summary>
/// A process started while its database cannot be reached — PostgreSQL restarting, or every process of the platform
/// starting at once on a busy machine — waits for it instead of exiting: the orchestrator would not start it again.
/// </summary>
public sealed class StartTests(IdentityServerWithDatabaseLate server) : IClassFixture<IdentityServerWithDatabaseLate>
{
    [Fact]
    public async Task Started_while_its_database_refused_connections_it_waits_then_migrates_seeds_and_signs_people_in()
    {
        // The fixture's start returned only after the database came back: the start waited instead of failing.
        Assert.True(server.StartedAt >= server.DatabaseBackAt,
            $"started at {server.StartedAt:O}, database back at {server.DatabaseBackAt:O}");

        // Migrated and seeded once it could: the development admin signs in with the password written at seeding,
        // and creates an account that then exists in the database.
        var (userName, _) = await server.CreateMemberAsync();
        Assert.Equal(1L, await server.QueryScalarAsync<long>("SELECT count(*) FROM \"AspNetUsers\" WHERE user_name = @name", ("name", userName)));
    }
}
