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
        var applied = await Inbox.ApplyAsync(Db, ConsumerName, Time, [context],
            (fresh, ct) => Inbox.ApplyEachAsync(Db, fresh, HandleAsync, underSentTraces: false, ct), context.CancellationToken);
        if (applied.Count == 1)
        {
            await AfterCommitAsync(context, context.CancellationToken);
        }
    }

    /// <summary>
    /// What follows the committed effect outside the database (dropping cached pages it changed); runs once per message,
    /// after the commit. A failure here leaves the effect applied and the message retried, which finds its inbox row.
    /// </summary>
    protected virtual Task AfterCommitAsync(ConsumeContext<TMessage> context, CancellationToken ct) => Task.CompletedTask;

    /// <summary>Applies the message to <see cref="Db"/>; the base class saves and commits.</summary>
    protected abstract Task HandleAsync(ConsumeContext<TMessage> context, CancellationToken ct);
}

/// <summary>
/// An <see cref="InboxConsumer{TMessage,TDbContext}"/> for an event that comes by the hundred a second (a cooperative
/// joining): the messages waiting in its queue are applied together, up to <see cref="InboxBatchLimits.MaxBatchSize"/> of them, in one
/// transaction with one inbox insert, instead of a transaction each. A message does not wait more than
/// <see cref="InboxBatchLimits.BatchWindow"/> for others. Exactly once as before: a batch's inbox rows and effects commit together, and a
/// failed batch rolls back whole and its messages are retried, each finding its row if it was applied meanwhile.
/// Messages of a batch are applied in the order they arrived, each saved before the next, so a message sees the
/// effects of the earlier ones — unless the consumer applies the batch as a set (<see cref="ApplyAsync"/>). A pack the relay
/// published (<see cref="Pack{TMessage}"/>) is one such batch.
/// </summary>
public abstract class InboxBatchConsumer<TMessage, TDbContext>(TDbContext db, TimeProvider time)
    : IConsumer<Batch<TMessage>>, IConsumer<Pack<TMessage>>
    where TMessage : class
    where TDbContext : DbContext
{
    protected TDbContext Db { get; } = db;

    protected TimeProvider Time { get; } = time;

    /// <summary>The name the inbox records; stable across deployments.</summary>
    protected virtual string ConsumerName => GetType().FullName!;

    public Task Consume(ConsumeContext<Batch<TMessage>> context) =>
        ApplyBatchAsync([.. context.Message], context.CancellationToken);

    /// <summary>
    /// Events the relay published together (<see cref="Contracts.PublishedInPacksAttribute"/>): one batch, each event
    /// with its own message id in the inbox, so a pack delivered again, or an event also come alone, changes nothing.
    /// </summary>
    public Task Consume(ConsumeContext<Pack<TMessage>> context) =>
        ApplyBatchAsync([.. context.Message.Events.Select(packed => new PackedEventContext<TMessage>(context, packed))],
            context.CancellationToken);

    private async Task ApplyBatchAsync(IReadOnlyList<ConsumeContext<TMessage>> messages, CancellationToken ct)
    {
        var applied = await Inbox.ApplyAsync(Db, ConsumerName, Time, messages, ApplyAsync, ct);
        if (applied.Count > 0)
        {
            await AfterCommitAsync(applied, ct);
        }
    }

    /// <summary>
    /// Applies the messages of the batch seen for the first time, in the order they arrived; the base class commits.
    /// By default one at a time (<see cref="ApplyEachAsync"/>). A consumer whose messages mostly make new rows overrides
    /// it to write those with one statement per table for the whole batch, and hands the others to
    /// <see cref="ApplyEachAsync"/>: each statement is a round trip, and the round trips were most of a consumer's cost.
    /// Statements made here run under the batch's activity; a row that keeps the trace of the request behind a message
    /// takes it from <see cref="SentTrace"/>.
    /// </summary>
    protected virtual Task ApplyAsync(IReadOnlyList<ConsumeContext<TMessage>> fresh, CancellationToken ct) =>
        ApplyEachAsync(fresh, ct);

    /// <summary>
    /// Applies <paramref name="messages"/> one at a time with <see cref="HandleAsync"/>, each under the trace it was
    /// sent with and saved before the next.
    /// </summary>
    protected Task ApplyEachAsync(IReadOnlyList<ConsumeContext<TMessage>> messages, CancellationToken ct) =>
        Inbox.ApplyEachAsync(Db, messages, HandleAsync, underSentTraces: true, ct);

    /// <summary>
    /// What follows the committed effects outside the database, once per batch with the messages it applied (not those
    /// applied before). A failure here leaves the effects applied and the messages retried, which find their inbox rows.
    /// </summary>
    protected virtual Task AfterCommitAsync(IReadOnlyList<ConsumeContext<TMessage>> applied, CancellationToken ct) =>
        Task.CompletedTask;

    /// <summary>Applies one message to <see cref="Db"/>; the base class saves after it and commits the batch.</summary>
    protected abstract Task HandleAsync(ConsumeContext<TMessage> context, CancellationToken ct);
}

/// <summary>The trace a message was sent under, as MassTransit sent it (header <c>MT-Activity-Id</c>).</summary>
public static class SentTrace
{
    /// <summary>The header MassTransit sends a message with: the W3C id of the activity that sent it.</summary>
    private const string Header = "MT-Activity-Id";

    /// <summary>The W3C <c>traceparent</c> of the activity that sent <paramref name="context"/>'s message, if it came with one.</summary>
    public static string? ParentOf(ConsumeContext context) =>
        SentUnder(context) is { } sent && ActivityContext.TryParse(sent, null, out _) ? sent : null;

