using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Scop.Aspire.ServiceDefaults.Data;
using Scop.Aspire.ServiceDefaults.Messaging;

#nullable disable

namespace Scop.Aspire.Training.Data.Migrations
{
    /// <summary>
    /// Every hold writes a booking, its people and its expiry timer (an outbox row). Under a steady flow of holds the
    /// autovacuum worker vacuumed and analysed those three tables every minute, five to ten seconds of work that took up
    /// to a core at its peak, and the holds queued behind it (the bench runs in the history of bench/README.md). Now they are analysed on a small
    /// sample, and bookings and timers are vacuumed when their rows change (confirmed, expired, sent), not also after
    /// they were inserted.
    /// </summary>
    [DbContext(typeof(TrainingDbContext))]
    [Migration("20261127180000_LightMaintenanceOfGrowingTables")]
    public partial class LightMaintenanceOfGrowingTables : Migration
    {
        private static readonly string[] Growing = ["bookings", "attendees", MessagingModel.OutboxTable];
        private static readonly string[] ChangedSoonAfterInsert = ["bookings", MessagingModel.OutboxTable];

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            foreach (var table in Growing)
            {
                migrationBuilder.Sql(TableMaintenance.LightStatistics(table));
            }

            foreach (var table in ChangedSoonAfterInsert)
            {
                migrationBuilder.Sql(TableMaintenance.NoVacuumForInserts(table));
            }
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            foreach (var table in ChangedSoonAfterInsert)
            {
                migrationBuilder.Sql(TableMaintenance.VacuumForInserts(table));
            }

            foreach (var table in Growing)
            {
                migrationBuilder.Sql(TableMaintenance.DefaultStatistics(table));
            }
        }
    }
}
