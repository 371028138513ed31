using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Scop.Aspire.RepriseWatch.Data.Migrations
{
    /// <inheritdoc />
    public partial class ManagerPool : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "candidate_proposals",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    opportunity_id = table.Column<Guid>(type: "uuid", nullable: false),
                    person_id = table.Column<Guid>(type: "uuid", nullable: false),
                    proposed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    proposed_by_person_id = table.Column<Guid>(type: "uuid", nullable: true),
                    proposed_by_role = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    outcome = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    outcome_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    outcome_comment = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_candidate_proposals", x => x.id);
                    table.ForeignKey(
                        name: "fk_candidate_proposals_opportunities_opportunity_id",
                        column: x => x.opportunity_id,
                        principalTable: "opportunities",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "pool_volunteers",
                columns: table => new
                {
                    person_id = table.Column<Guid>(type: "uuid", nullable: false),
                    naf_divisions = table.Column<string[]>(type: "varchar(2)[]", nullable: false),
                    company_sizes = table.Column<string[]>(type: "varchar(16)[]", nullable: false),
                    volunteered_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_pool_volunteers", x => x.person_id);
                    table.CheckConstraint("ck_pool_volunteers_choices", "cardinality(naf_divisions) BETWEEN 1 AND 20 AND cardinality(company_sizes) >= 1");
                });

            migrationBuilder.CreateIndex(
                name: "ix_candidate_proposals_opportunity_id_person_id",
                table: "candidate_proposals",
                columns: new[] { "opportunity_id", "person_id" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_candidate_proposals_person_id",
                table: "candidate_proposals",
                column: "person_id");

            migrationBuilder.CreateIndex(
                name: "ix_candidate_proposals_proposed_by_person_id",
                table: "candidate_proposals",
                column: "proposed_by_person_id",
                filter: "proposed_by_person_id IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "candidate_proposals");

            migrationBuilder.DropTable(
                name: "pool_volunteers");
        }
    }
}
