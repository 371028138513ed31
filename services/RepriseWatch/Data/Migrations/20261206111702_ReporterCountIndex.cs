using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Scop.Aspire.RepriseWatch.Data.Migrations
{
    /// <inheritdoc />
    public partial class ReporterCountIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "ix_opportunity_reporters_opportunity_id",
                table: "opportunity_reporters",
                column: "opportunity_id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_opportunity_reporters_opportunity_id",
                table: "opportunity_reporters");
        }
    }
}
