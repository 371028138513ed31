using Microsoft.EntityFrameworkCore;
using Scop.Aspire.Ambassadors.Domain;
using Scop.Aspire.ServiceDefaults.Messaging;

namespace Scop.Aspire.Ambassadors.Data;

public sealed class AmbassadorsDbContext(DbContextOptions<AmbassadorsDbContext> options) : DbContext(options)
{
    /// <summary>
    /// The index the nearest search walks (KNN, <c>position &lt;-&gt; point</c>): GiST over the labelled Ambassades'
    /// positions only, so suspended, withdrawn and pending ones are not even in it.
    /// </summary>
    public const string PositionIndex = "ix_ambassades_position_labelled";

    public DbSet<Ambassade> Ambassades => Set<Ambassade>();

    public DbSet<KnownCooperative> Cooperatives => Set<KnownCooperative>();

    public DbSet<AmbassadeHistoryLine> History => Set<AmbassadeHistoryLine>();

    public DbSet<Enquiry> Enquiries => Set<Enquiry>();

    public DbSet<Club> Clubs => Set<Club>();

    public DbSet<ClubParticipant> ClubParticipants => Set<ClubParticipant>();

    public DbSet<ClubMeeting> ClubMeetings => Set<ClubMeeting>();

    public DbSet<QualifiedAnimator> QualifiedAnimators => Set<QualifiedAnimator>();

