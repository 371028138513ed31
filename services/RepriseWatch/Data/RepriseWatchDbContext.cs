using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Scop.Aspire.RepriseWatch.Domain;
using Scop.Aspire.ServiceDefaults.Messaging;

namespace Scop.Aspire.RepriseWatch.Data;

public sealed class RepriseWatchDbContext(DbContextOptions<RepriseWatchDbContext> options) : DbContext(options)
{
    public DbSet<Opportunity> Opportunities => Set<Opportunity>();

    public DbSet<OpportunityReporter> Reporters => Set<OpportunityReporter>();

    public DbSet<OpportunityMove> Moves => Set<OpportunityMove>();

    public DbSet<KnownCooperative> Cooperatives => Set<KnownCooperative>();

    public DbSet<KnownPerson> People => Set<KnownPerson>();

    public DbSet<PoolVolunteer> Pool => Set<PoolVolunteer>();

    public DbSet<CandidateProposal> Proposals => Set<CandidateProposal>();

    public DbSet<FundCompartment> Compartments => Set<FundCompartment>();

    public DbSet<FundContribution> Contributions => Set<FundContribution>();

    public DbSet<FinancingRequest> FinancingRequests => Set<FinancingRequest>();

    public DbSet<FinancingPart> FinancingParts => Set<FinancingPart>();

    public DbSet<PremiumYear> PremiumYears => Set<PremiumYear>();

    public DbSet<RegionalTopUp> TopUps => Set<RegionalTopUp>();

    public DbSet<JobPremium> Premiums => Set<JobPremium>();

    /// <summary>Opens a transaction unless one is open already (the idempotency filter's); returns it when it owns it.</summary>
    public async Task<IDbContextTransaction?> BeginUnlessInTransactionAsync(CancellationToken ct) =>
        Database.CurrentTransaction is null ? await Database.BeginTransactionAsync(ct) : null;

