using Microsoft.EntityFrameworkCore;
using Scop.Aspire.ServiceDefaults.Http;

namespace Scop.Aspire.ServiceDefaults.Messaging;

/// <summary>The platform's tables every service database carries: outbox, inbox and idempotency keys.</summary>
public static class MessagingModel
{
    public const string OutboxTable = "outbox_messages";
    public const string InboxTable = "inbox_messages";
    public const string IdempotencyTable = "idempotency_keys";

    /// <summary>The LISTEN/NOTIFY channel the relay wakes on.</summary>
    public const string OutboxChannel = "outbox_messages";

    /// <summary>The database sequence that numbers outbox rows in publication order.</summary>
    public const string OutboxSequence = "outbox_message_sequence";

    /// <summary>
    /// The insert trigger that once woke the relay, kept for the migrations that created and then dropped it. A NOTIFY
    /// inside the writing transaction serialises the commits of the whole server (see
    /// <see cref="Data.CommitWakeups"/>, which wakes the relay now).
    /// </summary>
    public const string CreateOutboxNotifyTrigger = $"""
        CREATE OR REPLACE FUNCTION notify_outbox_messages() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            NOTIFY {OutboxChannel};
            RETURN NULL;
        END $$;
        DROP TRIGGER IF EXISTS outbox_messages_notify ON {OutboxTable};
        CREATE TRIGGER outbox_messages_notify AFTER INSERT ON {OutboxTable}
            FOR EACH ROW WHEN (NEW.not_before IS NULL OR NEW.not_before <= now())
            EXECUTE FUNCTION notify_outbox_messages();
        """;

    public const string DropOutboxNotifyTrigger = $"""
        DROP TRIGGER IF EXISTS outbox_messages_notify ON {OutboxTable};
        DROP FUNCTION IF EXISTS notify_outbox_messages();
        """;

    public static ModelBuilder AddPlatformTables(this ModelBuilder model)
    {
        model.HasSequence<long>(OutboxSequence);
        model.Entity<OutboxMessage>(outbox =>
        {
            outbox.Ignore(m => m.AddedOrder);
            outbox.ToTable(OutboxTable);
            outbox.HasKey(m => m.Id);
            outbox.Property(m => m.Sequence).UseSequence(OutboxSequence);
            outbox.Property(m => m.AggregateId).HasMaxLength(200);
            outbox.Property(m => m.MessageType).HasMaxLength(500);
            outbox.Property(m => m.Body).HasColumnType("jsonb");
            outbox.Property(m => m.TraceParent).HasMaxLength(100);
            outbox.Property(m => m.TraceState).HasMaxLength(500);
            // Events to publish now, in order; timers are indexed by their moment, so waiting timers (thousands of
            // seat holds, offers, grace checks) cost the relay nothing until they fall due.
            outbox.HasIndex(m => m.Sequence).HasFilter("sent_at IS NULL AND not_before IS NULL")
                .HasDatabaseName("ix_outbox_messages_pending");
            outbox.HasIndex(m => m.NotBefore).HasFilter("sent_at IS NULL AND not_before IS NOT NULL")
                .HasDatabaseName("ix_outbox_messages_timers");
            outbox.HasIndex(m => new { m.AggregateId, m.Sequence }).HasFilter("sent_at IS NULL")
                .HasDatabaseName("ix_outbox_messages_pending_by_aggregate");
            outbox.HasIndex(m => m.SentAt).HasFilter("sent_at IS NOT NULL");
        });

        model.Entity<InboxMessage>(inbox =>
        {
            inbox.ToTable(InboxTable);
            inbox.HasKey(m => new { m.Consumer, m.MessageId });
            inbox.Property(m => m.Consumer).HasMaxLength(300);
            inbox.Property(m => m.TraceId).HasMaxLength(32);
        });

        model.Entity<IdempotencyRecord>(key =>
        {
            key.ToTable(IdempotencyTable);
            key.HasKey(k => new { k.Caller, k.Target, k.Key });
            key.Property(k => k.Caller).HasMaxLength(IdempotencyRecord.MaxCallerLength);
            key.Property(k => k.Target).HasMaxLength(IdempotencyRecord.MaxTargetLength);
            key.Property(k => k.Key).HasMaxLength(IdempotencyRecord.MaxKeyLength);
            key.HasIndex(k => k.CreatedAt); // the expiry's purge
            key.Property(k => k.RequestHash).HasMaxLength(64);
            key.Property(k => k.Location).HasMaxLength(500);
            key.Property(k => k.Body).HasColumnType("jsonb");
        });

        return model;
    }
}
