using System.Diagnostics;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Scop.Aspire.Contracts;

namespace Scop.Aspire.ServiceDefaults.Messaging;

public static class Outbox
{
    /// <summary>The serializer of event bodies in the outbox: web defaults, so they read like the APIs.</summary>
    public static readonly JsonSerializerOptions SerializerOptions = new(JsonSerializerDefaults.Web);

    private static long addedCount;

    /// <summary>
    /// Adds an integration event to the outbox of this unit of work: it is saved by the same
    /// <c>SaveChanges</c>, in the same transaction, as the state change it reports.
    /// </summary>
    /// <param name="aggregateId">Events with the same aggregate id are published in the order they were saved.</param>
    /// <param name="notBefore">Makes the row a durable timer: it is published at that moment, not before.</param>
    public static OutboxMessage AddIntegrationEvent<TEvent>(this DbContext db, TEvent @event, string? aggregateId,
        DateTimeOffset? notBefore = null)
        where TEvent : class, IIntegrationEvent
    {
        var activity = Activity.Current;
        var message = new OutboxMessage
        {
            Id = @event.EventId,
            AggregateId = aggregateId,
            MessageType = TypeName(typeof(TEvent)),
            Body = JsonSerializer.Serialize(@event, SerializerOptions),
            TraceParent = activity?.Id is { } id && activity.IdFormat == ActivityIdFormat.W3C ? id : null,
            TraceState = activity?.TraceStateString,
            CreatedAt = @event.OccurredAt,
            NotBefore = notBefore,
            AddedOrder = Interlocked.Increment(ref addedCount),
        };
        db.Set<OutboxMessage>().Add(message);
        return message;
    }

    /// <summary>"Namespace.Type, Assembly": enough for <see cref="Type.GetType(string)"/>, stable across versions.</summary>
    public static string TypeName(Type type) => $"{type.FullName}, {type.Assembly.GetName().Name}";
}

/// <summary>
/// Numbers new outbox rows in the order they were added. EF Core inserts rows in an order of its own, so when a unit
/// of work holds several, the database cannot be left to number them at insert time; a single row takes the
/// sequence's default at insert, saving a round trip. The relay is woken once the rows commit
/// (<see cref="Data.CommitWakeups"/>), not from here.
/// </summary>
internal sealed class OutboxSequencer : SaveChangesInterceptor
{
    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        if (eventData.Context is { } context && NewRows(context) is { Count: > 1 } rows)
        {
            Number(rows, context.Database.SqlQueryRaw<long>(NextValues, rows.Count).ToList());
        }

        return result;
    }

    public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData,
        InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is { } context && NewRows(context) is { Count: > 1 } rows)
        {
            Number(rows, await context.Database.SqlQueryRaw<long>(NextValues, rows.Count).ToListAsync(cancellationToken));
        }

        return result;
    }

    private const string NextValues =
        $"SELECT nextval('{MessagingModel.OutboxSequence}') AS \"Value\" FROM generate_series(1, {{0}})";

    private static List<OutboxMessage> NewRows(DbContext context) => context.ChangeTracker.Entries<OutboxMessage>()
        .Where(entry => entry.State == EntityState.Added && entry.Entity.Sequence == 0)
        .Select(entry => entry.Entity)
        .OrderBy(message => message.AddedOrder)
        .ToList();

    private static void Number(List<OutboxMessage> rows, List<long> values)
    {
        values.Sort();
        for (var i = 0; i < rows.Count; i++)
        {
            rows[i].Sequence = values[i];
        }
    }
}
