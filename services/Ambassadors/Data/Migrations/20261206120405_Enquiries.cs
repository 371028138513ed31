using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Scop.Aspire.Ambassadors.Data.Migrations
{
    /// <inheritdoc />
    public partial class Enquiries : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "enquiries",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    ambassade_id = table.Column<Guid>(type: "uuid", nullable: false),
                    cooperative_id = table.Column<Guid>(type: "uuid", nullable: false),
                    regional_union = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    sector = table.Column<string>(type: "character varying(2)", maxLength: 2, nullable: false),
                    commune_code = table.Column<string>(type: "character varying(5)", maxLength: 5, nullable: false),
                    to_nearest = table.Column<bool>(type: "boolean", nullable: false),
                    project = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    email = table.Column<string>(type: "character varying(254)", maxLength: 254, nullable: true),
                    phone = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: true),
                    consent_to_contact = table.Column<bool>(type: "boolean", nullable: false),
                    follow_token_hash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    received_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    due_on = table.Column<DateOnly>(type: "date", nullable: false),
                    federation_due_on = table.Column<DateOnly>(type: "date", nullable: false),
                    escalated_to_union_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    escalated_to_federation_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    answer = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    answered_by = table.Column<Guid>(type: "uuid", nullable: true),
                    answered_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    withdrawn_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_enquiries", x => x.id);
                    table.CheckConstraint("ck_enquiries_withdrawn_erased", "status <> 'Withdrawn' OR (project IS NULL AND name IS NULL AND email IS NULL AND phone IS NULL AND answer IS NULL)");
                    table.ForeignKey(
                        name: "fk_enquiries_ambassades_ambassade_id",
                        column: x => x.ambassade_id,
                        principalTable: "ambassades",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_enquiries_ambassade_id_received_at",
                table: "enquiries",
                columns: new[] { "ambassade_id", "received_at" });

            migrationBuilder.CreateIndex(
                name: "ix_enquiries_follow_token_hash",
                table: "enquiries",
                column: "follow_token_hash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_enquiries_regional_union_received_at",
                table: "enquiries",
                columns: new[] { "regional_union", "received_at" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "enquiries");
        }
    }
}
