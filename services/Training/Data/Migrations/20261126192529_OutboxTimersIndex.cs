using Microsoft.EntityFrameworkCore.Migrations;
using Scop.Aspire.ServiceDefaults.Messaging;

#nullable disable

namespace Scop.Aspire.Training.Data.Migrations
{
    /// <inheritdoc />
    public partial class OutboxTimersIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_outbox_messages_pending",
                table: "outbox_messages");

            migrationBuilder.CreateIndex(
                name: "ix_outbox_messages_pending",
                table: "outbox_messages",
                column: "sequence",
                filter: "sent_at IS NULL AND not_before IS NULL");

            migrationBuilder.CreateIndex(
                name: "ix_outbox_messages_timers",
                table: "outbox_messages",
                column: "not_before",
                filter: "sent_at IS NULL AND not_before IS NOT NULL");

            // The trigger again, now only for rows to publish at once: a timer set for later wakes nobody.
            migrationBuilder.Sql(MessagingModel.CreateOutboxNotifyTrigger);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_outbox_messages_pending",
                table: "outbox_messages");

            migrationBuilder.DropIndex(
                name: "ix_outbox_messages_timers",
                table: "outbox_messages");

            migrationBuilder.CreateIndex(
                name: "ix_outbox_messages_pending",
                table: "outbox_messages",
                column: "sequence",
                filter: "sent_at IS NULL");
        }
    }
}
