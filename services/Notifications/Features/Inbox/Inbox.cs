using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Scop.Aspire.Notifications.Data;
using Scop.Aspire.Notifications.Domain;
using Scop.Aspire.ServiceDefaults.Http;
using Scop.Aspire.ServiceDefaults.Security;

namespace Scop.Aspire.Notifications.Features.Inbox;

/// <summary>
/// The signed-in person's inbox (<c>/api/notifications/me/notifications</c>): their notifications newest first, paged
/// by cursor, one by one, marked read one at a time or all at once, and the count of those unread. "Me" is the token's
/// <c>person_id</c>; a token without one has an empty inbox.
/// </summary>
public static class Inbox
{
    public const int DefaultLimit = 20;
    public const int MaxLimit = 100;

    public sealed record InboxItem(Guid Id, string Kind, string Subject, string Body, IReadOnlyList<NotificationLink> Links,
        DateTimeOffset OccurredAt, DateTimeOffset CreatedAt, DateTimeOffset? ReadAt);

    public sealed record InboxPage(IReadOnlyList<InboxItem> Items, string? NextCursor);

    public sealed record UnreadCount(int Unread);

    public sealed record MarkedRead(int Marked);

    public static IEndpointRouteBuilder MapInbox(this IEndpointRouteBuilder app)
    {
        var me = app.MapGroup("/api/notifications/me/notifications").WithTags("Inbox")
            .RequireAuthorization(PlatformPolicies.Person);
        me.MapGet("/", ListAsync).WithName("ListMyNotifications").WithSummary("My notifications, newest first")
            .WithDescription("Pass the previous page's nextCursor as 'before' to read on; unread=true keeps the unread ones.");
        me.MapGet("/unread-count", UnreadAsync).WithName("CountMyUnreadNotifications").WithSummary("How many of my notifications are unread");
        me.MapGet("/{id:guid}", GetAsync).WithName("GetMyNotification").WithSummary("One of my notifications");
        me.MapPost("/{id:guid}/read", MarkReadAsync).WithName("MarkMyNotificationRead").WithSummary("Mark one of my notifications read");
        me.MapPost("/read-all", MarkAllReadAsync).WithName("MarkAllMyNotificationsRead").WithSummary("Mark every one of my notifications read");
        return app;
    }

    public static async Task<Results<Ok<InboxPage>, ValidationProblem>> ListAsync(ClaimsPrincipal user,
        NotificationsDbContext db, CancellationToken ct, int? limit = null, string? before = null, bool? unread = null)
    {
        var size = limit ?? DefaultLimit;
        if (size is < 1 or > MaxLimit)
        {
            return JsonBody.Invalid("limit", $"Between 1 and {MaxLimit}.");
        }

        var query = Mine(db, user);
        if (before is not null)
        {
            if (!MomentCursor.TryDecode(before, out var after))
            {
                return JsonBody.Invalid("before", "Not a cursor this inbox gave out.");
            }

            var (createdAt, id) = (after.At, after.Id);
            query = query.Where(n => n.CreatedAt < createdAt || (n.CreatedAt == createdAt && n.Id.CompareTo(id) < 0));
        }

        if (unread == true)
        {
            query = query.Where(n => n.ReadAt == null);
        }

        var rows = await query.OrderByDescending(n => n.CreatedAt).ThenByDescending(n => n.Id).Take(size + 1).ToListAsync(ct);
        var page = rows.Take(size).Select(ToItem).ToList();
        return TypedResults.Ok(new InboxPage(page, rows.Count > size ? new MomentCursor(rows[size - 1].CreatedAt, rows[size - 1].Id).Encode() : null));
    }

    public static async Task<Ok<UnreadCount>> UnreadAsync(ClaimsPrincipal user, NotificationsDbContext db, CancellationToken ct) =>
        TypedResults.Ok(new UnreadCount(await Mine(db, user).CountAsync(n => n.ReadAt == null, ct)));

    public static async Task<Results<Ok<InboxItem>, ProblemHttpResult>> GetAsync(Guid id, ClaimsPrincipal user,
        NotificationsDbContext db, CancellationToken ct) =>
        await Mine(db, user).SingleOrDefaultAsync(n => n.Id == id, ct) is { } notification
            ? TypedResults.Ok(ToItem(notification))
            : NotFound(id);

    public static async Task<Results<Ok<InboxItem>, ProblemHttpResult>> MarkReadAsync(Guid id, ClaimsPrincipal user,
        NotificationsDbContext db, TimeProvider time, CancellationToken ct)
    {
        var person = CallerScope.Of(user).Person;
        var notification = person is null
            ? null
            : await db.Notifications.SingleOrDefaultAsync(
                n => n.Id == id && n.RecipientKind == RecipientKind.Person && n.RecipientId == person && n.InInbox, ct);
        if (notification is null)
        {
            return NotFound(id);
        }

        if (notification.ReadAt is null)
        {
            notification.ReadAt = time.GetUtcNow();
            await db.SaveChangesAsync(ct);
        }

        return TypedResults.Ok(ToItem(notification));
    }

    public static async Task<Ok<MarkedRead>> MarkAllReadAsync(ClaimsPrincipal user, NotificationsDbContext db, TimeProvider time,
        CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var marked = await Mine(db, user).Where(n => n.ReadAt == null)
            .ExecuteUpdateAsync(set => set.SetProperty(n => n.ReadAt, now), ct);
        return TypedResults.Ok(new MarkedRead(marked));
    }

    /// <summary>The caller's inbox: the notifications of their <c>person_id</c> meant for the inbox; none without one.</summary>
    private static IQueryable<Notification> Mine(NotificationsDbContext db, ClaimsPrincipal user)
    {
        var person = CallerScope.Of(user).Person;
        return person is { } id
            ? db.Notifications.AsNoTracking().Where(n => n.RecipientKind == RecipientKind.Person && n.RecipientId == id && n.InInbox)
            : db.Notifications.AsNoTracking().Where(_ => false);
    }

    private static ProblemHttpResult NotFound(Guid id) => TypedResults.Problem(statusCode: StatusCodes.Status404NotFound,
        title: "Notification not found", detail: $"You have no notification with the id {id}.");

    private static InboxItem ToItem(Notification n) =>
        new(n.Id, n.Kind, n.Subject, n.Body, n.Links, n.OccurredAt, n.CreatedAt, n.ReadAt);
}
