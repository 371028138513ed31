using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Scop.Aspire.Membership.Data.Migrations
{
    /// <inheritdoc />
    public partial class MembershipRegister : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateOnly>(
                name: "founded_on",
                table: "cooperatives",
                type: "date",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "headcount",
                table: "cooperatives",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "postal_code",
                table: "cooperatives",
                type: "character varying(5)",
                maxLength: 5,
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "profit_sharing_agreement",
                table: "cooperatives",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "street",
                table: "cooperatives",
                type: "character varying(200)",
                maxLength: 200,
                nullable: true);

            // Cooperatives registered before this migration belong to no trade federation yet.
            migrationBuilder.AddColumn<List<string>>(
                name: "trade_federations",
                table: "cooperatives",
                type: "text[]",
                nullable: false,
                defaultValueSql: "'{}'");

            migrationBuilder.AddColumn<int>(
                name: "worker_members",
                table: "cooperatives",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<uint>(
                name: "xmin",
                table: "cooperatives",
                type: "xid",
                rowVersion: true,
                nullable: false,
                defaultValue: 0u);

            migrationBuilder.CreateTable(
                name: "cooperative_events",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    cooperative_id = table.Column<Guid>(type: "uuid", nullable: false),
                    regional_union = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    kind = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    held_on = table.Column<DateOnly>(type: "date", nullable: false),
                    declared_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_cooperative_events", x => x.id);
                    table.ForeignKey(
                        name: "fk_cooperative_events_cooperatives_cooperative_id",
                        column: x => x.cooperative_id,
                        principalTable: "cooperatives",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "memberships",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    cooperative_id = table.Column<Guid>(type: "uuid", nullable: false),
                    regional_union = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    term_kind = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    rollover_month = table.Column<int>(type: "integer", nullable: false),
                    rollover_day = table.Column<int>(type: "integer", nullable: false),
                    dues_cents = table.Column<long>(type: "bigint", nullable: false),
                    applied_on = table.Column<DateOnly>(type: "date", nullable: false),
                    paid_through = table.Column<DateOnly>(type: "date", nullable: true),
                    lapse_reported_for = table.Column<DateOnly>(type: "date", nullable: true),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_memberships", x => x.id);
                    table.ForeignKey(
                        name: "fk_memberships_cooperatives_cooperative_id",
                        column: x => x.cooperative_id,
                        principalTable: "cooperatives",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "people",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    given_name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    family_name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    email = table.Column<string>(type: "character varying(254)", maxLength: 254, nullable: true),
                    phone = table.Column<string>(type: "character varying(30)", maxLength: 30, nullable: true),
                    birth_date = table.Column<DateOnly>(type: "date", nullable: true),
                    cooperative_id = table.Column<Guid>(type: "uuid", nullable: false),
                    regional_union = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    hired_on = table.Column<DateOnly>(type: "date", nullable: false),
                    left_on = table.Column<DateOnly>(type: "date", nullable: true),
                    card_number = table.Column<string>(type: "character(16)", fixedLength: true, maxLength: 16, nullable: false),
                    card_revoked_on = table.Column<DateOnly>(type: "date", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    erased_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_people", x => x.id);
                    table.ForeignKey(
                        name: "fk_people_cooperatives_cooperative_id",
                        column: x => x.cooperative_id,
                        principalTable: "cooperatives",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "training_completions",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    person_id = table.Column<Guid>(type: "uuid", nullable: false),
                    course_path = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    course_title = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    certificate_number = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    completed_on = table.Column<DateOnly>(type: "date", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_training_completions", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "kit_shipments",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    event_id = table.Column<Guid>(type: "uuid", nullable: false),
                    status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    requested_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    shipped_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    delivered_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_kit_shipments", x => x.id);
                    table.ForeignKey(
                        name: "fk_kit_shipments_cooperative_events_event_id",
                        column: x => x.event_id,
                        principalTable: "cooperative_events",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "membership_term",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    membership_id = table.Column<Guid>(type: "uuid", nullable: false),
                    starts_on = table.Column<DateOnly>(type: "date", nullable: false),
                    ends_on = table.Column<DateOnly>(type: "date", nullable: false),
                    amount_cents = table.Column<long>(type: "bigint", nullable: false),
                    paid_on = table.Column<DateOnly>(type: "date", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_membership_term", x => x.id);
                    table.ForeignKey(
                        name: "fk_membership_term_memberships_membership_id",
                        column: x => x.membership_id,
                        principalTable: "memberships",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "benefit_enrolments",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    person_id = table.Column<Guid>(type: "uuid", nullable: false),
                    cooperative_id = table.Column<Guid>(type: "uuid", nullable: false),
                    benefit_code = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    consented_fields = table.Column<List<string>>(type: "text[]", nullable: false),
                    consented_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_benefit_enrolments", x => x.id);
                    table.ForeignKey(
                        name: "fk_benefit_enrolments_people_person_id",
                        column: x => x.person_id,
                        principalTable: "people",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "mandates",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    person_id = table.Column<Guid>(type: "uuid", nullable: false),
                    regional_union = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    level = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    title = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    starts_on = table.Column<DateOnly>(type: "date", nullable: false),
                    ends_on = table.Column<DateOnly>(type: "date", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_mandates", x => x.id);
                    table.ForeignKey(
                        name: "fk_mandates_people_person_id",
                        column: x => x.person_id,
                        principalTable: "people",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "person_roles",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    person_id = table.Column<Guid>(type: "uuid", nullable: false),
                    cooperative_id = table.Column<Guid>(type: "uuid", nullable: false),
                    kind = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    starts_on = table.Column<DateOnly>(type: "date", nullable: false),
                    ends_on = table.Column<DateOnly>(type: "date", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_person_roles", x => x.id);
                    table.ForeignKey(
                        name: "fk_person_roles_people_person_id",
                        column: x => x.person_id,
                        principalTable: "people",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_cooperatives_naf_code_name",
                table: "cooperatives",
                columns: new[] { "naf_code", "name" });

            migrationBuilder.CreateIndex(
                name: "ix_benefit_enrolments_person_id_benefit_code",
                table: "benefit_enrolments",
                columns: new[] { "person_id", "benefit_code" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_cooperative_events_cooperative_id_kind_held_on",
                table: "cooperative_events",
                columns: new[] { "cooperative_id", "kind", "held_on" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_kit_shipments_event_id",
                table: "kit_shipments",
                column: "event_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_mandates_person_id",
                table: "mandates",
                column: "person_id");

            migrationBuilder.CreateIndex(
                name: "ix_membership_term_membership_id_starts_on",
                table: "membership_term",
                columns: new[] { "membership_id", "starts_on" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_memberships_cooperative_id",
                table: "memberships",
                column: "cooperative_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_people_card_number",
                table: "people",
                column: "card_number",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_people_cooperative_id_family_name_id",
                table: "people",
                columns: new[] { "cooperative_id", "family_name", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_people_regional_union_family_name",
                table: "people",
                columns: new[] { "regional_union", "family_name" });

            migrationBuilder.CreateIndex(
                name: "ix_person_roles_cooperative_id_kind",
                table: "person_roles",
                columns: new[] { "cooperative_id", "kind" });

            migrationBuilder.CreateIndex(
                name: "ix_person_roles_person_id",
                table: "person_roles",
                column: "person_id");

            migrationBuilder.CreateIndex(
                name: "ix_training_completions_person_id_course_path",
                table: "training_completions",
                columns: new[] { "person_id", "course_path" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "benefit_enrolments");

            migrationBuilder.DropTable(
                name: "kit_shipments");

            migrationBuilder.DropTable(
                name: "mandates");

            migrationBuilder.DropTable(
                name: "membership_term");

            migrationBuilder.DropTable(
                name: "person_roles");

            migrationBuilder.DropTable(
                name: "training_completions");

            migrationBuilder.DropTable(
                name: "cooperative_events");

            migrationBuilder.DropTable(
                name: "memberships");

            migrationBuilder.DropTable(
                name: "people");

            migrationBuilder.DropIndex(
                name: "ix_cooperatives_naf_code_name",
                table: "cooperatives");

            migrationBuilder.DropColumn(
                name: "founded_on",
                table: "cooperatives");

            migrationBuilder.DropColumn(
                name: "headcount",
                table: "cooperatives");

            migrationBuilder.DropColumn(
                name: "postal_code",
                table: "cooperatives");

            migrationBuilder.DropColumn(
                name: "profit_sharing_agreement",
                table: "cooperatives");

            migrationBuilder.DropColumn(
                name: "street",
                table: "cooperatives");

            migrationBuilder.DropColumn(
                name: "trade_federations",
                table: "cooperatives");

            migrationBuilder.DropColumn(
                name: "worker_members",
                table: "cooperatives");

            migrationBuilder.DropColumn(
                name: "xmin",
                table: "cooperatives");
        }
    }
}
