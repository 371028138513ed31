using System.Net;
using System.Text;
using MimeKit;
using Scop.Aspire.Notifications.Domain;

namespace Scop.Aspire.Notifications.Sending;

/// <summary>
/// A notification as an e-mail: plain text and HTML from the same words, its links spelt out in the text part, a
/// Message-ID that is the same on every attempt, and headers that name the notification, its kind and its event.
/// </summary>
public static class EmailMessages
{
    public const string NotificationHeader = "X-Scop-Notification";
    public const string KindHeader = "X-Scop-Kind";
    public const string EventHeader = "X-Scop-Event";

    public static MimeMessage Build(Notification notification, string from, string to, DateTimeOffset now)
    {
        var message = new MimeMessage
        {
            Subject = notification.Subject,
            MessageId = notification.MessageId,
            Date = now,
        };
        message.From.Add(MailboxAddress.Parse(from));
        message.To.Add(MailboxAddress.Parse(to));
        message.Headers.Add(NotificationHeader, notification.Id.ToString());
        message.Headers.Add(KindHeader, notification.Kind);
        message.Headers.Add(EventHeader, notification.SourceEventId.ToString());
        // Automatic mail: no out-of-office answers (RFC 3834).
        message.Headers.Add("Auto-Submitted", "auto-generated");

        var text = new StringBuilder(notification.Body).Append("\n\n");
        foreach (var link in notification.Links)
        {
            text.Append(link.Label).Append(" : ").Append(link.Href).Append('\n');
        }

        var html = new StringBuilder("<!DOCTYPE html><html lang=\"fr\"><body>");
        foreach (var paragraph in notification.Body.Split("\n\n"))
        {
            html.Append("<p>").Append(WebUtility.HtmlEncode(paragraph).Replace("\n", "<br>", StringComparison.Ordinal)).Append("</p>");
        }

        html.Append("<ul>");
        foreach (var link in notification.Links)
        {
            html.Append("<li><a href=\"").Append(WebUtility.HtmlEncode(link.Href)).Append("\">")
                .Append(WebUtility.HtmlEncode(link.Label)).Append("</a></li>");
        }

        html.Append("</ul></body></html>");
        message.Body = new BodyBuilder { TextBody = text.ToString(), HtmlBody = html.ToString() }.ToMessageBody();
        return message;
    }
}
