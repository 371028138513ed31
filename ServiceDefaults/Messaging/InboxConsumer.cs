using System.Diagnostics;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace Scop.Aspire.ServiceDefaults.Messaging;

/// <summary>
/// A consumer whose effect is applied exactly once: the inbox row <c>(consumer, message id)</c> and the effect commit
/// in one transaction. A redelivered message finds its row and changes nothing; two concurrent deliveries of one
/// message serialise on the row's primary key.
/// </summary>
public abstract class InboxConsumer<TMessage, TDbContext>(TDbContext db, TimeProvider time) : IConsumer<TMessage>
    where TMessage : class
    where TDbContext : DbContext
{
    protected TDbContext Db { get; } = db;

    protected TimeProvider Time { get; } = time;

    /// <summary>The name the inbox records; stable across deployments.</summary>
    protected virtual string ConsumerName => GetType().FullName!;

    public async Task Consume(ConsumeContext<TMessage> context)
    {
        var messageId = context.MessageId
            ?? throw new InvalidOperationException($"{typeof(TMessage).Name} arrived without a message id");
        var ct = context.CancellationToken;

        Db.ChangeTracker.Clear(); // a retried attempt starts from a clean unit of work
        Db.Database.AutoSavepointsEnabled = false; // all or nothing: a savepoint per SaveChanges would only cost round trips
        await using var transaction = await Db.Database.BeginTransactionAsync(ct);
        var traceId = Activity.Current?.TraceId.ToString();
        var firstTime = await Db.Database.ExecuteSqlAsync(
            $"""
            INSERT INTO inbox_messages (consumer, message_id, processed_at, trace_id)
            VALUES ({ConsumerName}, {messageId}, {Time.GetUtcNow()}, {traceId})
            ON CONFLICT DO NOTHING
            """, ct);
        if (firstTime == 0)
        {
            return; // applied before: the transaction rolls back with nothing in it
        }

        await HandleAsync(context, ct);
        await Db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        await AfterCommitAsync(context, ct);
    }

    /// <summary>
    /// What follows the committed effect outside the database (dropping cached pages it changed); runs once per message,
    /// after the commit. A failure here leaves the effect applied and the message retried, which finds its inbox row.
    /// </summary>
    protected virtual Task AfterCommitAsync(ConsumeContext<TMessage> context, CancellationToken ct) => Task.CompletedTask;

    /// <summary>Applies the message to <see cref="Db"/>; the base class saves and commits.</summary>
    protected abstract Task HandleAsync(ConsumeContext<TMessage> context, CancellationToken ct);
}
