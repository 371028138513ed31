using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Scop.Aspire.ServiceDefaults.Messaging;

#nullable disable

namespace Scop.Aspire.Membership.Data.Migrations
{
    /// <summary>
    /// No NOTIFY inside the writing transaction any more: PostgreSQL serialised every notifying commit of the server.
    /// The service wakes its workers after the commit instead (CommitWakeups).
    /// </summary>
    [DbContext(typeof(MembershipDbContext))]
    [Migration("20261126203000_WakeAfterCommit")]
    public partial class WakeAfterCommit : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(MessagingModel.DropOutboxNotifyTrigger);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(MessagingModel.CreateOutboxNotifyTrigger);
        }
    }
}
