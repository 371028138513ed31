using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Scop.Aspire.PartnerHooks.Data.Migrations
{
    /// <summary>New deliveries wake the delivery workers from a trigger instead of a NOTIFY round trip per event.</summary>
    [DbContext(typeof(PartnerHooksDbContext))]
    [Migration("20261126183500_DeliveriesNotifyTrigger")]
    public partial class DeliveriesNotifyTrigger : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder) =>
            migrationBuilder.Sql(PartnerHooksDbContext.CreateDeliveriesNotifyTrigger);

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder) =>
            migrationBuilder.Sql(PartnerHooksDbContext.DropDeliveriesNotifyTrigger);
    }
}
