using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Scop.Aspire.RepriseWatch.Data.Migrations
{
    /// <inheritdoc />
    public partial class SeedFund : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "financing_requests",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    opportunity_id = table.Column<Guid>(type: "uuid", nullable: false),
                    regional_union = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    amount = table.Column<long>(type: "bigint", nullable: false),
                    status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    requested_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    requested_by_person_id = table.Column<Guid>(type: "uuid", nullable: true),
                    requested_by_role = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    comment = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    decided_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    decided_by_person_id = table.Column<Guid>(type: "uuid", nullable: true),
                    decided_by_role = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    decision_comment = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_financing_requests", x => x.id);
                    table.CheckConstraint("ck_financing_requests_amount", "amount > 0");
                    table.ForeignKey(
                        name: "fk_financing_requests_opportunities_opportunity_id",
                        column: x => x.opportunity_id,
                        principalTable: "opportunities",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "fund_compartments",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    reach = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    regional_unions = table.Column<string[]>(type: "varchar(64)[]", nullable: false),
                    holds = table.Column<long>(type: "bigint", nullable: false),
                    committed = table.Column<long>(type: "bigint", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_fund_compartments", x => x.id);
                    table.CheckConstraint("ck_fund_compartments_committed", "committed >= 0 AND committed <= holds");
                    table.CheckConstraint("ck_fund_compartments_reach", "(reach = 'National' AND cardinality(regional_unions) = 0) OR (reach = 'Regional' AND cardinality(regional_unions) = 1) OR (reach = 'InterRegional' AND cardinality(regional_unions) >= 2)");
                });

            migrationBuilder.CreateTable(
                name: "financing_parts",
                columns: table => new
                {
                    request_id = table.Column<Guid>(type: "uuid", nullable: false),
                    compartment_id = table.Column<Guid>(type: "uuid", nullable: false),
                    amount = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_financing_parts", x => new { x.request_id, x.compartment_id });
                    table.CheckConstraint("ck_financing_parts_amount", "amount > 0");
                    table.ForeignKey(
                        name: "fk_financing_parts_financing_requests_request_id",
                        column: x => x.request_id,
                        principalTable: "financing_requests",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_financing_parts_fund_compartments_compartment_id",
                        column: x => x.compartment_id,
                        principalTable: "fund_compartments",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "fund_contributions",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    compartment_id = table.Column<Guid>(type: "uuid", nullable: false),
                    partner_code = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: false),
                    kind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    funder_name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    amount = table.Column<long>(type: "bigint", nullable: false),
                    committed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_fund_contributions", x => x.id);
                    table.CheckConstraint("ck_fund_contributions_amount", "amount > 0");
                    table.ForeignKey(
                        name: "fk_fund_contributions_fund_compartments_compartment_id",
                        column: x => x.compartment_id,
                        principalTable: "fund_compartments",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_financing_parts_compartment_id",
                table: "financing_parts",
                column: "compartment_id");

            migrationBuilder.CreateIndex(
                name: "ix_financing_requests_opportunity_id_requested_at",
                table: "financing_requests",
                columns: new[] { "opportunity_id", "requested_at" });

            migrationBuilder.CreateIndex(
                name: "ix_financing_requests_regional_union_requested_at",
                table: "financing_requests",
                columns: new[] { "regional_union", "requested_at" });

            migrationBuilder.CreateIndex(
                name: "ix_financing_requests_status_requested_at",
                table: "financing_requests",
                columns: new[] { "status", "requested_at" });

            migrationBuilder.CreateIndex(
                name: "ix_fund_compartments_name",
                table: "fund_compartments",
                column: "name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_fund_compartments_regional_unions",
                table: "fund_compartments",
                column: "regional_unions")
                .Annotation("Npgsql:IndexMethod", "gin");

            migrationBuilder.CreateIndex(
                name: "ix_fund_contributions_compartment_id_committed_at",
                table: "fund_contributions",
                columns: new[] { "compartment_id", "committed_at" });

            migrationBuilder.CreateIndex(
                name: "ix_fund_contributions_partner_code_compartment_id",
                table: "fund_contributions",
                columns: new[] { "partner_code", "compartment_id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "financing_parts");

            migrationBuilder.DropTable(
                name: "fund_contributions");

            migrationBuilder.DropTable(
                name: "financing_requests");

            migrationBuilder.DropTable(
                name: "fund_compartments");
        }
    }
}
