using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Scop.Aspire.RepriseWatch.Data.Migrations
{
    /// <inheritdoc />
    public partial class PipelineFilterIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "ix_opportunities_cause_reported_at",
                table: "opportunities",
                columns: new[] { "cause", "reported_at" });

            migrationBuilder.CreateIndex(
                name: "ix_opportunities_naf_division_reported_at",
                table: "opportunities",
                columns: new[] { "naf_division", "reported_at" });

            migrationBuilder.CreateIndex(
                name: "ix_opportunities_stale_reported_at",
                table: "opportunities",
                column: "reported_at",
                filter: "stale_since IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_opportunities_cause_reported_at",
                table: "opportunities");

            migrationBuilder.DropIndex(
                name: "ix_opportunities_naf_division_reported_at",
                table: "opportunities");

            migrationBuilder.DropIndex(
                name: "ix_opportunities_stale_reported_at",
                table: "opportunities");
        }
    }
}
