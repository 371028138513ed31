using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Scop.Aspire.Identity.Domain;
using Scop.Aspire.ServiceDefaults.Messaging;

namespace Scop.Aspire.Identity.Data;

/// <summary>
/// Users and roles (ASP.NET Core Identity), OpenIddict's applications, scopes, authorizations and tokens, and the
/// sign-in attempts that throttle guessing; the invitations of new accounts; the platform's outbox and inbox.
/// </summary>
public sealed class IdentityServiceDbContext(DbContextOptions<IdentityServiceDbContext> options)
    : IdentityDbContext<PlatformUser>(options)
{
    public DbSet<SignInAttempt> SignInAttempts => Set<SignInAttempt>();

    public DbSet<AccountInvitation> Invitations => Set<AccountInvitation>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.UseOpenIddict();
        builder.AddPlatformTables();
        builder.Entity<PlatformUser>(user =>
        {
            user.Property(u => u.DisplayName).HasMaxLength(PlatformUser.MaxDisplayNameLength);
            user.Property(u => u.RegionalUnion).HasMaxLength(PlatformUser.MaxRegionalUnionLength);
            user.HasIndex(u => u.PersonId).IsUnique().HasFilter("person_id IS NOT NULL");
        });
        builder.Entity<AccountInvitation>(invitation =>
        {
            invitation.ToTable("account_invitations");
            invitation.HasKey(i => i.Id);
            invitation.Property(i => i.UserId).HasMaxLength(450);
            invitation.Property(i => i.TokenHash).HasMaxLength(64).IsFixedLength();
            invitation.HasIndex(i => i.TokenHash).IsUnique();
            invitation.HasIndex(i => i.UserId);
        });
        builder.Entity<SignInAttempt>(attempt =>
        {
            attempt.ToTable("sign_in_attempts");
            attempt.HasKey(a => a.Id);
            attempt.Property(a => a.ClientAddress).HasMaxLength(SignInAttempt.MaxClientAddressLength);
            attempt.Property(a => a.Account).HasMaxLength(SignInAttempt.AccountLength).IsFixedLength();
            attempt.HasIndex(a => new { a.ClientAddress, a.StartedAt });
            attempt.HasIndex(a => new { a.Account, a.StartedAt });
            attempt.HasIndex(a => a.StartedAt);
        });
    }
}

public sealed class IdentityDesignTimeFactory : Scop.Aspire.ServiceDefaults.Data.DesignTimeDbContextFactory<IdentityServiceDbContext>;
