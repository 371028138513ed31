using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Scop.Aspire.Ambassadors.Data.Migrations
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterDatabase()
                .Annotation("Npgsql:PostgresExtension:postgis", ",,");

            migrationBuilder.CreateSequence(
                name: "outbox_message_sequence");

            migrationBuilder.CreateTable(
                name: "ambassades",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    cooperative_id = table.Column<Guid>(type: "uuid", nullable: false),
                    name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    legal_form = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: false),
                    naf_code = table.Column<string>(type: "character varying(6)", maxLength: 6, nullable: false),
                    naf_division = table.Column<string>(type: "character varying(2)", maxLength: 2, nullable: false),
                    commune_code = table.Column<string>(type: "character varying(5)", maxLength: 5, nullable: false),
                    departement = table.Column<string>(type: "character varying(3)", maxLength: 3, nullable: false),
                    region = table.Column<string>(type: "character varying(3)", maxLength: 3, nullable: false),
                    regional_union = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    latitude = table.Column<double>(type: "double precision", nullable: true),
                    longitude = table.Column<double>(type: "double precision", nullable: true),
                    position_source = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    motivation = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    applied_by = table.Column<Guid>(type: "uuid", nullable: true),
                    applied_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    visit_on = table.Column<DateOnly>(type: "date", nullable: true),
                    signage_in_place = table.Column<bool>(type: "boolean", nullable: true),
                    can_welcome_and_inform = table.Column<bool>(type: "boolean", nullable: true),
                    local_representation = table.Column<bool>(type: "boolean", nullable: true),
                    membership_current = table.Column<bool>(type: "boolean", nullable: true),
                    reviewed_by = table.Column<Guid>(type: "uuid", nullable: true),
                    reviewed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    decided_by = table.Column<Guid>(type: "uuid", nullable: true),
                    decided_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    reason = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    labelled_on = table.Column<DateOnly>(type: "date", nullable: true),
                    label_ends_on = table.Column<DateOnly>(type: "date", nullable: true),
                    renewal_requested_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_ambassades", x => x.id);
                    table.CheckConstraint("ck_ambassades_position", "(latitude IS NULL) = (longitude IS NULL) AND (latitude IS NULL OR (latitude BETWEEN -90 AND 90 AND longitude BETWEEN -180 AND 180))");
                });

            migrationBuilder.CreateTable(
                name: "cooperatives",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    legal_form = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: false),
                    commune_code = table.Column<string>(type: "character varying(5)", maxLength: 5, nullable: false),
                    naf_code = table.Column<string>(type: "character varying(6)", maxLength: 6, nullable: false),
                    regional_union = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    details_stated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    membership_term_ends_on = table.Column<DateOnly>(type: "date", nullable: true),
                    membership_lapsed = table.Column<bool>(type: "boolean", nullable: false),
                    membership_stated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
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

            migrationBuilder.CreateIndex(
                name: "ix_ambassades_commune_code_name",
                table: "ambassades",
                columns: new[] { "commune_code", "name" },
                filter: "status = 'Labelled'");

            migrationBuilder.CreateIndex(
                name: "ix_ambassades_departement_name",
                table: "ambassades",
                columns: new[] { "departement", "name" },
                filter: "status = 'Labelled'");

            migrationBuilder.CreateIndex(
                name: "ix_ambassades_naf_division_name",
                table: "ambassades",
                columns: new[] { "naf_division", "name" },
                filter: "status = 'Labelled'");

            migrationBuilder.CreateIndex(
                name: "ix_ambassades_one_per_cooperative",
                table: "ambassades",
                column: "cooperative_id",
                unique: true,
                filter: "status IN ('Applied', 'Labelled', 'Suspended')");

            migrationBuilder.CreateIndex(
                name: "ix_ambassades_region_name",
                table: "ambassades",
                columns: new[] { "region", "name" },
                filter: "status = 'Labelled'");

            migrationBuilder.CreateIndex(
                name: "ix_ambassades_regional_union_status",
                table: "ambassades",
                columns: new[] { "regional_union", "status" });

            migrationBuilder.CreateIndex(
                name: "ix_ambassades_status_name",
                table: "ambassades",
                columns: new[] { "status", "name" });

            migrationBuilder.CreateIndex(
                name: "ix_idempotency_keys_created_at",
                table: "idempotency_keys",
                column: "created_at");

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

            // The position as PostGIS geography (WGS 84), kept by the database from the two numbers the service writes,
            // and the GiST index of the labelled Ambassades' positions that the nearest search walks (KNN, <->).
            migrationBuilder.Sql(
                """
                ALTER TABLE ambassades ADD COLUMN position geography(Point, 4326) GENERATED ALWAYS AS (
                    CASE WHEN latitude IS NULL OR longitude IS NULL THEN NULL
                         ELSE ST_SetSRID(ST_MakePoint(longitude, latitude), 4326)::geography END) STORED;
                CREATE INDEX ix_ambassades_position_labelled ON ambassades USING gist (position) WHERE status = 'Labelled';
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ambassades");

            migrationBuilder.DropTable(
                name: "cooperatives");

            migrationBuilder.DropTable(
                name: "idempotency_keys");

            migrationBuilder.DropTable(
                name: "inbox_messages");

            migrationBuilder.DropTable(
                name: "outbox_messages");

            migrationBuilder.DropSequence(
                name: "outbox_message_sequence");
        }
    }
}