    /// <summary>
    /// An event that came alone was sent under the relay's publish, a child of the request's trace; one that came in a
    /// pack carries the request's trace itself, since the pack's publish belongs to no one request.
    /// </summary>
    private static string? SentUnder(ConsumeContext context) =>
        context is IPackedEventContext packed ? packed.SentTraceParent : context.Headers.Get<string>(Header);

    /// <summary>
    /// A batch runs under one activity of MassTransit's own; a message of it is applied under an activity of its own, a
    /// child of the one it was sent under. So its statements show in the trace of the request that caused it, and what it
    /// keeps of <see cref="Activity.Current"/> (the feed's trace id, the webhooks' traceparent, an outbox row's trace) is
    /// that request's. An activity nobody records is still made, so that <see cref="Activity.Current"/> is right. Null
    /// when the message came without a trace.
    /// </summary>
    public static Activity? StartApplying<TMessage>(ConsumeContext<TMessage> context)
        where TMessage : class
    {
        if (ParentOf(context) is not { } sentUnder)
        {
            return null;
        }

        var name = $"apply {typeof(TMessage).Name}";
        return MessagingTelemetry.ActivitySource.StartActivity(name, ActivityKind.Consumer, sentUnder)
            ?? new Activity(name).SetParentId(sentUnder).Start();
    }

    /// <summary>The trace id the message was sent under, if it came with one.</summary>
    public static string? TraceIdOf(ConsumeContext context) =>
        SentUnder(context) is { } sent && ActivityContext.TryParse(sent, null, out var parent)
            ? parent.TraceId.ToString()
            : null;
}

/// <summary>The limits of an <see cref="InboxBatchConsumer{TMessage,TDbContext}"/>'s batches.</summary>
public static class InboxBatchLimits
{
    /// <summary>At most this many messages a transaction.</summary>
    public const int MaxBatchSize = 100;

    /// <summary>How long the first message of a batch waits for others: well inside the event latency's budget.</summary>
    public static readonly TimeSpan BatchWindow = TimeSpan.FromMilliseconds(10);

    /// <summary>
    /// Batches applied side by side in one process. A batch waits on the database at each message's statements: one at
    /// a time, 20 s of registrations at full speed left the consumers 35 s behind; four at a time, 25 s.
    /// </summary>
    public const int ConcurrentBatches = 4;
}

/// <summary>The inbox transaction both consumers share.</summary>
internal static class Inbox
{
    /// <summary>
    /// In one transaction: records every message in the inbox, applies those recorded for the first time in their
    /// order with <paramref name="applyFresh"/>, and commits. Returns the messages applied.
    /// </summary>
    public static async Task<IReadOnlyList<ConsumeContext<TMessage>>> ApplyAsync<TMessage>(DbContext db, string consumer,
        TimeProvider time, IReadOnlyList<ConsumeContext<TMessage>> messages,
        Func<IReadOnlyList<ConsumeContext<TMessage>>, CancellationToken, Task> applyFresh, CancellationToken ct)
        where TMessage : class
    {
        var ids = new Guid[messages.Count];
        var traceIds = new string?[messages.Count];
        for (var i = 0; i < messages.Count; i++)
        {
            ids[i] = messages[i].MessageId
                ?? throw new InvalidOperationException($"{typeof(TMessage).Name} arrived without a message id");
            // A batch runs under one activity of MassTransit's own, so each message's trace is the one it was sent
            // under; a single message is consumed under its own trace.
            traceIds[i] = SentTrace.TraceIdOf(messages[i])
                ?? (messages.Count == 1 ? Activity.Current?.TraceId.ToString() : null);
        }

        db.ChangeTracker.Clear(); // a retried attempt starts from a clean unit of work
        db.Database.AutoSavepointsEnabled = false; // all or nothing: a savepoint per SaveChanges would only cost round trips
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var firstTime = (await db.Database.SqlQuery<Guid>(
            $"""
            INSERT INTO inbox_messages (consumer, message_id, processed_at, trace_id)
            SELECT {consumer}, m.id, {time.GetUtcNow()}, m.trace_id FROM unnest({ids}, {traceIds}) AS m(id, trace_id)
            ON CONFLICT DO NOTHING
            RETURNING message_id AS "Value"
            """).ToListAsync(ct)).ToHashSet();
        if (firstTime.Count == 0)
        {
            return []; // all applied before: the transaction rolls back with nothing in it
        }

        var fresh = new List<ConsumeContext<TMessage>>(firstTime.Count);
        for (var i = 0; i < messages.Count; i++)
        {
            if (firstTime.Remove(ids[i])) // a message twice in one batch is applied once
            {
                fresh.Add(messages[i]);
            }
        }

        await applyFresh(fresh, ct);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return fresh;
    }

    /// <summary>
    /// Applies <paramref name="messages"/> one at a time with <paramref name="handle"/>, saving after each; a batch's
    /// messages <paramref name="underSentTraces"/> (a single message is consumed under its own trace already).
    /// </summary>
    public static async Task ApplyEachAsync<TMessage>(DbContext db, IReadOnlyList<ConsumeContext<TMessage>> messages,
        Func<ConsumeContext<TMessage>, CancellationToken, Task> handle, bool underSentTraces, CancellationToken ct)
        where TMessage : class
    {
        foreach (var message in messages)
        {
            using var underItsTrace = underSentTraces ? SentTrace.StartApplying(message) : null;
            await handle(message, ct);
            await db.SaveChangesAsync(ct);
            // Saved, so let go: every SaveChanges scans what is tracked, and a batch's earlier entities kept made
            // each message dearer than the last (the change detector led the portal's profile).
            db.ChangeTracker.Clear();
        }
    }
}
