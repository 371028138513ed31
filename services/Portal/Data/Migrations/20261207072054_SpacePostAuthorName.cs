using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Scop.Aspire.Portal.Data.Migrations
{
    /// <inheritdoc />
    public partial class SpacePostAuthorName : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "author_name",
                table: "space_posts",
                type: "character varying(200)",
                maxLength: 200,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "author_name",
                table: "space_posts");
        }
    }
}
