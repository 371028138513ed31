using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Scop.Aspire.Notifications.Domain;
using Scop.Aspire.ServiceDefaults.Data;
using Scop.Aspire.ServiceDefaults.Messaging;

namespace Scop.Aspire.Notifications.Data;

public sealed class NotificationsDbContext(DbContextOptions<NotificationsDbContext> options) : DbContext(options)
{
    /// <summary>The channel that wakes the e-mail worker when e-mails become due (<see cref="CommitWakeups"/>).</summary>
    public const string EmailsChannel = "notification_emails";

    public DbSet<Notification> Notifications => Set<Notification>();

    public DbSet<Recipient> Recipients => Set<Recipient>();

    public DbSet<PreferenceSet> Preferences => Set<PreferenceSet>();

    public DbSet<Erasure> Erasures => Set<Erasure>();

    protected override void OnModelCreating(ModelBuilder model)
    {
        model.AddPlatformTables();

        model.Entity<Notification>(notification =>
        {
            notification.HasKey(n => n.Id);
            notification.Ignore(n => n.IsSettled);
            notification.Ignore(n => n.MessageId);
            notification.Property(n => n.Kind).HasMaxLength(64);
            notification.Property(n => n.RecipientKind).HasConversion<string>().HasMaxLength(16);
            notification.Property(n => n.Subject).HasMaxLength(Notification.MaxSubjectLength);
            notification.Property(n => n.Body).HasMaxLength(8000);
            notification.Property(n => n.Links).HasColumnType("jsonb").HasConversion(Json<List<NotificationLink>>(), ListComparer<NotificationLink>());
            notification.Property(n => n.EmailStatus).HasConversion<string>().HasMaxLength(16);
            notification.Property(n => n.EmailTo).HasMaxLength(254);
            notification.Property(n => n.LastError).HasMaxLength(1000);
            // One notification per event, recipient and kind: a second consumer of the same event cannot add another.
            notification.HasIndex(n => new { n.SourceEventId, n.RecipientId, n.Kind }).IsUnique();
            // A person's inbox, newest first.
            notification.HasIndex(n => new { n.RecipientId, n.CreatedAt, n.Id }).IsDescending(false, true, true)
                .HasFilter("in_inbox").HasDatabaseName("ix_notifications_inbox");
            // E-mails to send, by the time they are due.
            notification.HasIndex(n => n.NextAttemptAt).HasFilter("email_status IN ('Pending', 'Retrying')")
                .HasDatabaseName("ix_notifications_due");
        });

        model.Entity<Recipient>(recipient =>
        {
            recipient.HasKey(r => r.PersonId);
            recipient.Property(r => r.Email).HasMaxLength(254);
            recipient.Property(r => r.RegionalUnion).HasMaxLength(64);
            recipient.HasIndex(r => r.CooperativeId);
        });

        model.Entity<Erasure>(erasure =>
        {
            erasure.HasKey(e => e.PersonDigest);
            erasure.Property(e => e.PersonDigest).HasMaxLength(32);
        });

        model.Entity<PreferenceSet>(preferences =>
        {
            preferences.ToTable("preferences");
            preferences.HasKey(p => p.PersonId);
            preferences.Property(p => p.Choices).HasColumnType("jsonb").HasConversion(Json<List<ChannelChoice>>(), ListComparer<ChannelChoice>());
            preferences.Property(p => p.Version).IsConcurrencyToken();
        });
    }

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    /// <summary>A list stored as a JSON document, compared by its content.</summary>
    private static ValueConverter<T, string> Json<T>()
        where T : class, new() =>
        new(value => JsonSerializer.Serialize(value, JsonOptions), text => JsonSerializer.Deserialize<T>(text, JsonOptions) ?? new T());

    private static ValueComparer<List<T>> ListComparer<T>() => new(
        (a, b) => a!.SequenceEqual(b!),
        list => list.Aggregate(0, (hash, item) => HashCode.Combine(hash, item!.GetHashCode())),
        list => list.ToList());
}

public sealed class NotificationsDesignTimeFactory : DesignTimeDbContextFactory<NotificationsDbContext>;
