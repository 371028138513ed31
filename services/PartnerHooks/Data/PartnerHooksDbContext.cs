using Microsoft.EntityFrameworkCore;
using Scop.Aspire.PartnerHooks.Domain;
using Scop.Aspire.ServiceDefaults.Data;
using Scop.Aspire.ServiceDefaults.Messaging;

namespace Scop.Aspire.PartnerHooks.Data;

public sealed class PartnerHooksDbContext(DbContextOptions<PartnerHooksDbContext> options)
    : DbContext(options)
{
    /// <summary>The channel that wakes the delivery worker when deliveries become due (<see cref="CommitWakeups"/>).</summary>
    public const string DeliveriesChannel = "partner_hook_deliveries";

    public DbSet<Partner> Partners => Set<Partner>();

    public DbSet<WebhookEndpoint> Endpoints => Set<WebhookEndpoint>();

    public DbSet<Delivery> Deliveries => Set<Delivery>();

    public DbSet<DeliveryAttempt> DeliveryAttempts => Set<DeliveryAttempt>();

    /// <summary>
    /// The insert trigger that once woke the workers, kept for the migrations that created and then dropped it: its
    /// NOTIFY serialised the commits of the whole server (see <see cref="CommitWakeups"/>, which wakes them now).
    /// </summary>
    public const string CreateDeliveriesNotifyTrigger = $"""
        CREATE OR REPLACE FUNCTION notify_partner_hook_deliveries() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            NOTIFY {DeliveriesChannel};
            RETURN NULL;
        END $$;
        CREATE OR REPLACE TRIGGER deliveries_notify AFTER INSERT ON deliveries
            FOR EACH STATEMENT EXECUTE FUNCTION notify_partner_hook_deliveries();
        """;

    public const string DropDeliveriesNotifyTrigger = """
        DROP TRIGGER IF EXISTS deliveries_notify ON deliveries;
        DROP FUNCTION IF EXISTS notify_partner_hook_deliveries();
        """;

    protected override void OnModelCreating(ModelBuilder model)
    {
        model.AddPlatformTables();
        model.Entity<Partner>(partner =>
        {
            partner.HasKey(p => p.Id);
            partner.Property(p => p.Code).HasMaxLength(Partner.MaxCodeLength);
            partner.HasIndex(p => p.Code).IsUnique();
            partner.Property(p => p.Name).HasMaxLength(Partner.MaxNameLength);
        });

        model.Entity<WebhookEndpoint>(endpoint =>
        {
            endpoint.ToTable("endpoints");
            endpoint.HasKey(e => e.Id);
            endpoint.HasOne<Partner>().WithMany().HasForeignKey(e => e.PartnerId);
            endpoint.Property(e => e.Url).HasMaxLength(WebhookEndpoint.MaxUrlLength);
            endpoint.Property(e => e.Description).HasMaxLength(WebhookEndpoint.MaxDescriptionLength);
            endpoint.Property(e => e.DisabledReason).HasMaxLength(500);
            endpoint.Property(e => e.EventTypes).HasColumnType("text[]");
            endpoint.HasIndex(e => e.PartnerId);
        });

        model.Entity<Delivery>(delivery =>
        {
            delivery.HasKey(d => d.Id);
            delivery.HasOne<WebhookEndpoint>().WithMany().HasForeignKey(d => d.EndpointId);
            delivery.Property(d => d.EventType).HasMaxLength(100);
            delivery.Property(d => d.WebhookId).HasMaxLength(100);
            delivery.Property(d => d.Status).HasConversion<string>().HasMaxLength(20);
            delivery.Property(d => d.LastError).HasMaxLength(Delivery.MaxErrorLength);
            delivery.Property(d => d.TraceParent).HasMaxLength(100);
            // One delivery per event and endpoint, whatever the redeliveries of the event.
            delivery.HasIndex(d => new { d.EndpointId, d.EventId }).IsUnique();
            delivery.HasIndex(d => d.NextAttemptAt).HasFilter("status = 'Pending'").HasDatabaseName("ix_deliveries_due");
            // The worker's claim: each endpoint's oldest pending deliveries, without reading the whole backlog.
            delivery.HasIndex(d => new { d.EndpointId, d.NextAttemptAt, d.Id }).HasFilter("status = 'Pending'")
                .HasDatabaseName("ix_deliveries_pending_by_endpoint");
            delivery.HasIndex(d => new { d.CreatedAt, d.Id });
            delivery.HasIndex(d => d.PersonId).HasFilter("person_id IS NOT NULL"); // a person's erasure
        });

        model.Entity<DeliveryAttempt>(attempt =>
        {
            attempt.HasKey(a => a.Id);
            attempt.HasOne<Delivery>().WithMany().HasForeignKey(a => a.DeliveryId);
            attempt.Property(a => a.Error).HasMaxLength(Delivery.MaxErrorLength);
            attempt.HasIndex(a => new { a.DeliveryId, a.AttemptedAt });
            attempt.HasIndex(a => new { a.EndpointId, a.AttemptedAt });
        });
    }
}

public sealed class PartnerHooksDesignTimeFactory : DesignTimeDbContextFactory<PartnerHooksDbContext>;
