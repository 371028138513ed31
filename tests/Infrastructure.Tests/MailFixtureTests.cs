using System.Net.Sockets;
using MailKit.Net.Smtp;
using MimeKit;
using Scop.Aspire.Testing;

namespace Scop.Aspire.Infrastructure.Tests;

/// <summary>The mail server fixture: it accepts any message over SMTP, keeps it where tests read it, across a restart.</summary>
public sealed class MailFixtureTests(MailFixture mail) : IClassFixture<MailFixture>
{
    [Fact]
    public async Task A_message_sent_over_smtp_is_read_back_whole_and_survives_a_restart()
    {
        await mail.StartAsync();
        var to = $"p{Guid.NewGuid():N}@example.coop";
        await SendAsync(to, "Bienvenue à la journée d'accueil", "Rendez-vous le 4 mars à Lyon.");

        var received = Assert.Single(await Eventually(() => mail.MessagesToAsync(to)));
        Assert.Equal("Bienvenue à la journée d'accueil", received.Subject);
        Assert.Contains("Rendez-vous le 4 mars à Lyon.", received.TextBody);

        await mail.RestartAsync();
        Assert.Single(await mail.MessagesToAsync(to));

        await mail.StopAsync();
        await Assert.ThrowsAnyAsync<SocketException>(() => SendAsync(to, "Perdu", "Le serveur est arrêté."));

        await mail.StartAsync();
        await SendAsync(to, "Deuxième message", "Après le redémarrage.");
        Assert.Equal(2, (await Eventually(() => mail.MessagesToAsync(to), count: 2)).Count);
    }

    private async Task SendAsync(string to, string subject, string text)
    {
        var address = new Uri(mail.ConnectionString);
        using var client = new SmtpClient();
        await client.ConnectAsync(address.Host, address.Port, MailKit.Security.SecureSocketOptions.None);
        var message = new MimeMessage { Subject = subject, Body = new TextPart("plain") { Text = text } };
        message.From.Add(MailboxAddress.Parse("ne-pas-repondre@les-scop.coop"));
        message.To.Add(MailboxAddress.Parse(to));
        await client.SendAsync(message);
        await client.DisconnectAsync(true);
    }

    /// <summary>Delivery follows acceptance by a few milliseconds: polls until the messages are there (at most 10 s).</summary>
    private static async Task<IReadOnlyList<MimeMessage>> Eventually(Func<Task<IReadOnlyList<MimeMessage>>> read, int count = 1)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var messages = await read();
            if (messages.Count >= count || DateTime.UtcNow > deadline)
            {
                return messages;
            }

            await Task.Delay(50);
        }
    }
}
