using Microsoft.EntityFrameworkCore;
using Scop.Aspire.Membership.Domain;
using Scop.Aspire.ServiceDefaults.Messaging;

namespace Scop.Aspire.Membership.Data;

public sealed class MembershipDbContext(DbContextOptions<MembershipDbContext> options) : DbContext(options)
{
    public DbSet<Cooperative> Cooperatives => Set<Cooperative>();

    protected override void OnModelCreating(ModelBuilder model)
    {
        model.AddPlatformTables();
        model.Entity<Cooperative>(cooperative =>
        {
            cooperative.HasKey(c => c.Id);
            cooperative.Property(c => c.Name).HasMaxLength(Cooperative.MaxNameLength);
            cooperative.Property(c => c.Siren).HasMaxLength(Siren.Length).IsFixedLength();
            cooperative.HasIndex(c => c.Siren).IsUnique();
            cooperative.Property(c => c.LegalForm).HasConversion<string>().HasMaxLength(10);
            cooperative.Property(c => c.CommuneCode).HasMaxLength(5);
            cooperative.Property(c => c.NafCode).HasMaxLength(6);
            cooperative.HasIndex(c => new { c.Name, c.Id });
            cooperative.Property(c => c.RegionalUnion).HasMaxLength(Cooperative.MaxRegionalUnionLength);
            cooperative.HasIndex(c => new { c.RegionalUnion, c.Name });
        });
    }
}

public sealed class MembershipDesignTimeFactory : Scop.Aspire.ServiceDefaults.Data.DesignTimeDbContextFactory<MembershipDbContext>;
