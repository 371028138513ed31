using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Scop.Aspire.Notifications.Data;
using Scop.Aspire.Notifications.Domain;
using Scop.Aspire.ServiceDefaults.Data;
using Scop.Aspire.ServiceDefaults.Http;
using Scop.Aspire.ServiceDefaults.Security;

namespace Scop.Aspire.Notifications.Features.Notifications;

/// <summary>
/// For confederation staff: every notification with the state of its e-mail (pending, retrying, sent, failed, skipped),
/// filtered by recipient, kind, status or event, newest first; and sending a failed one again. The partner banks'
/// notifications are found here by their partner id.
/// </summary>
public static class Deliveries
{
    public sealed record DeliveryItem(Guid Id, string Kind, Guid SourceEventId, string RecipientKind, Guid RecipientId,
        string Subject, bool InInbox, DateTimeOffset? ReadAt, string EmailStatus, int EmailAttempts,
        DateTimeOffset? NextAttemptAt, string? LastError, DateTimeOffset OccurredAt, DateTimeOffset CreatedAt, DateTimeOffset? SentAt);

    public static IEndpointRouteBuilder MapDeliveries(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/notifications/notifications").WithTags("Deliveries")
            .RequireAuthorization(PlatformPolicies.Staff);
        group.MapGet("/", ListAsync).WithName("ListNotifications")
            .WithSummary("Notifications and the state of their e-mails, newest first")
            .WithDescription("Filters: recipientId (a person or a partner), kind, status (pending, retrying, sent, failed, skipped), eventId.");
        group.MapPost("/{id:guid}/retry", RetryAsync).WithName("RetryNotificationEmail")
            .WithSummary("Send a failed e-mail again, now");
        return app;
    }

    public static async Task<Results<Ok<PagedList<DeliveryItem>>, ValidationProblem>> ListAsync(NotificationsDbContext db,
        CancellationToken ct, Guid? recipientId = null, string? kind = null, string? status = null, Guid? eventId = null,
        int? page = null, int? pageSize = null)
    {
        var (paging, problem) = PageRequest.From(page, pageSize);
        if (problem is not null)
        {
            return problem;
        }

        var query = db.Notifications.AsNoTracking();
        if (kind is not null)
        {
            if (!NotificationKinds.All.Contains(kind))
            {
                return JsonBody.Invalid("kind", $"One of {string.Join(", ", NotificationKinds.All)}.");
            }

            query = query.Where(n => n.Kind == kind);
        }

        if (status is not null)
        {
            if (!Enum.TryParse<EmailStatus>(status, ignoreCase: true, out var parsed) || status.Any(char.IsDigit))
            {
                return JsonBody.Invalid("status", "One of pending, retrying, sent, failed, skipped.");
            }

            query = query.Where(n => n.EmailStatus == parsed);
        }

        if (recipientId is { } recipient)
        {
            query = query.Where(n => n.RecipientId == recipient);
        }

        if (eventId is { } source)
        {
            query = query.Where(n => n.SourceEventId == source);
        }

        var total = await query.LongCountAsync(ct);
        var rows = await query.OrderByDescending(n => n.CreatedAt).ThenByDescending(n => n.Id)
            .Skip(paging.Skip).Take(paging.PageSize).ToListAsync(ct);
        return TypedResults.Ok(new PagedList<DeliveryItem>(rows.Select(ToItem).ToList(), paging.Page, paging.PageSize, total));
    }

    public static async Task<Results<Ok<DeliveryItem>, ProblemHttpResult>> RetryAsync(Guid id, NotificationsDbContext db,
        CommitWakeups wakeups, TimeProvider time, CancellationToken ct)
    {
        var notification = await db.Notifications.SingleOrDefaultAsync(n => n.Id == id, ct);
        if (notification is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Notification not found",
                detail: $"No notification has the id {id}.");
        }

        if (notification.EmailStatus != EmailStatus.Failed)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Not failed",
                detail: $"Only a failed e-mail is sent again; this one is {notification.EmailStatus.ToString().ToLowerInvariant()}.");
        }

        notification.EmailStatus = EmailStatus.Pending;
        notification.EmailAttempts = 0;
        notification.NextAttemptAt = time.GetUtcNow();
        await db.SaveChangesAsync(ct);
        wakeups.Committed(NotificationsDbContext.EmailsChannel);
        return TypedResults.Ok(ToItem(notification));
    }

    private static DeliveryItem ToItem(Notification n) => new(n.Id, n.Kind, n.SourceEventId,
        n.RecipientKind.ToString().ToLowerInvariant(), n.RecipientId, n.Subject, n.InInbox, n.ReadAt,
        n.EmailStatus.ToString().ToLowerInvariant(), n.EmailAttempts, n.NextAttemptAt, n.LastError, n.OccurredAt, n.CreatedAt, n.SentAt);
}
