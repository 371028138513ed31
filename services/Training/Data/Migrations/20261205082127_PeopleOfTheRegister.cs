using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Scop.Aspire.Training.Data.Migrations
{
    /// <summary>
    /// The people and cooperatives of the membership register as training learns them from its events (only they are
    /// booked; the fund reads a cooperative's size from them), and the indexes of the scoped views: a delegate's
    /// bookings by union, a manager's by cooperative, and a cooperative's rows when it moves to another union.
    /// </summary>
    public partial class PeopleOfTheRegister : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "cooperatives",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    regional_union = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    region_stated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    declared_headcount = table.Column<int>(type: "integer", nullable: true),
                    details_stated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_cooperatives", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "people",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    cooperative_id = table.Column<Guid>(type: "uuid", nullable: false),
                    hired_on = table.Column<DateOnly>(type: "date", nullable: false),
                    left_on = table.Column<DateOnly>(type: "date", nullable: true),
                    erased = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_people", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_waitlist_entries_cooperative_id",
                table: "waitlist_entries",
                column: "cooperative_id");

            migrationBuilder.CreateIndex(
                name: "ix_invitations_cooperative_id",
                table: "invitations",
                column: "cooperative_id");

            migrationBuilder.CreateIndex(
                name: "ix_bookings_cooperative_id_created_at",
                table: "bookings",
                columns: new[] { "cooperative_id", "created_at" });

            migrationBuilder.CreateIndex(
                name: "ix_bookings_regional_union_created_at",
                table: "bookings",
                columns: new[] { "regional_union", "created_at" });

            migrationBuilder.CreateIndex(
                name: "ix_people_cooperative_id",
                table: "people",
                column: "cooperative_id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "cooperatives");

            migrationBuilder.DropTable(
                name: "people");

            migrationBuilder.DropIndex(
                name: "ix_waitlist_entries_cooperative_id",
                table: "waitlist_entries");

            migrationBuilder.DropIndex(
                name: "ix_invitations_cooperative_id",
                table: "invitations");

            migrationBuilder.DropIndex(
                name: "ix_bookings_cooperative_id_created_at",
                table: "bookings");

            migrationBuilder.DropIndex(
                name: "ix_bookings_regional_union_created_at",
                table: "bookings");
        }
    }
}
