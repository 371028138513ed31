using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Scop.Aspire.ServiceDefaults.Messaging;
using Scop.Aspire.Training.Domain;

namespace Scop.Aspire.Training.Data;

public sealed class TrainingDbContext(DbContextOptions<TrainingDbContext> options) : DbContext(options)
{
    public const string WaitlistSequence = "waitlist_sequence";
    public const string CertificateSequence = "certificate_sequence";

    public DbSet<Course> Courses => Set<Course>();

    public DbSet<Session> Sessions => Set<Session>();

    public DbSet<Booking> Bookings => Set<Booking>();

    public DbSet<Attendee> Attendees => Set<Attendee>();

    public DbSet<WaitlistEntry> WaitlistEntries => Set<WaitlistEntry>();

    public DbSet<Fund> Funds => Set<Fund>();

    public DbSet<FundPersonUsage> FundPersonUsages => Set<FundPersonUsage>();

    public DbSet<FundingDecision> FundingDecisions => Set<FundingDecision>();

    public DbSet<Invitation> Invitations => Set<Invitation>();

    public DbSet<KnownCooperative> Cooperatives => Set<KnownCooperative>();

    public DbSet<KnownPerson> People => Set<KnownPerson>();

    /// <summary>Opens a transaction unless one is open already (the idempotency filter's); returns it when it owns it.</summary>
    public async Task<IDbContextTransaction?> BeginUnlessInTransactionAsync(CancellationToken ct) =>
        Database.CurrentTransaction is null ? await Database.BeginTransactionAsync(ct) : null;

