using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Scop.Aspire.Membership.Data.Migrations
{
    /// <summary>
    /// The name search matches a folded copy of the name (lower case, no accents) instead of running ILIKE on every
    /// row, and a search by NAF division looks up a column of its own instead of a LIKE on the code.
    /// </summary>
    public partial class FoldedNameSearch : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_cooperatives_name_trigram",
                table: "cooperatives");

            migrationBuilder.AddColumn<string>(
                name: "naf_division",
                table: "cooperatives",
                type: "character varying(2)",
                maxLength: 2,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "search_name",
                table: "cooperatives",
                type: "text",
                nullable: false,
                defaultValue: "");

            // The service folds names when it writes them; rows already there are folded once here, by PostgreSQL's
            // unaccent, which spells out ligatures as the service does.
            migrationBuilder.Sql("CREATE EXTENSION IF NOT EXISTS unaccent;");
            migrationBuilder.Sql("UPDATE cooperatives SET naf_division = left(naf_code, 2), search_name = lower(unaccent(name));");

            migrationBuilder.CreateIndex(
                name: "ix_cooperatives_naf_division_name",
                table: "cooperatives",
                columns: new[] { "naf_division", "name" });

            migrationBuilder.CreateIndex(
                name: "ix_cooperatives_search_name_trigram",
                table: "cooperatives",
                column: "search_name")
                .Annotation("Npgsql:IndexMethod", "gin")
                .Annotation("Npgsql:IndexOperators", new[] { "gin_trgm_ops" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_cooperatives_naf_division_name",
                table: "cooperatives");

            migrationBuilder.DropIndex(
                name: "ix_cooperatives_search_name_trigram",
                table: "cooperatives");

            migrationBuilder.DropColumn(
                name: "naf_division",
                table: "cooperatives");

            migrationBuilder.DropColumn(
                name: "search_name",
                table: "cooperatives");

            migrationBuilder.CreateIndex(
                name: "ix_cooperatives_name_trigram",
                table: "cooperatives",
                column: "name")
                .Annotation("Npgsql:IndexMethod", "gin")
                .Annotation("Npgsql:IndexOperators", new[] { "gin_trgm_ops" });
        }
    }
}
