using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Scop.Aspire.Ambassadors.Data.Migrations
{
    /// <inheritdoc />
    public partial class Clubs : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "clubs",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    epci = table.Column<string>(type: "character varying(9)", maxLength: 9, nullable: false),
                    epci_name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    region = table.Column<string>(type: "character varying(3)", maxLength: 3, nullable: false),
                    regional_union = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    opened_on = table.Column<DateOnly>(type: "date", nullable: false),
                    opened_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    opened_by = table.Column<Guid>(type: "uuid", nullable: true),
                    last_meeting_on = table.Column<DateOnly>(type: "date", nullable: true),
                    meeting_count = table.Column<int>(type: "integer", nullable: false),
                    dormant_since = table.Column<DateOnly>(type: "date", nullable: true),
                    closed_on = table.Column<DateOnly>(type: "date", nullable: true),
                    close_reason = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_clubs", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "qualified_animators",
                columns: table => new
                {
                    person_id = table.Column<Guid>(type: "uuid", nullable: false),
                    course_id = table.Column<Guid>(type: "uuid", nullable: false),
                    completed_on = table.Column<DateOnly>(type: "date", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_qualified_animators", x => x.person_id);
                });

            migrationBuilder.CreateTable(
                name: "club_meetings",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    club_id = table.Column<Guid>(type: "uuid", nullable: false),
                    held_on = table.Column<DateOnly>(type: "date", nullable: false),
                    place = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    commune_code = table.Column<string>(type: "character varying(5)", maxLength: 5, nullable: true),
                    agenda = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    attendees = table.Column<List<Guid>>(type: "uuid[]", nullable: false),
                    attendance_count = table.Column<int>(type: "integer", nullable: false),
                    recorded_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_club_meetings", x => x.id);
                    table.ForeignKey(
                        name: "fk_club_meetings_clubs_club_id",
                        column: x => x.club_id,
                        principalTable: "clubs",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "club_participants",
                columns: table => new
                {
                    club_id = table.Column<Guid>(type: "uuid", nullable: false),
                    person_id = table.Column<Guid>(type: "uuid", nullable: false),
                    role = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    cooperative_id = table.Column<Guid>(type: "uuid", nullable: true),
                    legal_form = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: true),
                    joined_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_club_participants", x => new { x.club_id, x.person_id });
                    table.ForeignKey(
                        name: "fk_club_participants_clubs_club_id",
                        column: x => x.club_id,
                        principalTable: "clubs",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_club_meetings_club_id_held_on",
                table: "club_meetings",
                columns: new[] { "club_id", "held_on" });

            migrationBuilder.CreateIndex(
                name: "ix_club_participants_person_id",
                table: "club_participants",
                column: "person_id");

            migrationBuilder.CreateIndex(
                name: "ix_clubs_one_open_per_epci",
                table: "clubs",
                column: "epci",
                unique: true,
                filter: "status <> 'Closed'");

            migrationBuilder.CreateIndex(
                name: "ix_clubs_region_name",
                table: "clubs",
                columns: new[] { "region", "name" });

            migrationBuilder.CreateIndex(
                name: "ix_clubs_regional_union_name",
                table: "clubs",
                columns: new[] { "regional_union", "name" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "club_meetings");

            migrationBuilder.DropTable(
                name: "club_participants");

            migrationBuilder.DropTable(
                name: "qualified_animators");

            migrationBuilder.DropTable(
                name: "clubs");
        }
    }
}
