using Microsoft.EntityFrameworkCore.Migrations;
using Scop.Aspire.ServiceDefaults.Data;
using Scop.Aspire.ServiceDefaults.Messaging;

#nullable disable

namespace Scop.Aspire.Training.Data.Migrations
{
    /// <summary>
    /// Idempotency keys are the caller's own and name a request target (method, path with route values, query): the
    /// table is keyed by caller, target and key, and its answers expire (indexed by creation time for the purge).
    /// Outbox rows that name an erased person are deleted once published (<c>delete_when_sent</c>).
    /// </summary>
    public partial class ScopedIdempotencyAndErasure : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // A kept answer of the old scheme names a route pattern and no caller: it cannot be matched to a caller
            // and a request target. Each would have expired within a day; a retry of one after the upgrade runs again.
            migrationBuilder.Sql("DELETE FROM idempotency_keys");

            migrationBuilder.DropPrimaryKey(
                name: "pk_idempotency_keys",
                table: "idempotency_keys");

            migrationBuilder.DropColumn(
                name: "endpoint",
                table: "idempotency_keys");

            migrationBuilder.AddColumn<string>(
                name: "caller",
                table: "idempotency_keys",
                type: "character varying(300)",
                maxLength: 300,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<bool>(
                name: "delete_when_sent",
                table: "outbox_messages",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            // The outbox grows with every hold: its new column is analysed on a small sample, like the others.
            migrationBuilder.Sql(TableMaintenance.LightStatistics(MessagingModel.OutboxTable));

            migrationBuilder.AddColumn<string>(
                name: "target",
                table: "idempotency_keys",
                type: "character varying(2000)",
                maxLength: 2000,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddPrimaryKey(
                name: "pk_idempotency_keys",
                table: "idempotency_keys",
                columns: new[] { "caller", "target", "key" });

            migrationBuilder.CreateIndex(
                name: "ix_idempotency_keys_created_at",
                table: "idempotency_keys",
                column: "created_at");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DELETE FROM idempotency_keys");

            migrationBuilder.DropPrimaryKey(
                name: "pk_idempotency_keys",
                table: "idempotency_keys");

            migrationBuilder.DropIndex(
                name: "ix_idempotency_keys_created_at",
                table: "idempotency_keys");

            migrationBuilder.DropColumn(
                name: "delete_when_sent",
                table: "outbox_messages");

            migrationBuilder.DropColumn(
                name: "target",
                table: "idempotency_keys");

            migrationBuilder.DropColumn(
                name: "caller",
                table: "idempotency_keys");

            migrationBuilder.AddColumn<string>(
                name: "endpoint",
                table: "idempotency_keys",
                type: "character varying(300)",
                maxLength: 300,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddPrimaryKey(
                name: "pk_idempotency_keys",
                table: "idempotency_keys",
                columns: new[] { "endpoint", "key" });
        }
    }
}