    protected override void OnModelCreating(ModelBuilder model)
    {
        model.AddPlatformTables();
        model.HasSequence<long>(WaitlistSequence);
        model.HasSequence<long>(CertificateSequence);

        model.Entity<Course>(course =>
        {
            course.HasKey(c => c.Id);
            course.Property(c => c.Title).HasMaxLength(Course.MaxTitleLength);
            course.Property(c => c.Description).HasMaxLength(Course.MaxDescriptionLength);
            course.Property(c => c.Path).HasConversion<string>().HasMaxLength(32);
            course.Property(c => c.Audience).HasConversion<string>().HasMaxLength(32);
            course.HasIndex(c => new { c.Path, c.Title });
        });

        model.Entity<Session>(session =>
        {
            session.HasKey(s => s.Id);
            session.Property(s => s.RegionalUnion).HasMaxLength(64);
            session.Property(s => s.CommuneCode).HasMaxLength(5);
            session.Property(s => s.Status).HasConversion<string>().HasMaxLength(16);
            session.HasOne<Course>().WithMany().HasForeignKey(s => s.CourseId).OnDelete(DeleteBehavior.Restrict);
            session.HasIndex(s => new { s.CourseId, s.StartsOn });
            session.HasIndex(s => new { s.RegionalUnion, s.StartsOn });
            session.ToTable(t =>
            {
                t.HasCheckConstraint("ck_sessions_seats_within_capacity", "seats_taken >= 0 AND seats_taken <= capacity");
                t.HasCheckConstraint("ck_sessions_dates", "ends_on >= starts_on");
            });
        });

        model.Entity<Booking>(booking =>
        {
            booking.HasKey(b => b.Id);
            booking.Property(b => b.Status).HasConversion<string>().HasMaxLength(16);
            booking.Property(b => b.RegionalUnion).HasMaxLength(64);
            booking.HasOne<Session>().WithMany().HasForeignKey(b => b.SessionId).OnDelete(DeleteBehavior.Restrict);
            booking.HasMany(b => b.Attendees).WithOne().HasForeignKey(a => a.BookingId);
            booking.HasIndex(b => new { b.SessionId, b.Status });
            // A delegate's and a manager's views, and a cooperative's move to another union.
            booking.HasIndex(b => new { b.RegionalUnion, b.CreatedAt });
            booking.HasIndex(b => new { b.CooperativeId, b.CreatedAt });
            booking.ToTable(t => t.HasCheckConstraint("ck_bookings_quantity", "quantity > 0"));
        });

        model.Entity<Attendee>(attendee =>
        {
            attendee.HasKey(a => new { a.BookingId, a.PersonId });
            attendee.Property(a => a.Role).HasConversion<string>().HasMaxLength(16);
            attendee.Property(a => a.Status).HasConversion<string>().HasMaxLength(16);
            attendee.Property(a => a.CertificateNumber).HasMaxLength(32);
            attendee.HasIndex(a => a.PersonId);
            attendee.HasIndex(a => a.CertificateNumber).IsUnique();
        });

        model.Entity<WaitlistEntry>(entry =>
        {
            entry.HasKey(w => w.Id);
            entry.Property(w => w.Sequence).HasDefaultValueSql($"nextval('{WaitlistSequence}')").ValueGeneratedOnAdd();
            entry.Property(w => w.Status).HasConversion<string>().HasMaxLength(16);
            entry.Property(w => w.RegionalUnion).HasMaxLength(64);
            entry.Property(w => w.LeaveToken).HasMaxLength(64);
            entry.HasIndex(w => w.LeaveToken).IsUnique();
            entry.HasIndex(w => new { w.SessionId, w.Status, w.Sequence });
            entry.HasIndex(w => w.CooperativeId);
            entry.HasOne<Session>().WithMany().HasForeignKey(w => w.SessionId).OnDelete(DeleteBehavior.Restrict);
            entry.OwnsMany(w => w.People, people =>
            {
                people.ToJson();
                people.Property(p => p.Role).HasConversion<string>();
            });
            entry.ToTable(t => t.HasCheckConstraint("ck_waitlist_entries_quantity", "quantity > 0"));
        });

        model.Entity<Fund>(fund =>
        {
            fund.HasKey(f => f.Year);
            fund.Property(f => f.Year).ValueGeneratedNever();
            fund.ToTable(t => t.HasCheckConstraint("ck_funds_never_below_zero",
                "committed_cents >= 0 AND committed_cents <= budget_cents"));
        });

        model.Entity<FundPersonUsage>(usage =>
        {
            usage.HasKey(u => new { u.Year, u.PersonId });
            usage.ToTable("fund_person_usage", t => t.HasCheckConstraint("ck_fund_person_usage_positive", "used_cents >= 0"));
        });

        model.Entity<FundingDecision>(decision =>
        {
            decision.HasKey(d => d.Id);
            decision.Property(d => d.Outcome).HasConversion<string>().HasMaxLength(16);
            decision.Property(d => d.Reason).HasMaxLength(500);
            decision.HasIndex(d => new { d.Year, d.DecidedAt });
            decision.HasIndex(d => d.BookingId);
        });

        model.Entity<Invitation>(invitation =>
        {
            invitation.HasKey(i => i.Id);
            invitation.Property(i => i.RegionalUnion).HasMaxLength(64);
            invitation.HasIndex(i => i.PersonId).IsUnique(); // a new hire is invited once, whatever the redeliveries
            invitation.HasIndex(i => i.CooperativeId);
        });

        model.Entity<KnownCooperative>(cooperative =>
        {
            cooperative.ToTable("cooperatives");
            cooperative.HasKey(c => c.Id);
            cooperative.Property(c => c.Id).ValueGeneratedNever();
            cooperative.Property(c => c.RegionalUnion).HasMaxLength(64);
        });

        model.Entity<KnownPerson>(person =>
        {
            person.ToTable("people");
            person.HasKey(p => p.Id);
            person.Property(p => p.Id).ValueGeneratedNever();
            person.HasIndex(p => p.CooperativeId);
        });
    }
}

public sealed class TrainingDesignTimeFactory : Scop.Aspire.ServiceDefaults.Data.DesignTimeDbContextFactory<TrainingDbContext>;
