using System.Diagnostics;
using System.Diagnostics.Metrics;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Scop.Aspire.Notifications.Data;
using Scop.Aspire.Notifications.Domain;

namespace Scop.Aspire.Notifications.Sending;

/// <summary>
/// Makes one attempt at one claimed e-mail and records what came of it: sent, retried after the schedule's next delay
/// (the SMTP server did not answer or refused for now, or the person's address is not known yet), failed when the
/// schedule is spent, or not to be sent (no address in the register).
/// </summary>
public sealed partial class EmailSender(
    IServiceScopeFactory scopes,
    SmtpMailer mailer,
    TimeProvider time,
    IOptions<NotificationsOptions> options,
    ILogger<EmailSender> logger)
{
    public static readonly ActivitySource ActivitySource = new("Scop.Aspire.Notifications");
    private static readonly Meter Meter = new("Scop.Aspire.Notifications");
    private static readonly Counter<long> Outcomes = Meter.CreateCounter<long>("scop.notifications.emails",
        description: "E-mail attempts, by outcome (sent, retrying, failed, skipped)");

    public async Task AttemptAsync(Guid notificationId, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<NotificationsDbContext>();
        var notification = await db.Notifications.SingleOrDefaultAsync(n => n.Id == notificationId, ct);
        if (notification is null || notification.IsSettled)
        {
            return; // erased meanwhile, or settled by another worker
        }

        var settings = options.Value;
        var address = notification.EmailTo;
        if (address is null)
        {
            var recipient = await db.Recipients.AsNoTracking().SingleOrDefaultAsync(r => r.PersonId == notification.RecipientId, ct);
            if (recipient is { Email: null })
            {
                notification.Skip("the register holds no e-mail address for the person");
                await SaveAsync(db, "skipped");
                return;
            }

            address = recipient?.Email;
        }

        if (address is null)
        {
            // The event came before the person's hire reached us: their hire makes it due again at once.
            notification.MarkFailedAttempt("the person's e-mail address is not known yet", time.GetUtcNow(), settings.RetryDelays);
            await SaveAsync(db, notification.EmailStatus == EmailStatus.Failed ? "failed" : "retrying");
            return;
        }

        using var activity = ActivitySource.StartActivity("smtp send", ActivityKind.Client);
        activity?.SetTag("scop.notification.id", notification.Id);
        activity?.SetTag("scop.notification.kind", notification.Kind);
        try
        {
            var message = EmailMessages.Build(notification, settings.From, address, time.GetUtcNow());
            await mailer.SendAsync(message, ct);
            notification.MarkSent(time.GetUtcNow());
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Shutting down: no attempt counted, the claim released for the next worker.
            await db.Notifications.Where(n => n.Id == notificationId)
                .ExecuteUpdateAsync(set => set.SetProperty(n => n.ClaimedUntil, (DateTimeOffset?)null), CancellationToken.None);
            throw;
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or SmtpCommandException
                                      or SmtpProtocolException or ServiceNotConnectedException or SslHandshakeException
                                      or AuthenticationException or OperationCanceledException or TimeoutException)
        {
            activity?.SetStatus(ActivityStatusCode.Error, e.Message);
            notification.MarkFailedAttempt($"{e.GetType().Name}: {e.Message}", time.GetUtcNow(), settings.RetryDelays);
            LogAttemptFailed(logger, notification.Id, notification.EmailAttempts, notification.NextAttemptAt, e.Message);
        }

        await SaveAsync(db, notification.EmailStatus.ToString().ToLowerInvariant());
    }

    private static async Task SaveAsync(NotificationsDbContext db, string outcome)
    {
        try
        {
            await db.SaveChangesAsync(CancellationToken.None);
            Outcomes.Add(1, new KeyValuePair<string, object?>("outcome", outcome));
        }
        catch (DbUpdateConcurrencyException)
        {
            // The notification was erased while its e-mail was on its way: nothing left to record.
        }
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "E-mail of notification {NotificationId} not accepted (attempt {Attempts}); next attempt at {NextAttemptAt}: {Error}")]
    private static partial void LogAttemptFailed(ILogger logger, Guid notificationId, int attempts, DateTimeOffset? nextAttemptAt, string error);
}
