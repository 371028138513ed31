using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Scop.Aspire.ServiceDefaults.Messaging;

#nullable disable

namespace Scop.Aspire.PartnerHooks.Data.Migrations
{
    /// <summary>The outbox wakes its relay from a trigger instead of a NOTIFY round trip after each save.</summary>
    [DbContext(typeof(PartnerHooksDbContext))]
    [Migration("20261126180000_OutboxNotifyTrigger")]
    public partial class OutboxNotifyTrigger : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder) =>
            migrationBuilder.Sql(MessagingModel.CreateOutboxNotifyTrigger);

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder) =>
            migrationBuilder.Sql(MessagingModel.DropOutboxNotifyTrigger);
    }
}
