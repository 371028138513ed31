using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Scop.Aspire.Identity.Domain;

namespace Scop.Aspire.Identity.Data;

/// <summary>Users and roles (ASP.NET Core Identity) and OpenIddict's applications, scopes, authorizations and tokens.</summary>
public sealed class IdentityServiceDbContext(DbContextOptions<IdentityServiceDbContext> options)
    : IdentityDbContext<PlatformUser>(options)
{
    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.UseOpenIddict();
        builder.Entity<PlatformUser>(user =>
        {
            user.Property(u => u.DisplayName).HasMaxLength(PlatformUser.MaxDisplayNameLength);
            user.Property(u => u.RegionalUnion).HasMaxLength(PlatformUser.MaxRegionalUnionLength);
        });
    }
}

public sealed class IdentityDesignTimeFactory : Scop.Aspire.ServiceDefaults.Data.DesignTimeDbContextFactory<IdentityServiceDbContext>;