    protected override void OnModelCreating(ModelBuilder model)
    {
        model.AddPlatformTables();
        // Trigram indexes serve the name search (LIKE '%word%'), which a b-tree cannot.
        model.HasPostgresExtension("pg_trgm");

        model.Entity<Opportunity>(opportunity =>
        {
            opportunity.HasKey(o => o.Id);
            opportunity.Property(o => o.Siren).HasMaxLength(9).IsFixedLength();
            opportunity.HasIndex(o => o.Siren).IsUnique(); // one opportunity per company, whoever reports it
            opportunity.Property(o => o.CompanyName).HasMaxLength(Opportunity.MaxNameLength);
            opportunity.HasIndex(o => o.SearchName).HasMethod("gin").HasOperators("gin_trgm_ops")
                .HasDatabaseName("ix_opportunities_search_name_trigram");
            opportunity.Property(o => o.NafCode).HasMaxLength(6);
            opportunity.Property(o => o.NafDivision).HasMaxLength(2);
            opportunity.Property(o => o.CommuneCode).HasMaxLength(5);
            opportunity.Property(o => o.RegionalUnion).HasMaxLength(64);
            opportunity.Property(o => o.Cause).HasConversion<string>().HasMaxLength(32);
            opportunity.Property(o => o.OwnerAgeBand).HasConversion<string>().HasMaxLength(16);
            opportunity.Property(o => o.CauseDetail).HasMaxLength(Opportunity.MaxCauseDetailLength);
            opportunity.Property(o => o.Confidentiality).HasConversion<string>().HasMaxLength(16);
            opportunity.Property(o => o.Stage).HasConversion<string>().HasMaxLength(16);
            opportunity.Property(o => o.FeasibilitySummary).HasMaxLength(Opportunity.MaxSummaryLength);
            opportunity.Property(o => o.LostReason).HasConversion<string>().HasMaxLength(32);
            opportunity.Property(o => o.LostComment).HasMaxLength(Opportunity.MaxCommentLength);
            opportunity.Property(o => o.SuccessorSiren).HasMaxLength(9).IsFixedLength();
            opportunity.HasIndex(o => o.SuccessorSiren).HasFilter("successor_siren IS NOT NULL");
            opportunity.Property(o => o.Version).IsRowVersion();
            opportunity.HasMany(o => o.Reporters).WithOne().HasForeignKey(r => r.OpportunityId);
            // The delegate's pipeline (their union, by stage, newest first) and the nationwide one.
            opportunity.HasIndex(o => new { o.RegionalUnion, o.Stage, o.ReportedAt });
            opportunity.HasIndex(o => new { o.Stage, o.ReportedAt });
            opportunity.HasIndex(o => o.ReportedAt);
            // The pipeline's other filters, newest first: without them each of these reads scanned the whole table.
            opportunity.HasIndex(o => new { o.Cause, o.ReportedAt });
            opportunity.HasIndex(o => new { o.NafDivision, o.ReportedAt });
            opportunity.HasIndex(o => o.ReportedAt, "stale").HasFilter("stale_since IS NOT NULL").HasDatabaseName("ix_opportunities_stale_reported_at");
            opportunity.ToTable(t =>
            {
                t.HasCheckConstraint("ck_opportunities_headcount", $"headcount >= 0 AND headcount <= {Opportunity.MaxHeadcount}");
                t.HasCheckConstraint("ck_opportunities_jobs", "(jobs_at_stake IS NULL OR jobs_at_stake >= 0) AND (jobs_kept IS NULL OR jobs_kept >= 0)");
                // What each stage requires is in the row, whatever wrote it.
                t.HasCheckConstraint("ck_opportunities_stage_requirements",
                    "(stage IN ('Reported') OR (contacted_on IS NOT NULL AND jobs_at_stake IS NOT NULL) OR stage IN ('Lost', 'Converted'))"
                    + " AND (stage NOT IN ('Financing') OR feasibility_summary IS NOT NULL)"
                    + " AND (stage <> 'Lost' OR (lost_reason IS NOT NULL AND lost_comment IS NOT NULL))"
                    + " AND (stage <> 'Converted' OR (cooperative_id IS NOT NULL AND jobs_kept IS NOT NULL))");
            });
        });

        model.Entity<OpportunityReporter>(reporter =>
        {
            reporter.ToTable("opportunity_reporters");
            reporter.HasKey(r => r.Id);
            reporter.Property(r => r.Confidentiality).HasConversion<string>().HasMaxLength(16);
            // A person reports a company once; a delegate's or staff member's report names no person.
            reporter.HasIndex(r => new { r.OpportunityId, r.PersonId }).IsUnique().HasFilter("person_id IS NOT NULL");
            reporter.HasIndex(r => new { r.PersonId, r.OpportunityId });
            reporter.HasIndex(r => new { r.CooperativeId, r.OpportunityId });
            // Every row of a pipeline page counts its reporters: the unique index above leaves out the reports naming no
            // person, so without this one PostgreSQL counted them through the person index, whole, for each row.
            reporter.HasIndex(r => r.OpportunityId);
        });

        model.Entity<OpportunityMove>(move =>
        {
            move.ToTable("opportunity_moves");
            move.HasKey(m => m.Id);
            move.Property(m => m.FromStage).HasConversion<string>().HasMaxLength(16);
            move.Property(m => m.ToStage).HasConversion<string>().HasMaxLength(16);
            move.Property(m => m.ActorRole).HasMaxLength(32);
            move.Property(m => m.ActorRegionalUnion).HasMaxLength(64);
            move.Property(m => m.Reason).HasMaxLength(OpportunityMove.MaxReasonLength);
            move.Property(m => m.Comment).HasMaxLength(Opportunity.MaxSummaryLength);
            move.HasOne<Opportunity>().WithMany().HasForeignKey(m => m.OpportunityId);
            move.Property(m => m.Sequence).UseIdentityAlwaysColumn();
            move.HasIndex(m => new { m.OpportunityId, m.Sequence });
            move.HasIndex(m => m.ActorPersonId).HasFilter("actor_person_id IS NOT NULL");
        });

        model.Entity<KnownCooperative>(cooperative =>
        {
            cooperative.ToTable("cooperatives");
            cooperative.HasKey(c => c.Id);
            cooperative.Property(c => c.Id).ValueGeneratedNever();
            cooperative.Property(c => c.Siren).HasMaxLength(9).IsFixedLength();
            cooperative.HasIndex(c => c.Siren).IsUnique().HasFilter("siren IS NOT NULL");
            cooperative.Property(c => c.RegionalUnion).HasMaxLength(64);
        });

        model.Entity<KnownPerson>(person =>
        {
            person.ToTable("people");
            person.HasKey(p => p.Id);
            person.Property(p => p.Id).ValueGeneratedNever();
            person.HasIndex(p => p.CooperativeId);
        });

        model.Entity<PoolVolunteer>(volunteer =>
        {
            volunteer.ToTable("pool_volunteers");
            volunteer.HasKey(v => v.PersonId);
            volunteer.Property(v => v.PersonId).ValueGeneratedNever();
            volunteer.Property(v => v.NafDivisions).HasColumnType("varchar(2)[]");
            volunteer.Property(v => v.CompanySizes).HasColumnType("varchar(16)[]");
            volunteer.ToTable(t => t.HasCheckConstraint("ck_pool_volunteers_choices",
                $"cardinality(naf_divisions) BETWEEN 1 AND {PoolVolunteer.MaxDivisions} AND cardinality(company_sizes) >= 1"));
        });

        model.Entity<CandidateProposal>(proposal =>
        {
            proposal.ToTable("candidate_proposals");
            proposal.HasKey(p => p.Id);
            proposal.Property(p => p.ProposedByRole).HasMaxLength(32);
            proposal.Property(p => p.Outcome).HasConversion<string>().HasMaxLength(16);
            proposal.Property(p => p.OutcomeComment).HasMaxLength(CandidateProposal.MaxCommentLength);
            proposal.HasOne<Opportunity>().WithMany().HasForeignKey(p => p.OpportunityId);
            // A candidate is proposed for an opportunity once.
            proposal.HasIndex(p => new { p.OpportunityId, p.PersonId }).IsUnique();
            proposal.HasIndex(p => p.PersonId);
            proposal.HasIndex(p => p.ProposedByPersonId).HasFilter("proposed_by_person_id IS NOT NULL");
        });

        model.Entity<FundCompartment>(compartment =>
        {
            compartment.ToTable("fund_compartments");
            compartment.HasKey(c => c.Id);
            compartment.Property(c => c.Name).HasMaxLength(FundCompartment.MaxNameLength);
            compartment.HasIndex(c => c.Name).IsUnique();
            compartment.Property(c => c.Reach).HasConversion<string>().HasMaxLength(16);
            compartment.Property(c => c.RegionalUnions).HasColumnType("varchar(64)[]");
            compartment.HasIndex(c => c.RegionalUnions).HasMethod("gin");
            compartment.ToTable(t =>
            {
                // The seed fund's guarantee, whatever writes the row: never more committed than held.
                t.HasCheckConstraint("ck_fund_compartments_committed", "committed >= 0 AND committed <= holds");
                t.HasCheckConstraint("ck_fund_compartments_reach",
                    "(reach = 'National' AND cardinality(regional_unions) = 0) OR (reach = 'Regional' AND cardinality(regional_unions) = 1)"
                    + " OR (reach = 'InterRegional' AND cardinality(regional_unions) >= 2)");
            });
        });

        model.Entity<FundContribution>(contribution =>
        {
            contribution.ToTable("fund_contributions");
            contribution.HasKey(c => c.Id);
            contribution.Property(c => c.PartnerCode).HasMaxLength(ServiceDefaults.Security.PartnerCode.MaxLength);
            contribution.Property(c => c.Kind).HasConversion<string>().HasMaxLength(16);
            contribution.Property(c => c.FunderName).HasMaxLength(FundContribution.MaxFunderNameLength);
            contribution.HasOne<FundCompartment>().WithMany().HasForeignKey(c => c.CompartmentId);
            contribution.HasIndex(c => new { c.CompartmentId, c.CommittedAt });
            contribution.HasIndex(c => new { c.PartnerCode, c.CompartmentId });
            contribution.ToTable(t => t.HasCheckConstraint("ck_fund_contributions_amount", "amount > 0"));
        });

        model.Entity<FinancingRequest>(request =>
        {
            request.ToTable("financing_requests");
            request.HasKey(r => r.Id);
            request.Property(r => r.RegionalUnion).HasMaxLength(64);
            request.Property(r => r.Status).HasConversion<string>().HasMaxLength(16);
            request.Property(r => r.RequestedByRole).HasMaxLength(32);
            request.Property(r => r.DecidedByRole).HasMaxLength(32);
            request.Property(r => r.Comment).HasMaxLength(FinancingRequest.MaxCommentLength);
            request.Property(r => r.DecisionComment).HasMaxLength(FinancingRequest.MaxCommentLength);
            request.HasOne<Opportunity>().WithMany().HasForeignKey(r => r.OpportunityId);
            request.HasMany(r => r.Parts).WithOne().HasForeignKey(p => p.RequestId);
            request.HasIndex(r => new { r.OpportunityId, r.RequestedAt });
            request.HasIndex(r => new { r.RegionalUnion, r.RequestedAt });
            request.HasIndex(r => new { r.Status, r.RequestedAt });
            request.ToTable(t => t.HasCheckConstraint("ck_financing_requests_amount", "amount > 0"));
        });

        model.Entity<FinancingPart>(part =>
        {
            part.ToTable("financing_parts");
            part.HasKey(p => new { p.RequestId, p.CompartmentId });
            part.HasOne<FundCompartment>().WithMany().HasForeignKey(p => p.CompartmentId);
            part.HasIndex(p => p.CompartmentId);
            part.ToTable(t => t.HasCheckConstraint("ck_financing_parts_amount", "amount > 0"));
        });

        model.Entity<PremiumYear>(year =>
        {
            year.ToTable("premium_years");
            year.HasKey(y => y.Year);
            year.Property(y => y.Year).ValueGeneratedNever();
            year.Property(y => y.PartnerCode).HasMaxLength(ServiceDefaults.Security.PartnerCode.MaxLength);
            // The job premium's guarantee, whatever writes the row: never more granted than the budget.
            year.ToTable(t => t.HasCheckConstraint("ck_premium_years_budget", "amount_per_job >= 0 AND granted >= 0 AND granted <= budget"));
        });

        model.Entity<RegionalTopUp>(topUp =>
        {
            topUp.ToTable("regional_top_ups");
            topUp.HasKey(t => new { t.Year, t.RegionalUnion });
            topUp.Property(t => t.RegionalUnion).HasMaxLength(64);
            topUp.HasOne<PremiumYear>().WithMany().HasForeignKey(t => t.Year);
            topUp.ToTable(t => t.HasCheckConstraint("ck_regional_top_ups_amounts", "amount_per_job >= 0 AND ceiling >= 0"));
        });

        model.Entity<JobPremium>(premium =>
        {
            premium.ToTable("job_premiums");
            premium.HasKey(p => p.Id);
            premium.HasIndex(p => p.CooperativeId).IsUnique(); // once per cooperative
            premium.Property(p => p.Siren).HasMaxLength(9).IsFixedLength();
            premium.Property(p => p.RegionalUnion).HasMaxLength(64);
            premium.Property(p => p.GrantedByRole).HasMaxLength(32);
            premium.Property(p => p.PartnerCode).HasMaxLength(ServiceDefaults.Security.PartnerCode.MaxLength);
            premium.Property(p => p.LoanStatus).HasConversion<string>().HasMaxLength(16);
            premium.Property(p => p.LoanReference).HasMaxLength(JobPremium.MaxReferenceLength);
            premium.Property(p => p.LoanRefusalReason).HasMaxLength(JobPremium.MaxReasonLength);
            premium.HasOne<PremiumYear>().WithMany().HasForeignKey(p => p.Year);
            premium.HasIndex(p => new { p.Year, p.GrantedAt });
            premium.HasIndex(p => new { p.RegionalUnion, p.GrantedAt });
            premium.HasIndex(p => new { p.PartnerCode, p.GrantedAt });
            premium.ToTable(t =>
            {
                t.HasCheckConstraint("ck_job_premiums_amounts", "jobs > 0 AND amount >= 0 AND regional_top_up >= 0");
                t.HasCheckConstraint("ck_job_premiums_loan",
                    "(loan_status <> 'Accepted' OR loan_reference IS NOT NULL) AND (loan_status <> 'Refused' OR loan_refusal_reason IS NOT NULL)");
            });
        });
    }
}

public sealed class RepriseWatchDesignTimeFactory : Scop.Aspire.ServiceDefaults.Data.DesignTimeDbContextFactory<RepriseWatchDbContext>;
