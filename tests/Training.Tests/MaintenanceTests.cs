using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Scop.Aspire.ServiceDefaults.Data;
using Scop.Aspire.Training.Tests.Support;

namespace Scop.Aspire.Training.Tests;

/// <summary>
/// What a database administrator checks: how PostgreSQL's upkeep treats the tables every hold grows, and how the
/// service's pool treats its connections.
/// </summary>
[Collection(TrainingServersCollection.Name)]
public sealed class MaintenanceTests(TrainingServers servers, TrainingAppPerClass perClass)
    : TrainingTestBase(servers, perClass), IClassFixture<TrainingAppPerClass>
{
    [Theory]
    [InlineData("bookings")]
    [InlineData("attendees")]
    [InlineData("outbox_messages")]
    public async Task Every_column_of_a_growing_table_is_analysed_on_a_small_sample(string table)
    {
        var columns = await App.ScalarAsync(
            "SELECT count(*) FROM pg_attribute WHERE attrelid = @table::regclass AND attnum > 0 AND NOT attisdropped", ("table", table));
        var light = await App.ScalarAsync(
            "SELECT count(*) FROM pg_attribute WHERE attrelid = @table::regclass AND attnum > 0 AND NOT attisdropped AND attstattarget = @target",
            ("table", table), ("target", (short)TableMaintenance.LightStatisticsTarget));

        Assert.True(columns > 3, $"{table} has {columns} columns");
        Assert.Equal(columns, light);
    }

    [Theory]
    [InlineData("bookings", true)]
    [InlineData("outbox_messages", true)]
    [InlineData("attendees", false)]
    [InlineData("sessions", false)]
    public async Task Only_tables_whose_rows_change_soon_after_insert_skip_the_vacuum_after_inserts(string table, bool skipped)
    {
        var skips = await App.ScalarAsync(
            "SELECT count(*) FROM pg_class WHERE oid = @table::regclass AND 'autovacuum_vacuum_insert_threshold=-1' = ANY (reloptions)",
            ("table", table));

        Assert.Equal(skipped ? 1 : 0, skips);
    }

    [Fact]
    public void The_service_keeps_the_database_connections_it_opened_up_to_its_limit()
    {
        var pool = new NpgsqlConnectionStringBuilder(App.Services.GetRequiredService<NpgsqlDataSource>().ConnectionString);

        Assert.Equal(ServiceDatabase.DefaultMaxPoolSize, pool.MaxPoolSize);
        Assert.Equal(pool.MaxPoolSize, pool.MinPoolSize);
    }
}
