using Microsoft.EntityFrameworkCore;
using Scop.Aspire.Membership.Domain;
using Scop.Aspire.ReferenceData;
using Scop.Aspire.ServiceDefaults.Messaging;

namespace Scop.Aspire.Membership.Data;

public sealed class MembershipDbContext(DbContextOptions<MembershipDbContext> options) : DbContext(options)
{
    public DbSet<Cooperative> Cooperatives => Set<Cooperative>();

    public DbSet<Person> People => Set<Person>();

    public DbSet<PersonRole> PersonRoles => Set<PersonRole>();

    public DbSet<CooperativeMembership> Memberships => Set<CooperativeMembership>();

    public DbSet<BenefitEnrolment> BenefitEnrolments => Set<BenefitEnrolment>();

    public DbSet<CooperativeEvent> CooperativeEvents => Set<CooperativeEvent>();

    public DbSet<KitShipment> KitShipments => Set<KitShipment>();

    public DbSet<Mandate> Mandates => Set<Mandate>();

    public DbSet<TrainingCompletion> TrainingCompletions => Set<TrainingCompletion>();

    protected override void OnModelCreating(ModelBuilder model)
    {
        model.AddPlatformTables();
        // Trigram indexes serve the register's name search (LIKE '%word%'), which a b-tree cannot.
        model.HasPostgresExtension("pg_trgm");
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
            // Folded names are longer when a ligature is spelt out, so no length limit of their own.
            cooperative.HasIndex(c => c.SearchName).HasMethod("gin").HasOperators("gin_trgm_ops")
                .HasDatabaseName("ix_cooperatives_search_name_trigram");
            cooperative.Property(c => c.RegionalUnion).HasMaxLength(Cooperative.MaxRegionalUnionLength);
            cooperative.HasIndex(c => new { c.RegionalUnion, c.Name });
            cooperative.HasIndex(c => new { c.NafCode, c.Name });
            cooperative.Property(c => c.NafDivision).HasMaxLength(2);
            cooperative.HasIndex(c => new { c.NafDivision, c.Name });
            cooperative.Property(c => c.Street).HasMaxLength(Cooperative.MaxStreetLength);
            cooperative.Property(c => c.PostalCode).HasMaxLength(5);
            cooperative.Property(c => c.Version).IsRowVersion();
        });
        model.Entity<Person>(person =>
        {
            person.HasKey(p => p.Id);
            person.Property(p => p.GivenName).HasMaxLength(Person.MaxNameLength);
            person.Property(p => p.FamilyName).HasMaxLength(Person.MaxNameLength);
            person.Property(p => p.Email).HasMaxLength(Person.MaxEmailLength);
            person.Property(p => p.Phone).HasMaxLength(Person.MaxPhoneLength);
            person.Property(p => p.RegionalUnion).HasMaxLength(Cooperative.MaxRegionalUnionLength);
            person.Property(p => p.CardNumber).HasMaxLength(MemberCard.Length).IsFixedLength();
            person.HasIndex(p => p.CardNumber).IsUnique();
            person.HasIndex(p => new { p.CooperativeId, p.FamilyName, p.Id });
            person.HasIndex(p => new { p.RegionalUnion, p.FamilyName });
            person.HasOne<Cooperative>().WithMany().HasForeignKey(p => p.CooperativeId);
            person.HasMany(p => p.Roles).WithOne().HasForeignKey(r => r.PersonId);
        });
        model.Entity<PersonRole>(role =>
        {
            role.HasKey(r => r.Id);
            role.Property(r => r.Kind).HasConversion<string>().HasMaxLength(20);
            role.HasIndex(r => new { r.CooperativeId, r.Kind });
        });
        model.Entity<CooperativeMembership>(membership =>
        {
            membership.HasKey(m => m.Id);
            membership.HasIndex(m => m.CooperativeId).IsUnique();
            membership.HasOne<Cooperative>().WithMany().HasForeignKey(m => m.CooperativeId);
            membership.Property(m => m.TermKind).HasConversion<string>().HasMaxLength(20);
            membership.Property(m => m.RegionalUnion).HasMaxLength(Cooperative.MaxRegionalUnionLength);
            membership.Property(m => m.Version).IsRowVersion();
            membership.HasMany(m => m.Terms).WithOne().HasForeignKey(t => t.MembershipId);
            membership.Ignore(m => m.PaidTerms);
        });
        model.Entity<MembershipTerm>(term =>
        {
            term.HasKey(t => t.Id);
            term.HasIndex(t => new { t.MembershipId, t.StartsOn }).IsUnique();
        });
        model.Entity<BenefitEnrolment>(enrolment =>
        {
            enrolment.HasKey(e => e.Id);
            enrolment.Property(e => e.BenefitCode).HasMaxLength(40);
            enrolment.HasIndex(e => new { e.PersonId, e.BenefitCode }).IsUnique();
            enrolment.HasOne<Person>().WithMany().HasForeignKey(e => e.PersonId);
        });
        model.Entity<CooperativeEvent>(evt =>
        {
            evt.HasKey(e => e.Id);
            evt.Property(e => e.Kind).HasConversion<string>().HasMaxLength(20);
            evt.Property(e => e.RegionalUnion).HasMaxLength(Cooperative.MaxRegionalUnionLength);
            evt.HasIndex(e => new { e.CooperativeId, e.Kind, e.HeldOn }).IsUnique();
            evt.HasOne<Cooperative>().WithMany().HasForeignKey(e => e.CooperativeId);
            evt.HasOne(e => e.Kit).WithOne().HasForeignKey<KitShipment>(k => k.EventId);
        });
        model.Entity<KitShipment>(kit =>
        {
            kit.HasKey(k => k.Id);
            kit.HasIndex(k => k.EventId).IsUnique();
            kit.Property(k => k.Status).HasConversion<string>().HasMaxLength(20);
        });
        model.Entity<Mandate>(mandate =>
        {
            mandate.HasKey(m => m.Id);
            mandate.Property(m => m.Level).HasConversion<string>().HasMaxLength(20);
            mandate.Property(m => m.Title).HasMaxLength(Mandate.MaxTitleLength);
            mandate.Property(m => m.RegionalUnion).HasMaxLength(Cooperative.MaxRegionalUnionLength);
            mandate.HasIndex(m => m.PersonId);
            mandate.HasOne<Person>().WithMany().HasForeignKey(m => m.PersonId);
        });
        model.Entity<TrainingCompletion>(completion =>
        {
            completion.HasKey(c => c.Id);
            completion.Property(c => c.CoursePath).HasMaxLength(40);
            completion.Property(c => c.CourseTitle).HasMaxLength(200);
            completion.Property(c => c.CertificateNumber).HasMaxLength(64);
            completion.HasIndex(c => new { c.PersonId, c.CoursePath });
        });
    }
}

public sealed class MembershipDesignTimeFactory : Scop.Aspire.ServiceDefaults.Data.DesignTimeDbContextFactory<MembershipDbContext>;