    protected override void OnModelCreating(ModelBuilder model)
    {
        model.AddPlatformTables();
        model.HasPostgresExtension("postgis");

        model.Entity<Ambassade>(ambassade =>
        {
            ambassade.HasKey(a => a.Id);
            ambassade.Property(a => a.Name).HasMaxLength(200);
            ambassade.Property(a => a.LegalForm).HasMaxLength(8);
            ambassade.Property(a => a.NafCode).HasMaxLength(6);
            ambassade.Property(a => a.NafDivision).HasMaxLength(2);
            ambassade.Property(a => a.CommuneCode).HasMaxLength(5);
            ambassade.Property(a => a.Departement).HasMaxLength(3);
            ambassade.Property(a => a.Region).HasMaxLength(3);
            ambassade.Property(a => a.RegionalUnion).HasMaxLength(64);
            ambassade.Property(a => a.PositionSource).HasConversion<string>().HasMaxLength(16);
            ambassade.Property(a => a.Status).HasConversion<string>().HasMaxLength(16);
            ambassade.Property(a => a.Motivation).HasMaxLength(Ambassade.MaxTextLength);
            ambassade.Property(a => a.Reason).HasMaxLength(Ambassade.MaxReasonLength);
            ambassade.Property(a => a.Version).IsRowVersion();
            // One label under way or in force per cooperative; a refused, withdrawn or expired one leaves room for another.
            ambassade.HasIndex(a => a.CooperativeId).IsUnique()
                .HasFilter("status IN ('Applied', 'Labelled', 'Suspended')").HasDatabaseName("ix_ambassades_one_per_cooperative");
            // The directory's listings, each a walk of the labelled ones in name order.
            ambassade.HasIndex(a => new { a.Region, a.Name }).HasFilter("status = 'Labelled'");
            ambassade.HasIndex(a => new { a.Departement, a.Name }).HasFilter("status = 'Labelled'");
            ambassade.HasIndex(a => new { a.CommuneCode, a.Name }).HasFilter("status = 'Labelled'");
            ambassade.HasIndex(a => new { a.NafDivision, a.Name }).HasFilter("status = 'Labelled'");
            ambassade.HasIndex(a => new { a.Status, a.Name });
            // A delegate's view of their union's applications and labels.
            ambassade.HasIndex(a => new { a.RegionalUnion, a.Status });
            ambassade.ToTable(t => t.HasCheckConstraint("ck_ambassades_position",
                "(latitude IS NULL) = (longitude IS NULL) AND (latitude IS NULL OR (latitude BETWEEN -90 AND 90 AND longitude BETWEEN -180 AND 180))"));
        });

        model.Entity<AmbassadeHistoryLine>(line =>
        {
            line.ToTable("ambassade_history");
            line.HasKey(l => l.Id);
            line.Property(l => l.Step).HasMaxLength(AmbassadeHistoryLine.MaxStepLength);
            line.Property(l => l.FromStatus).HasConversion<string>().HasMaxLength(16);
            line.Property(l => l.ToStatus).HasConversion<string>().HasMaxLength(16);
            line.Property(l => l.ActorRole).HasMaxLength(32);
            line.Property(l => l.ActorRegionalUnion).HasMaxLength(64);
            line.Property(l => l.Reason).HasMaxLength(Ambassade.MaxReasonLength);
            line.Property(l => l.Comment).HasMaxLength(Ambassade.MaxTextLength);
            line.HasOne<Ambassade>().WithMany().HasForeignKey(l => l.AmbassadeId);
            line.Property(l => l.Sequence).UseIdentityAlwaysColumn();
            line.HasIndex(l => new { l.AmbassadeId, l.Sequence });
        });

        model.Entity<Enquiry>(enquiry =>
        {
            enquiry.ToTable("enquiries");
            enquiry.HasKey(e => e.Id);
            enquiry.Property(e => e.RegionalUnion).HasMaxLength(64);
            enquiry.Property(e => e.Sector).HasMaxLength(2);
            enquiry.Property(e => e.CommuneCode).HasMaxLength(5);
            enquiry.Property(e => e.Project).HasMaxLength(Enquiry.MaxProjectLength);
            enquiry.Property(e => e.Name).HasMaxLength(Enquiry.MaxNameLength);
            enquiry.Property(e => e.Email).HasMaxLength(Enquiry.MaxEmailLength);
            enquiry.Property(e => e.Phone).HasMaxLength(Enquiry.MaxPhoneLength);
            enquiry.Property(e => e.Answer).HasMaxLength(Enquiry.MaxAnswerLength);
            enquiry.Property(e => e.FollowTokenHash).HasMaxLength(64);
            enquiry.Property(e => e.Status).HasConversion<string>().HasMaxLength(16);
            enquiry.Property(e => e.Version).IsRowVersion();
            enquiry.HasOne<Ambassade>().WithMany().HasForeignKey(e => e.AmbassadeId);
            enquiry.HasIndex(e => e.FollowTokenHash).IsUnique();
            // An Ambassade's enquiries, and a union's, newest first.
            enquiry.HasIndex(e => new { e.AmbassadeId, e.ReceivedAt });
            enquiry.HasIndex(e => new { e.RegionalUnion, e.ReceivedAt });
            // Withdrawn means erased: no personal data may remain.
            enquiry.ToTable(t => t.HasCheckConstraint("ck_enquiries_withdrawn_erased",
                "status <> 'Withdrawn' OR (project IS NULL AND name IS NULL AND email IS NULL AND phone IS NULL AND answer IS NULL)"));
        });

        model.Entity<Club>(club =>
        {
            club.ToTable("clubs");
            club.HasKey(c => c.Id);
            club.Property(c => c.Name).HasMaxLength(Club.MaxNameLength);
            club.Property(c => c.Epci).HasMaxLength(9);
            club.Property(c => c.EpciName).HasMaxLength(200);
            club.Property(c => c.Region).HasMaxLength(3);
            club.Property(c => c.RegionalUnion).HasMaxLength(64);
            club.Property(c => c.Status).HasConversion<string>().HasMaxLength(16);
            club.Property(c => c.CloseReason).HasMaxLength(Club.MaxReasonLength);
            club.Property(c => c.Version).IsRowVersion();
            // One club per employment area unless closed.
            club.HasIndex(c => c.Epci).IsUnique().HasFilter("status <> 'Closed'").HasDatabaseName("ix_clubs_one_open_per_epci");
            club.HasIndex(c => new { c.Region, c.Name });
            club.HasIndex(c => new { c.RegionalUnion, c.Name });
        });

        model.Entity<ClubParticipant>(participant =>
        {
            participant.ToTable("club_participants");
            participant.HasKey(p => new { p.ClubId, p.PersonId });
            participant.Property(p => p.Role).HasConversion<string>().HasMaxLength(16);
            participant.Property(p => p.LegalForm).HasMaxLength(8);
            participant.HasOne<Club>().WithMany().HasForeignKey(p => p.ClubId);
            participant.HasIndex(p => p.PersonId);
        });

        model.Entity<ClubMeeting>(meeting =>
        {
            meeting.ToTable("club_meetings");
            meeting.HasKey(m => m.Id);
            meeting.Property(m => m.Place).HasMaxLength(ClubMeeting.MaxPlaceLength);
            meeting.Property(m => m.CommuneCode).HasMaxLength(5);
            meeting.Property(m => m.Agenda).HasMaxLength(ClubMeeting.MaxAgendaLength);
            meeting.HasOne<Club>().WithMany().HasForeignKey(m => m.ClubId);
            meeting.HasIndex(m => new { m.ClubId, m.HeldOn });
        });

        model.Entity<QualifiedAnimator>(animator =>
        {
            animator.ToTable("qualified_animators");
            animator.HasKey(a => a.PersonId);
            animator.Property(a => a.PersonId).ValueGeneratedNever();
        });

        model.Entity<KnownCooperative>(cooperative =>
        {
            cooperative.ToTable("cooperatives");
            cooperative.HasKey(c => c.Id);
            cooperative.Property(c => c.Id).ValueGeneratedNever();
            cooperative.Property(c => c.Name).HasMaxLength(200);
            cooperative.Property(c => c.LegalForm).HasMaxLength(8);
            cooperative.Property(c => c.CommuneCode).HasMaxLength(5);
            cooperative.Property(c => c.NafCode).HasMaxLength(6);
            cooperative.Property(c => c.RegionalUnion).HasMaxLength(64);
        });
    }
}

public sealed class AmbassadorsDesignTimeFactory : Scop.Aspire.ServiceDefaults.Data.DesignTimeDbContextFactory<AmbassadorsDbContext>;
