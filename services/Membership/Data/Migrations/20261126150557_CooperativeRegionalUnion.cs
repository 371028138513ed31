using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Scop.Aspire.Membership.Data.Migrations
{
    /// <inheritdoc />
    public partial class CooperativeRegionalUnion : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "regional_union",
                table: "cooperatives",
                type: "character varying(64)",
                maxLength: 64,
                nullable: false,
                defaultValue: "");

            migrationBuilder.CreateIndex(
                name: "ix_cooperatives_regional_union_name",
                table: "cooperatives",
                columns: new[] { "regional_union", "name" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_cooperatives_regional_union_name",
                table: "cooperatives");

            migrationBuilder.DropColumn(
                name: "regional_union",
                table: "cooperatives");
        }
    }
}
