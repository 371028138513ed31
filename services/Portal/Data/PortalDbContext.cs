using Microsoft.EntityFrameworkCore;
using Scop.Aspire.Portal.Domain;
using Scop.Aspire.ServiceDefaults.Data;
using Scop.Aspire.ServiceDefaults.Messaging;

namespace Scop.Aspire.Portal.Data;

public sealed class PortalDbContext(DbContextOptions<PortalDbContext> options) : DbContext(options)
{
    public DbSet<FeedItem> FeedItems => Set<FeedItem>();

    protected override void OnModelCreating(ModelBuilder model)
    {
        model.AddPlatformTables();
        model.Entity<FeedItem>(item =>
        {
            item.HasKey(i => i.Id);
            item.Property(i => i.Kind).HasMaxLength(50);
            item.Property(i => i.Title).HasMaxLength(300);
            item.Property(i => i.TraceId).HasMaxLength(32);
            item.HasIndex(i => new { i.OccurredAt, i.Id }).IsDescending();
        });
    }
}

public sealed class PortalDesignTimeFactory : DesignTimeDbContextFactory<PortalDbContext>;
