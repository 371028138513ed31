using System.Net.Http.Json;
using Scop.Aspire.Contracts.Training;
using Scop.Aspire.Notifications.Tests.Support;
using Scop.Aspire.Testing;

namespace Scop.Aspire.Notifications.Tests;

/// <summary>
/// The SMTP server goes away: e-mails wait, retried on the back-off schedule (the clock is moved, never waited for),
/// and are delivered once it is back — each exactly once; when the schedule is spent the e-mail has failed, and staff
/// can send it again.
/// </summary>
[Collection(NotificationsServersCollection.Name)]
public sealed class DeliveryTests(NotificationsServers servers, NotificationsAppPerClass perClass)
    : NotificationsTestBase(servers, perClass), IClassFixture<NotificationsAppPerClass>
{
    /// <summary>The service's schedule (NotificationsOptions.RetryDelays).</summary>
    private static readonly TimeSpan[] Schedule =
    [
        TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(10),
        TimeSpan.FromMinutes(30), TimeSpan.FromHours(1), TimeSpan.FromHours(3), TimeSpan.FromHours(6),
        TimeSpan.FromHours(12), TimeSpan.FromHours(24),
    ];

    [Fact]
    public async Task An_smtp_outage_delays_the_emails_then_each_is_delivered_once()
    {
        var people = new[] { await App.HireAsync(), await App.HireAsync(), await App.HireAsync() };
        var offer = new WaitlistOfferMade(Guid.NewGuid(), App.Time.GetUtcNow(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(),
            3, App.Time.GetUtcNow().AddHours(48), [.. people.Select(p => p.Id)]);
        await Mail.StopAsync();
        try
        {
            await App.PublishAsync(offer);

            // Each e-mail tried once and put off by the schedule's first delay; the inbox has them already.
            var waiting = await Eventually.HoldsAsync(() => App.DeliveriesOfAsync(offer.EventId),
                d => d.Count == 3 && d.All(x => x.EmailStatus == "retrying" && x.EmailAttempts == 1), "three e-mails retrying");
            Assert.All(waiting, d => Assert.Equal(App.Time.GetUtcNow() + Schedule[0], d.NextAttemptAt));
            foreach (var person in people)
            {
                Assert.Single(await App.InboxAsync(person.Id));
            }

            // Still down at the second attempt: put off again, by the schedule's second delay.
            App.Advance(Schedule[0]);
            waiting = await Eventually.HoldsAsync(() => App.DeliveriesOfAsync(offer.EventId),
                d => d.All(x => x.EmailStatus == "retrying" && x.EmailAttempts == 2), "the second attempts");
            Assert.All(waiting, d => Assert.Equal(App.Time.GetUtcNow() + Schedule[1], d.NextAttemptAt));
        }
        finally
        {
            await Mail.StartAsync();
        }

        // The server is back, but nothing is sent before its time...
        App.Advance(Schedule[1] - TimeSpan.FromSeconds(1));
        await Eventually.HoldsAsync(() => App.DeliveriesOfAsync(offer.EventId), d => d.All(x => x.EmailStatus == "retrying"), "still waiting");
        foreach (var person in people)
        {
            Assert.Empty(await Mail.MessagesToAsync(person.Email!));
        }

        // ...and at it, once each.
        App.Advance(TimeSpan.FromSeconds(1));
        var sent = await App.SettledAsync(offer.EventId, "sent", count: 3);
        Assert.All(sent, d => Assert.Equal(3, d.EmailAttempts));
        foreach (var person in people)
        {
            var messages = await Eventually.HoldsAsync(() => Mail.MessagesToAsync(person.Email!), m => m.Count >= 1, "the e-mail after the outage");
            Assert.Single(messages);
        }
    }

    [Fact]
    public async Task When_the_schedule_is_spent_the_email_has_failed_and_staff_can_send_it_again()
    {
        var person = await App.HireAsync();
        var released = new BookingReleased(Guid.NewGuid(), App.Time.GetUtcNow(), Guid.NewGuid(), Guid.NewGuid(), "HoldExpired", [person.Id]);
        await Mail.StopAsync();
        try
        {
            await App.PublishAsync(released);
            for (var attempt = 1; attempt <= Schedule.Length; attempt++)
            {
                var made = attempt;
                await Eventually.HoldsAsync(() => App.DeliveriesOfAsync(released.EventId),
                    d => d.Count == 1 && d[0].EmailAttempts == made, $"attempt {made}");
                App.Advance(Schedule[attempt - 1]);
            }

            var failed = Assert.Single(await App.SettledAsync(released.EventId, "failed"));
            Assert.Equal(Schedule.Length + 1, failed.EmailAttempts);
            Assert.Null(failed.NextAttemptAt);
            Assert.NotNull(failed.LastError);
        }
        finally
        {
            await Mail.StartAsync();
        }

        using var staff = App.StaffClient();
        using var retry = await staff.PostAsync($"/api/notifications/notifications/{(await App.DeliveriesOfAsync(released.EventId))[0].Id}/retry", null);
        Assert.Equal(System.Net.HttpStatusCode.OK, retry.StatusCode);
        await App.SettledAsync(released.EventId, "sent");
        Assert.Single(await Eventually.HoldsAsync(() => Mail.MessagesToAsync(person.Email!), m => m.Count >= 1, "the e-mail sent again"));

        // A sent e-mail is not sent again.
        using var again = await staff.PostAsync($"/api/notifications/notifications/{(await App.DeliveriesOfAsync(released.EventId))[0].Id}/retry", null);
        Assert.Equal(System.Net.HttpStatusCode.Conflict, again.StatusCode);
        var problem = await again.Content.ReadFromJsonAsync<Dictionary<string, object>>();
        Assert.Contains("sent", problem!["detail"].ToString());
    }
}
