using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Scop.Aspire.Portal.Domain;
using Scop.Aspire.ServiceDefaults.Data;
using Scop.Aspire.ServiceDefaults.Messaging;

namespace Scop.Aspire.Portal.Data;

public sealed class PortalDbContext(DbContextOptions<PortalDbContext> options) : DbContext(options)
{
    public DbSet<FeedItem> FeedItems => Set<FeedItem>();

    public DbSet<Site> Sites => Set<Site>();

    public DbSet<ContentItem> Items => Set<ContentItem>();

    public DbSet<GuideVersion> GuideVersions => Set<GuideVersion>();

    public DbSet<SavedWatchFilter> SavedWatchFilters => Set<SavedWatchFilter>();

    public DbSet<VisitStat> VisitStats => Set<VisitStat>();

    public DbSet<TargetFact> TargetFacts => Set<TargetFact>();

    public DbSet<Space> Spaces => Set<Space>();

    public DbSet<SpaceMember> SpaceMembers => Set<SpaceMember>();

    public DbSet<SpaceThread> SpaceThreads => Set<SpaceThread>();

    public DbSet<SpacePost> SpacePosts => Set<SpacePost>();

    public DbSet<SpaceDocument> SpaceDocuments => Set<SpaceDocument>();

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    protected override void OnModelCreating(ModelBuilder model)
    {
        model.AddPlatformTables();
        model.Entity<FeedItem>(item =>
        {
            item.HasKey(i => i.Id);
            item.Property(i => i.Kind).HasMaxLength(50);
            item.Property(i => i.Title).HasMaxLength(300);
            item.Property(i => i.Region).HasMaxLength(64);
            item.Property(i => i.Sector).HasMaxLength(ContentItem.MaxFacetLength);
            item.Property(i => i.Link).HasMaxLength(300);
            item.Property(i => i.TraceId).HasMaxLength(32);
            item.HasIndex(i => new { i.OccurredAt, i.Id }).IsDescending();
        });

        model.Entity<Space>(space =>
        {
            space.HasKey(s => s.Id);
            space.Property(s => s.Name).HasMaxLength(Space.MaxNameLength);
            space.Property(s => s.Kind).HasConversion<string>().HasMaxLength(20);
            space.Property(s => s.RegionalUnion).HasMaxLength(64);
        });

        model.Entity<SpaceMember>(member =>
        {
            member.HasKey(m => new { m.SpaceId, m.PersonId });
            member.HasIndex(m => m.PersonId);
            member.HasOne<Space>().WithMany().HasForeignKey(m => m.SpaceId);
        });

        model.Entity<SpaceThread>(thread =>
        {
            thread.HasKey(t => t.Id);
            thread.HasIndex(t => new { t.SpaceId, t.LastPostAt });
            thread.HasOne<Space>().WithMany().HasForeignKey(t => t.SpaceId);
            thread.Property(t => t.Title).HasMaxLength(SpaceThread.MaxTitleLength);
        });

        model.Entity<SpacePost>(post =>
        {
            post.HasKey(p => p.Id);
            post.HasIndex(p => new { p.ThreadId, p.Number });
            post.Property(p => p.Number).UseIdentityAlwaysColumn();
            post.HasIndex(p => p.Mentions).HasMethod("gin");
            post.HasOne<SpaceThread>().WithMany().HasForeignKey(p => p.ThreadId);
            post.Property(p => p.Author).HasMaxLength(300);
            post.Property(p => p.AuthorName).HasMaxLength(SpacePost.MaxAuthorNameLength);
        });

        model.Entity<SpaceDocument>(document =>
        {
            document.HasKey(d => d.Id);
            document.HasIndex(d => new { d.SpaceId, d.UploadedAt });
            document.HasOne<Space>().WithMany().HasForeignKey(d => d.SpaceId);
            document.Property(d => d.Name).HasMaxLength(SpaceDocument.MaxNameLength);
            document.Property(d => d.ContentType).HasMaxLength(100);
            document.Property(d => d.Sha256).HasMaxLength(64);
        });

        model.Entity<TargetFact>(fact =>
        {
            fact.HasKey(f => new { f.Target, f.SubjectId, f.Year });
            fact.HasIndex(f => new { f.Target, f.Year, f.RegionalUnion });
            fact.Property(f => f.Target).HasMaxLength(50);
            fact.Property(f => f.RegionalUnion).HasMaxLength(64);
            // The facts counted before quantities existed were one each: the column's default. The sentinel 1 (the
            // property's initial value) lets a fact of quantity 0 be written as 0 rather than given the default.
            fact.Property(f => f.Quantity).HasDefaultValue(1).HasSentinel(1);
        });

        model.Entity<VisitStat>(stat =>
        {
            stat.HasKey(s => new { s.Site, s.Period, s.Key });
            stat.Property(s => s.Site).HasMaxLength(Site.MaxSlugLength);
            stat.Property(s => s.Period).HasConversion<string>().HasMaxLength(10);
            stat.Property(s => s.Key).HasMaxLength(10);
        });

        model.Entity<SavedWatchFilter>(filter =>
        {
            filter.HasKey(f => f.Id);
            filter.HasIndex(f => new { f.Owner, f.CreatedAt });
            filter.HasIndex(f => f.PersonId);
            filter.Property(f => f.Owner).HasMaxLength(300);
            filter.Property(f => f.Name).HasMaxLength(SavedWatchFilter.MaxNameLength);
            filter.Property(f => f.Kind).HasMaxLength(50);
            filter.Property(f => f.Region).HasMaxLength(64);
            filter.Property(f => f.Sector).HasMaxLength(2);
        });

        model.Entity<Site>(site =>
        {
            site.HasKey(s => s.Id);
            site.HasIndex(s => s.Slug).IsUnique();
            site.HasIndex(s => s.CooperativeId).IsUnique().HasFilter("cooperative_id IS NOT NULL");
            site.Property(s => s.Slug).HasMaxLength(Site.MaxSlugLength);
            site.Property(s => s.Kind).HasConversion<string>().HasMaxLength(20);
            site.Property(s => s.Name).HasMaxLength(Site.MaxNameLength);
            site.Property(s => s.RegionalUnion).HasMaxLength(64);
            site.Property(s => s.CommuneCode).HasMaxLength(5);
            site.Property(s => s.NafCode).HasMaxLength(6);
            site.Property(s => s.Menu).HasColumnType("jsonb").HasConversion(
                menu => JsonSerializer.Serialize(menu, Json), json => JsonSerializer.Deserialize<List<MenuEntry>>(json, Json)!,
                new ValueComparer<List<MenuEntry>>((a, b) => a!.SequenceEqual(b!), m => m.Count, m => m.ToList()));
            site.Property(s => s.Links).HasColumnType("text[]");
            site.Property(s => s.Version).IsRowVersion();
        });

        model.Entity<ContentItem>(item =>
        {
            item.HasKey(i => i.Id);
            item.HasIndex(i => new { i.SiteId, i.Slug }).IsUnique();
            item.HasIndex(i => new { i.SiteId, i.Status, i.PublishedAt });
            item.HasOne<Site>().WithMany().HasForeignKey(i => i.SiteId);
            item.Property(i => i.Kind).HasConversion<string>().HasMaxLength(20);
            item.Property(i => i.Status).HasConversion<string>().HasMaxLength(20);
            item.Property(i => i.Slug).HasMaxLength(ContentItem.MaxSlugLength);
            item.Property(i => i.Title).HasMaxLength(ContentItem.MaxTitleLength);
            item.Property(i => i.Summary).HasMaxLength(ContentItem.MaxSummaryLength);
            item.Property(i => i.Region).HasMaxLength(64);
            item.Property(i => i.Sector).HasMaxLength(ContentItem.MaxFacetLength);
            item.Property(i => i.Theme).HasMaxLength(ContentItem.MaxFacetLength);
            item.Property(i => i.UpdatedBy).HasMaxLength(300);
            item.Property(i => i.Sheet).HasColumnType("jsonb").HasConversion(
                sheet => JsonSerializer.Serialize(sheet, Json), json => JsonSerializer.Deserialize<ExperienceSheet>(json, Json));
            item.Property(i => i.Version).IsRowVersion();
        });

        model.Entity<GuideVersion>(version =>
        {
            version.HasKey(v => v.Id);
            version.HasIndex(v => new { v.ItemId, v.Number }).IsUnique().HasFilter("number IS NOT NULL");
            version.HasIndex(v => new { v.State, v.ProposedAt });
            version.HasOne<ContentItem>().WithMany().HasForeignKey(v => v.ItemId);
            version.Property(v => v.Title).HasMaxLength(ContentItem.MaxTitleLength);
            version.Property(v => v.Summary).HasMaxLength(ContentItem.MaxSummaryLength);
            version.Property(v => v.Theme).HasMaxLength(ContentItem.MaxFacetLength);
            version.Property(v => v.State).HasConversion<string>().HasMaxLength(20);
            version.Property(v => v.ProposedBy).HasMaxLength(300);
            version.Property(v => v.ReviewedBy).HasMaxLength(300);
            version.Property(v => v.ReviewNote).HasMaxLength(2_000);
            version.Property(v => v.PublishedBy).HasMaxLength(300);
            version.Property(v => v.Version).IsRowVersion();
        });
    }
}

public sealed class PortalDesignTimeFactory : DesignTimeDbContextFactory<PortalDbContext>;
