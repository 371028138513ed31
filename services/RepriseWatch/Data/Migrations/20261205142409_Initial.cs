using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Scop.Aspire.RepriseWatch.Data.Migrations
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterDatabase()
                .Annotation("Npgsql:PostgresExtension:pg_trgm", ",,");

            migrationBuilder.CreateSequence(
                name: "outbox_message_sequence");

            migrationBuilder.CreateTable(
                name: "cooperatives",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    siren = table.Column<string>(type: "character(9)", fixedLength: true, maxLength: 9, nullable: true),
                    regional_union = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    region_stated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    declared_headcount = table.Column<int>(type: "integer", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_cooperatives", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "idempotency_keys",
                columns: table => new
                {
                    caller = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    target = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    key = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    request_hash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    status_code = table.Column<int>(type: "integer", nullable: false),
                    location = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    body = table.Column<string>(type: "jsonb", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_idempotency_keys", x => new { x.caller, x.target, x.key });
                });

            migrationBuilder.CreateTable(
                name: "inbox_messages",
                columns: table => new
                {
                    consumer = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    message_id = table.Column<Guid>(type: "uuid", nullable: false),
                    processed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    trace_id = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_inbox_messages", x => new { x.consumer, x.message_id });
                });

            migrationBuilder.CreateTable(
                name: "opportunities",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    siren = table.Column<string>(type: "character(9)", fixedLength: true, maxLength: 9, nullable: false),
                    company_name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    search_name = table.Column<string>(type: "text", nullable: false),
                    naf_code = table.Column<string>(type: "character varying(6)", maxLength: 6, nullable: false),
                    naf_division = table.Column<string>(type: "character varying(2)", maxLength: 2, nullable: false),
                    commune_code = table.Column<string>(type: "character varying(5)", maxLength: 5, nullable: false),
                    regional_union = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    headcount = table.Column<int>(type: "integer", nullable: false),
                    cause = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    owner_age_band = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    cause_detail = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    deadline = table.Column<DateOnly>(type: "date", nullable: true),
                    confidentiality = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    stage = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    reported_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    last_activity_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    stale_since = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    contacted_on = table.Column<DateOnly>(type: "date", nullable: true),
                    jobs_at_stake = table.Column<int>(type: "integer", nullable: true),
                    feasibility_summary = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: true),
                    lost_reason = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    lost_comment = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    closed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    successor_siren = table.Column<string>(type: "character(9)", fixedLength: true, maxLength: 9, nullable: true),
                    cooperative_id = table.Column<Guid>(type: "uuid", nullable: true),
                    jobs_kept = table.Column<int>(type: "integer", nullable: true),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_opportunities", x => x.id);
                    table.CheckConstraint("ck_opportunities_headcount", "headcount >= 0 AND headcount <= 100000");
                    table.CheckConstraint("ck_opportunities_jobs", "(jobs_at_stake IS NULL OR jobs_at_stake >= 0) AND (jobs_kept IS NULL OR jobs_kept >= 0)");
                    table.CheckConstraint("ck_opportunities_stage_requirements", "(stage IN ('Reported') OR (contacted_on IS NOT NULL AND jobs_at_stake IS NOT NULL) OR stage IN ('Lost', 'Converted')) AND (stage NOT IN ('Financing') OR feasibility_summary IS NOT NULL) AND (stage <> 'Lost' OR (lost_reason IS NOT NULL AND lost_comment IS NOT NULL)) AND (stage <> 'Converted' OR (cooperative_id IS NOT NULL AND jobs_kept IS NOT NULL))");
                });

            migrationBuilder.CreateTable(
                name: "outbox_messages",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    sequence = table.Column<long>(type: "bigint", nullable: false, defaultValueSql: "nextval('outbox_message_sequence')"),
                    aggregate_id = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    message_type = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    body = table.Column<string>(type: "jsonb", nullable: false),
                    trace_parent = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    trace_state = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    not_before = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    sent_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    delete_when_sent = table.Column<bool>(type: "boolean", nullable: false),
                    attempts = table.Column<int>(type: "integer", nullable: false),
                    last_error = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_outbox_messages", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "people",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    cooperative_id = table.Column<Guid>(type: "uuid", nullable: false),
                    left_on = table.Column<DateOnly>(type: "date", nullable: true),
                    managers_path_completed_on = table.Column<DateOnly>(type: "date", nullable: true),
                    erased = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_people", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "opportunity_moves",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    opportunity_id = table.Column<Guid>(type: "uuid", nullable: false),
                    sequence = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    from_stage = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    to_stage = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    actor_person_id = table.Column<Guid>(type: "uuid", nullable: true),
                    actor_role = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    actor_regional_union = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    reason = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    comment = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_opportunity_moves", x => x.id);
                    table.ForeignKey(
                        name: "fk_opportunity_moves_opportunities_opportunity_id",
                        column: x => x.opportunity_id,
                        principalTable: "opportunities",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "opportunity_reporters",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    opportunity_id = table.Column<Guid>(type: "uuid", nullable: false),
                    person_id = table.Column<Guid>(type: "uuid", nullable: true),
                    cooperative_id = table.Column<Guid>(type: "uuid", nullable: true),
                    reported_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    confidentiality = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_opportunity_reporters", x => x.id);
                    table.ForeignKey(
                        name: "fk_opportunity_reporters_opportunities_opportunity_id",
                        column: x => x.opportunity_id,
                        principalTable: "opportunities",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_cooperatives_siren",
                table: "cooperatives",
                column: "siren",
                unique: true,
                filter: "siren IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_idempotency_keys_created_at",
                table: "idempotency_keys",
                column: "created_at");

            migrationBuilder.CreateIndex(
                name: "ix_opportunities_regional_union_stage_reported_at",
                table: "opportunities",
                columns: new[] { "regional_union", "stage", "reported_at" });

            migrationBuilder.CreateIndex(
                name: "ix_opportunities_reported_at",
                table: "opportunities",
                column: "reported_at");

            migrationBuilder.CreateIndex(
                name: "ix_opportunities_search_name_trigram",
                table: "opportunities",
                column: "search_name")
                .Annotation("Npgsql:IndexMethod", "gin")
                .Annotation("Npgsql:IndexOperators", new[] { "gin_trgm_ops" });

            migrationBuilder.CreateIndex(
                name: "ix_opportunities_siren",
                table: "opportunities",
                column: "siren",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_opportunities_stage_reported_at",
                table: "opportunities",
                columns: new[] { "stage", "reported_at" });

            migrationBuilder.CreateIndex(
                name: "ix_opportunities_successor_siren",
                table: "opportunities",
                column: "successor_siren",
                filter: "successor_siren IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_opportunity_moves_actor_person_id",
                table: "opportunity_moves",
                column: "actor_person_id",
                filter: "actor_person_id IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_opportunity_moves_opportunity_id_sequence",
                table: "opportunity_moves",
                columns: new[] { "opportunity_id", "sequence" });

            migrationBuilder.CreateIndex(
                name: "ix_opportunity_reporters_cooperative_id_opportunity_id",
                table: "opportunity_reporters",
                columns: new[] { "cooperative_id", "opportunity_id" });

            migrationBuilder.CreateIndex(
                name: "ix_opportunity_reporters_opportunity_id_person_id",
                table: "opportunity_reporters",
                columns: new[] { "opportunity_id", "person_id" },
                unique: true,
                filter: "person_id IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_opportunity_reporters_person_id_opportunity_id",
                table: "opportunity_reporters",
                columns: new[] { "person_id", "opportunity_id" });

            migrationBuilder.CreateIndex(
                name: "ix_outbox_messages_pending",
                table: "outbox_messages",
                column: "sequence",
                filter: "sent_at IS NULL AND not_before IS NULL");

            migrationBuilder.CreateIndex(
                name: "ix_outbox_messages_pending_by_aggregate",
                table: "outbox_messages",
                columns: new[] { "aggregate_id", "sequence" },
                filter: "sent_at IS NULL");

            migrationBuilder.CreateIndex(
                name: "ix_outbox_messages_sent_at",
                table: "outbox_messages",
                column: "sent_at",
                filter: "sent_at IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_outbox_messages_timers",
                table: "outbox_messages",
                column: "not_before",
                filter: "sent_at IS NULL AND not_before IS NOT NULL");

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
                name: "idempotency_keys");

            migrationBuilder.DropTable(
                name: "inbox_messages");

            migrationBuilder.DropTable(
                name: "opportunity_moves");

            migrationBuilder.DropTable(
                name: "opportunity_reporters");

            migrationBuilder.DropTable(
                name: "outbox_messages");

            migrationBuilder.DropTable(
                name: "people");

            migrationBuilder.DropTable(
                name: "opportunities");

            migrationBuilder.DropSequence(
                name: "outbox_message_sequence");
        }
    }
}
