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
        };
        db.Set<OutboxMessage>().Add(message);
        return message;
    }

    /// <summary>"Namespace.Type, Assembly": enough for <see cref="Type.GetType(string)"/>, stable across versions.</summary>
    public static string TypeName(Type type) => $"{type.FullName}, {type.Assembly.GetName().Name}";
}

/// <summary>
/// Wakes the relay as soon as outbox rows are saved. The NOTIFY runs after SaveChanges: inside an explicit
/// transaction PostgreSQL delivers it at commit, so the relay never wakes before the rows are visible.
/// One instance per DbContext (the options are built per context), hence the plain field.
/// </summary>
internal sealed class OutboxNotifier : SaveChangesInterceptor
{
    private bool notificationDue;

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData,
        InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        notificationDue |= eventData.Context?.ChangeTracker.Entries<OutboxMessage>()
            .Any(entry => entry.State == EntityState.Added) == true;
        return ValueTask.FromResult(result);
    }

    public override async ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result,
        CancellationToken cancellationToken = default)
    {
        if (notificationDue && eventData.Context is { } context)
        {
            notificationDue = false;
            await context.Database.ExecuteSqlRawAsync($"NOTIFY {MessagingModel.OutboxChannel}", cancellationToken);
        }

        return result;
    }
}
