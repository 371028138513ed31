using System.Net;
using System.Threading.Channels;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace Scop.Aspire.Notifications.Sending;

/// <summary>
/// Where the SMTP server is, from the connection string <c>mail</c>: <c>smtp://host:port</c> (STARTTLS when the
/// server offers it, or always with <c>RequireTls</c>) or <c>smtps://host:port</c> (TLS from the first byte), with
/// <c>user:password@</c> when the relay wants a login.
/// </summary>
public sealed record SmtpServer(string Host, int Port, SecureSocketOptions Security, NetworkCredential? Credentials)
{
    public static SmtpServer Parse(string connectionString, bool requireTls)
    {
        if (!Uri.TryCreate(connectionString, UriKind.Absolute, out var uri) || uri.Scheme is not ("smtp" or "smtps"))
        {
            throw new InvalidOperationException(
                $"The mail connection string must read smtp://host:port or smtps://host:port, not '{connectionString}'.");
        }

        var security = uri.Scheme == "smtps" ? SecureSocketOptions.SslOnConnect
            : requireTls ? SecureSocketOptions.StartTls
            : SecureSocketOptions.StartTlsWhenAvailable;
        var port = uri.IsDefaultPort || uri.Port <= 0 ? (uri.Scheme == "smtps" ? 465 : 25) : uri.Port;
        NetworkCredential? credentials = null;
        if (uri.UserInfo is { Length: > 0 } userInfo)
        {
            var parts = userInfo.Split(':', 2);
            credentials = new NetworkCredential(Uri.UnescapeDataString(parts[0]), parts.Length > 1 ? Uri.UnescapeDataString(parts[1]) : "");
        }

        return new SmtpServer(uri.Host, port, security, credentials);
    }
}

/// <summary>
/// Hands messages to the SMTP server over a few connections kept open (one message at a time on each), so a message
/// costs an SMTP exchange, not a connection and a greeting. A connection that fails is dropped; one the server closed
/// while idle, or closes with a 421 (relays take so many messages per connection), is replaced and the message sent
/// once more on a fresh one before the attempt counts as failed.
/// </summary>
public sealed class SmtpMailer(SmtpServer server, TimeSpan timeout) : IAsyncDisposable
{
    private readonly Channel<SmtpClient> idle = Channel.CreateUnbounded<SmtpClient>();

    /// <summary>Sends the message; returns the server's answer (its queue id) or throws with why it was not accepted.</summary>
    public async Task<string> SendAsync(MimeMessage message, CancellationToken ct)
    {
        var reused = idle.Reader.TryRead(out var client);
        try
        {
            var reply = await SendOnAsync(client ??= NewClient(), message, ct);
            idle.Writer.TryWrite(client);
            return reply;
        }
        catch (Exception e) when (reused && e is IOException or ServiceNotConnectedException or SmtpProtocolException
                                      or SmtpCommandException { StatusCode: SmtpStatusCode.ServiceNotAvailable })
        {
            // The server closed the idle connection, or closes it now (421: enough messages over this one, or idle too
            // long): one more try on a new one.
            Drop(client!);
            client = NewClient();
            try
            {
                var reply = await SendOnAsync(client, message, ct);
                idle.Writer.TryWrite(client);
                return reply;
            }
            catch
            {
                Drop(client);
                throw;
            }
        }
        catch
        {
            Drop(client!);
            throw;
        }
    }

    private async Task<string> SendOnAsync(SmtpClient client, MimeMessage message, CancellationToken ct)
    {
        if (!client.IsConnected)
        {
            await client.ConnectAsync(server.Host, server.Port, server.Security, ct);
            if (server.Credentials is { } credentials)
            {
                await client.AuthenticateAsync(credentials, ct);
            }
        }

        return await client.SendAsync(message, ct);
    }

    private SmtpClient NewClient() => new() { Timeout = (int)timeout.TotalMilliseconds };

    private static void Drop(SmtpClient client)
    {
        try
        {
            if (client.IsConnected)
            {
                client.Disconnect(quit: false);
            }
        }
        catch (Exception e) when (e is IOException or MailKit.ServiceNotConnectedException or OperationCanceledException)
        {
        }

        client.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        idle.Writer.TryComplete();
        while (idle.Reader.TryRead(out var client))
        {
            try
            {
                if (client.IsConnected)
                {
                    await client.DisconnectAsync(quit: true);
                }
            }
            catch (Exception e) when (e is IOException or ServiceNotConnectedException or SmtpProtocolException or SmtpCommandException)
            {
            }

            client.Dispose();
        }
    }
}
