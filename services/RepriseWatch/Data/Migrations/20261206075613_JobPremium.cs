using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Scop.Aspire.RepriseWatch.Data.Migrations
{
    /// <inheritdoc />
    public partial class JobPremium : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "premium_years",
                columns: table => new
                {
                    year = table.Column<int>(type: "integer", nullable: false),
                    amount_per_job = table.Column<long>(type: "bigint", nullable: false),
                    budget = table.Column<long>(type: "bigint", nullable: false),
                    granted = table.Column<long>(type: "bigint", nullable: false),
                    partner_code = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_premium_years", x => x.year);
                    table.CheckConstraint("ck_premium_years_budget", "amount_per_job >= 0 AND granted >= 0 AND granted <= budget");
                });

            migrationBuilder.CreateTable(
                name: "job_premiums",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    cooperative_id = table.Column<Guid>(type: "uuid", nullable: false),
                    siren = table.Column<string>(type: "character(9)", fixedLength: true, maxLength: 9, nullable: false),
                    regional_union = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    opportunity_id = table.Column<Guid>(type: "uuid", nullable: true),
                    year = table.Column<int>(type: "integer", nullable: false),
                    jobs = table.Column<int>(type: "integer", nullable: false),
                    amount_per_job = table.Column<long>(type: "bigint", nullable: false),
                    amount = table.Column<long>(type: "bigint", nullable: false),
                    regional_top_up = table.Column<long>(type: "bigint", nullable: false),
                    granted_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    granted_by_person_id = table.Column<Guid>(type: "uuid", nullable: true),
                    granted_by_role = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    partner_code = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: false),
                    loan_status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    loan_reference = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    loan_refusal_reason = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    loan_answered_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_job_premiums", x => x.id);
                    table.CheckConstraint("ck_job_premiums_amounts", "jobs > 0 AND amount >= 0 AND regional_top_up >= 0");
                    table.CheckConstraint("ck_job_premiums_loan", "(loan_status <> 'Accepted' OR loan_reference IS NOT NULL) AND (loan_status <> 'Refused' OR loan_refusal_reason IS NOT NULL)");
                    table.ForeignKey(
                        name: "fk_job_premiums_premium_years_year",
                        column: x => x.year,
                        principalTable: "premium_years",
                        principalColumn: "year",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "regional_top_ups",
                columns: table => new
                {
                    year = table.Column<int>(type: "integer", nullable: false),
                    regional_union = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    amount_per_job = table.Column<long>(type: "bigint", nullable: false),
                    ceiling = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_regional_top_ups", x => new { x.year, x.regional_union });
                    table.CheckConstraint("ck_regional_top_ups_amounts", "amount_per_job >= 0 AND ceiling >= 0");
                    table.ForeignKey(
                        name: "fk_regional_top_ups_premium_years_year",
                        column: x => x.year,
                        principalTable: "premium_years",
                        principalColumn: "year",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_job_premiums_cooperative_id",
                table: "job_premiums",
                column: "cooperative_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_job_premiums_partner_code_granted_at",
                table: "job_premiums",
                columns: new[] { "partner_code", "granted_at" });

            migrationBuilder.CreateIndex(
                name: "ix_job_premiums_regional_union_granted_at",
                table: "job_premiums",
                columns: new[] { "regional_union", "granted_at" });

            migrationBuilder.CreateIndex(
                name: "ix_job_premiums_year_granted_at",
                table: "job_premiums",
                columns: new[] { "year", "granted_at" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "job_premiums");

            migrationBuilder.DropTable(
                name: "regional_top_ups");

            migrationBuilder.DropTable(
                name: "premium_years");
        }
    }
}
