using Scop.Aspire.Training.Tests.Support;

namespace Scop.Aspire.Training.Tests;

/// <summary>Holds and waiting-list offers run out at their moment, on the service's (fake) clock, by durable timers.</summary>
[Collection(TrainingServersCollection.Name)]
public sealed class TimerTests(TrainingServers servers, TrainingAppPerClass perClass)
    : TrainingTestBase(servers, perClass), IClassFixture<TrainingAppPerClass>
{
    [Fact]
    public async Task An_expired_hold_releases_its_seats_and_the_waiting_entry_gets_an_offer_then_the_next_one()
    {
        var session = await App.CreateSessionAsync(Client, capacity: 2);
        var hold = (await (await TrainingApp.BookAsync(Client, session, await App.NewBookingAsync(2))).ExpectAsync(201)).GetProperty("id").GetGuid();
        var first = (await (await TrainingApp.BookAsync(Client, session, await App.NewBookingAsync(2))).ExpectAsync(202)).GetProperty("id").GetGuid();
        var second = (await (await TrainingApp.BookAsync(Client, session, await App.NewBookingAsync(1))).ExpectAsync(202)).GetProperty("id").GetGuid();

        // 14 minutes: nothing moves.
        App.Advance(TimeSpan.FromMinutes(14));
        await Task.Delay(500);
        Assert.Equal("Held", (await Status($"/api/training/bookings/{hold}")));
        Assert.Equal(2, await App.SeatsTakenAsync(session));

        // Past 15 minutes: the hold expires by itself, and the first waiting entry (it fits) is offered the seats.
        App.Advance(TimeSpan.FromMinutes(1.5));
        await TrainingApp.WaitUntilAsync(async () => await Status($"/api/training/waitlist/{first}") == "Offered", "the first entry got an offer");
        Assert.Equal("Expired", await Status($"/api/training/bookings/{hold}"));
        var offer = await (await Client.GetAsync($"/api/training/waitlist/{first}")).ExpectAsync(200);
        var offerBooking = offer.GetProperty("offerBookingId").GetGuid();
        Assert.Equal(App.Time.GetUtcNow().AddHours(48), offer.GetProperty("offerExpiresAt").GetDateTimeOffset());
        Assert.Equal(2, await App.SeatsTakenAsync(session));
        Assert.Equal("Waiting", await Status($"/api/training/waitlist/{second}"));
        Assert.Equal(1, await App.ScalarAsync(
            "SELECT count(*) FROM outbox_messages WHERE message_type LIKE 'Scop.Aspire.Contracts.Training.WaitlistOfferMade,%' AND body->>'entryId' = @e",
            ("e", first.ToString())));

        // The offer runs out after 48 h: the seats go to the next entry.
        App.Advance(TimeSpan.FromHours(47));
        await Task.Delay(500);
        Assert.Equal("Offered", await Status($"/api/training/waitlist/{first}"));
        App.Advance(TimeSpan.FromHours(1.1));
        await TrainingApp.WaitUntilAsync(async () => await Status($"/api/training/waitlist/{second}") == "Offered", "the next entry got the offer");
        Assert.Equal("Expired", await Status($"/api/training/waitlist/{first}"));
        Assert.Equal("Expired", await Status($"/api/training/bookings/{offerBooking}"));
        Assert.Equal(1, await App.SeatsTakenAsync(session));

        // The next one accepts by confirming.
        var accepted = (await (await Client.GetAsync($"/api/training/waitlist/{second}")).ExpectAsync(200)).GetProperty("offerBookingId").GetGuid();
        await (await Client.PostAsync($"/api/training/bookings/{accepted}/confirm", null)).ExpectAsync(200);
        Assert.Equal("Accepted", await Status($"/api/training/waitlist/{second}"));
    }

    [Fact]
    public async Task A_confirmed_booking_is_left_alone_when_its_timer_fires()
    {
        var session = await App.CreateSessionAsync(Client, capacity: 3);
        var id = (await (await TrainingApp.BookAsync(Client, session, await App.NewBookingAsync(3))).ExpectAsync(201)).GetProperty("id").GetGuid();
        await (await Client.PostAsync($"/api/training/bookings/{id}/confirm", null)).ExpectAsync(200);

        App.Advance(TimeSpan.FromMinutes(16));
        await TrainingApp.WaitUntilAsync(async () => await App.ScalarAsync(
            "SELECT count(*) FROM inbox_messages i JOIN outbox_messages o ON o.id = i.message_id WHERE o.body->>'bookingId' = @b",
            ("b", id.ToString())) == 1, "the timer was consumed");
        Assert.Equal("Confirmed", await Status($"/api/training/bookings/{id}"));
        Assert.Equal(3, await App.SeatsTakenAsync(session));
    }

    [Fact]
    public async Task A_hold_that_ran_out_cannot_be_confirmed()
    {
        var session = await App.CreateSessionAsync(Client, capacity: 3);
        var id = (await (await TrainingApp.BookAsync(Client, session, await App.NewBookingAsync(1))).ExpectAsync(201)).GetProperty("id").GetGuid();
        App.Time.Advance(TimeSpan.FromMinutes(15)); // the clock only: whether or not the timer has fired yet
        await (await Client.PostAsync($"/api/training/bookings/{id}/confirm", null)).ExpectAsync(409);
        App.Advance(TimeSpan.Zero);
        await TrainingApp.WaitUntilAsync(async () => await App.SeatsTakenAsync(session) == 0, "the seats were released");
    }

    private async Task<string?> Status(string path) =>
        (await (await Client.GetAsync(path)).ExpectAsync(200)).GetProperty("status").GetString();
}
