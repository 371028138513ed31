using MimeKit;
using Scop.Aspire.Notifications.Sending;
using Scop.Aspire.Testing;

namespace Scop.Aspire.Notifications.Tests;

/// <summary>
/// Relays take so many messages over one connection, then answer 421 and close it (Exim after 1,000): the mailer keeps
/// its connections open, so it must open another and send the message again, not count an attempt as failed (each
/// one then waited 10 s for its retry). Here the local server closes after 3 messages.
/// </summary>
public sealed class SmtpMailerTests : IAsyncLifetime
{
    private readonly MailFixture mail = MailFixture.ClosingConnectionsAfter(3);

    public Task InitializeAsync() => mail.InitializeAsync();

    public Task DisposeAsync() => mail.DisposeAsync();

    [Fact]
    public async Task A_server_that_closes_the_connection_after_three_messages_still_gets_all_ten_at_the_first_attempt()
    {
        await using var mailer = new SmtpMailer(SmtpServer.Parse(mail.ConnectionString, requireTls: false), TimeSpan.FromSeconds(10));
        var to = $"camille.{Guid.NewGuid():N}@example.coop";
        for (var i = 1; i <= 10; i++)
        {
            var message = new MimeMessage { Subject = $"Message {i}", Body = new TextPart("plain") { Text = $"Message {i}" } };
            message.From.Add(MailboxAddress.Parse("ne-pas-repondre@les-scop.test"));
            message.To.Add(MailboxAddress.Parse(to));
            await mailer.SendAsync(message, CancellationToken.None); // throws when the server refuses it
        }

        var delivered = await Eventually.HoldsAsync(() => mail.MessagesToAsync(to), messages => messages.Count >= 10,
            "the ten messages in the mailbox");
        Assert.Equal(Enumerable.Range(1, 10).Select(i => $"Message {i}").Order(), delivered.Select(m => m.Subject).Order());
    }
}
