using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Scop.Aspire.PartnerHooks.Data.Migrations
{
    /// <inheritdoc />
    public partial class DeliveriesPendingByEndpoint : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "ix_deliveries_pending_by_endpoint",
                table: "deliveries",
                columns: new[] { "endpoint_id", "next_attempt_at", "id" },
                filter: "status = 'Pending'");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_deliveries_pending_by_endpoint",
                table: "deliveries");
        }
    }
}
