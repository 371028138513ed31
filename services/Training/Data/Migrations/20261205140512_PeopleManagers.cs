using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Scop.Aspire.Training.Data.Migrations
{
    /// <inheritdoc />
    public partial class PeopleManagers : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "is_manager",
                table: "people",
                type: "boolean",
                nullable: false,
                defaultValue: false);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "is_manager",
                table: "people");
        }
    }
}
