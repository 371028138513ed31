using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Scop.Aspire.Contracts.Membership;
using Scop.Aspire.Training.Tests.Support;
using Scop.Aspire.ServiceDefaults;

namespace Scop.Aspire.Training.Tests;

[Collection(TrainingServersCollection.Name)]
public sealed class BookingTests(TrainingServers servers, TrainingAppPerClass perClass)
    : TrainingTestBase(servers, perClass), IClassFixture<TrainingAppPerClass>
{
    [Fact]
    public async Task A_hold_keeps_seats_until_confirmed_then_cancel_gives_them_back()
    {
        var session = await App.CreateSessionAsync(Client, capacity: 5);
        var held = await (await TrainingApp.BookAsync(Client, session, await App.NewBookingAsync(2))).ExpectAsync(201);
        Assert.Equal("Held", held.GetProperty("status").GetString());
        Assert.Equal(App.Time.GetUtcNow().AddMinutes(15), held.GetProperty("holdExpiresAt").GetDateTimeOffset());
        Assert.Equal(2, await App.SeatsTakenAsync(session));

        var id = held.GetProperty("id").GetGuid();
        var confirmed = await (await Client.PostAsync($"/api/training/bookings/{id}/confirm", null)).ExpectAsync(200);
        Assert.Equal("Confirmed", confirmed.GetProperty("status").GetString());

        var cancelled = await (await Client.PostAsync($"/api/training/bookings/{id}/cancel", null)).ExpectAsync(200);
        Assert.Equal("Cancelled", cancelled.GetProperty("status").GetString());
        Assert.Equal(0, await App.SeatsTakenAsync(session));
        await (await Client.PostAsync($"/api/training/bookings/{id}/confirm", null)).ExpectAsync(409);
    }

    [Fact]
    public async Task A_group_booking_is_all_or_nothing()
    {
        var session = await App.CreateSessionAsync(Client, capacity: 4);
        var cooperative = Guid.NewGuid();
        await (await TrainingApp.BookAsync(Client, session, await App.NewBookingAsync(3, cooperative: cooperative))).ExpectAsync(201);
        var before = (await App.CountAsync("bookings"), await App.CountAsync("attendees"));

        // Two more people do not fit in the one seat left: nobody is booked, and the session says so.
        var problem = await (await TrainingApp.BookAsync(Client, session,
            await App.NewBookingAsync(2, cooperative: cooperative, waitlistIfFull: false))).ExpectAsync(409);
        Assert.Equal("Session full", problem.GetProperty("title").GetString());
        Assert.Equal(3, await App.SeatsTakenAsync(session));
        Assert.Equal(before, (await App.CountAsync("bookings"), await App.CountAsync("attendees")));

        // One still fits.
        await (await TrainingApp.BookAsync(Client, session, await App.NewBookingAsync(1))).ExpectAsync(201);
        Assert.Equal(4, await App.SeatsTakenAsync(session));
    }

    [Fact]
    public async Task A_full_session_puts_a_group_on_the_waiting_list_as_one_entry_with_a_position_and_a_leave_link()
    {
        var session = await App.CreateSessionAsync(Client, capacity: 2);
        await (await TrainingApp.BookAsync(Client, session, await App.NewBookingAsync(2))).ExpectAsync(201);

        var first = await (await TrainingApp.BookAsync(Client, session, await App.NewBookingAsync(3))).ExpectAsync(202);
        var second = await (await TrainingApp.BookAsync(Client, session, await App.NewBookingAsync(1))).ExpectAsync(202);
        Assert.Equal(1, first.GetProperty("position").GetInt32());
        Assert.Equal(3, first.GetProperty("quantity").GetInt32());
        Assert.Equal(2, second.GetProperty("position").GetInt32());

        // Leaving through the link moves the next one up; the link cannot be guessed from the entry.
        var link = first.GetProperty("leaveLink").GetString()!;
        Assert.True(link.Length > 60, link);
        await (await Client.PostAsync(link, null)).ExpectAsync(200);
        var moved = await (await Client.GetAsync($"/api/training/waitlist/{second.GetProperty("id").GetGuid()}")).ExpectAsync(200);
        Assert.Equal(1, moved.GetProperty("position").GetInt32());
        Assert.False(moved.TryGetProperty("leaveLink", out _));
        await (await Client.PostAsync("/api/training/waitlist/leave/" + new string('x', 43), null)).ExpectAsync(404);

        var list = await (await Client.GetAsync($"/api/training/sessions/{session}/waitlist")).ExpectAsync(200);
        Assert.Equal(1, list.GetProperty("totalCount").GetInt64());
    }

    [Fact]
    public async Task Cancelling_after_the_cut_off_is_refused()
    {
        var startsOn = App.WorkingDay(3);
        var session = await App.CreateSessionAsync(Client, capacity: 5, startsOn: startsOn);
        var id = (await (await TrainingApp.BookAsync(Client, session, await App.NewBookingAsync(1))).ExpectAsync(201)).GetProperty("id").GetGuid();
        await (await Client.PostAsync($"/api/training/bookings/{id}/confirm", null)).ExpectAsync(200);

        App.Advance(startsOn.ToDateTime(TimeOnly.MinValue) - App.Time.GetUtcNow().UtcDateTime - TimeSpan.FromHours(24));
        var problem = await (await Client.PostAsync($"/api/training/bookings/{id}/cancel", null)).ExpectAsync(409);
        Assert.Equal("Too late to cancel", problem.GetProperty("title").GetString());
        Assert.Equal(1, await App.SeatsTakenAsync(session));
    }

    [Fact]
    public async Task Cancelling_a_session_releases_and_announces_every_booking()
    {
        var session = await App.CreateSessionAsync(Client, capacity: 10);
        var ids = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add((await (await TrainingApp.BookAsync(Client, session, await App.NewBookingAsync(2))).ExpectAsync(201)).GetProperty("id").GetGuid());
        }

        await (await Client.PostAsync($"/api/training/bookings/{ids[0]}/confirm", null)).ExpectAsync(200);
        var cancelled = await (await Client.PostAsync($"/api/training/sessions/{session}/cancel", null)).ExpectAsync(200);
        Assert.Equal("Cancelled", cancelled.GetProperty("status").GetString());
        Assert.Equal(0, cancelled.GetProperty("seatsTaken").GetInt32());

        foreach (var id in ids)
        {
            var booking = await (await Client.GetAsync($"/api/training/bookings/{id}")).ExpectAsync(200);
            Assert.Equal("Released", booking.GetProperty("status").GetString());
            Assert.Equal(1, await App.ScalarAsync(
                "SELECT count(*) FROM outbox_messages WHERE message_type LIKE 'Scop.Aspire.Contracts.Training.BookingReleased,%' AND body->>'bookingId' = @id AND body->>'reason' = 'SessionCancelled'",
                ("id", id.ToString())));
        }

        await (await TrainingApp.BookAsync(Client, session, await App.NewBookingAsync(1))).ExpectAsync(409);
    }

    [Fact]
    public async Task Bad_booking_input_is_a_400_and_writes_nothing()
    {
        var session = await App.CreateSessionAsync(Client, capacity: 5);
        var before = (await App.CountAsync("bookings"), await App.CountAsync("waitlist_entries"), await App.CountAsync("funding_decisions"));
        var person = Guid.NewGuid().ToString();
        var body = new JsonObject
        {
            ["attendees"] = new JsonArray(
                new JsonObject { ["personId"] = person }, new JsonObject { ["personId"] = person, ["role"] = "Boss" }, new JsonObject()),
            ["requestFunding"] = true,
        };
        var errors = (await (await TrainingApp.BookAsync(Client, session, body)).ExpectAsync(400)).GetProperty("errors");
        foreach (var field in new[] { "attendees[1].personId", "attendees[1].role", "attendees[2].personId" })
        {
            Assert.True(errors.TryGetProperty(field, out _), field);
        }

        await (await TrainingApp.BookAsync(Client, session, new JsonObject { ["attendees"] = new JsonArray() })).ExpectAsync(400);
        await (await TrainingApp.BookAsync(Client, Guid.NewGuid(), await App.NewBookingAsync(1))).ExpectAsync(404);

        // Who books, for which cooperative, in which union and of which size come from the token and the register,
        // never from the body: such fields are refused by name.
        var known = await App.HireAsync(1);
        foreach (var (field, value) in new (string, JsonNode)[]
                 {
                     ("cooperativeHeadcount", 1), ("cooperativeId", Guid.NewGuid().ToString()), ("bookedBy", Guid.NewGuid().ToString()),
                     ("regionalUnion", "urscop-ouest"),
                 })
        {
            var sneaky = TrainingApp.Booking(known, requestFunding: true);
            sneaky[field] = value;
            var refused = (await (await TrainingApp.BookAsync(Client, session, sneaky)).ExpectAsync(400)).GetProperty("errors");
            Assert.Equal("This field is not part of the request.", refused.GetProperty(field)[0].GetString());
        }

        // A person the register never hired is refused by position, with why.
        var unknown = (await (await TrainingApp.BookAsync(Client, session, TrainingApp.Booking([known[0], Guid.NewGuid()])))
            .ExpectAsync(400)).GetProperty("errors");
        Assert.Contains("membership register", unknown.GetProperty("attendees[1].personId")[0].GetString());
        Assert.False(unknown.TryGetProperty("attendees[0].personId", out _));
        Assert.Equal(before, (await App.CountAsync("bookings"), await App.CountAsync("waitlist_entries"), await App.CountAsync("funding_decisions")));
        Assert.Equal(0, await App.SeatsTakenAsync(session));
    }

    [Fact]
    public async Task People_who_left_and_people_of_two_cooperatives_in_one_booking_are_refused()
    {
        var session = await App.CreateSessionAsync(Client, capacity: 5);
        var leaver = await App.HireAsync(1);
        await App.PublishAsync(new PersonLeft(Guid.NewGuid(), App.Time.GetUtcNow(), leaver[0], await App.CooperativeOfAsync(leaver[0]),
            ParisCalendar.Today(App.Time)));
        await TrainingApp.WaitUntilAsync(async () => await App.ScalarAsync(
            "SELECT count(*) FROM people WHERE id = @p AND left_on IS NOT NULL", ("p", leaver[0])) == 1, "the departure is known");

        var left = (await (await TrainingApp.BookAsync(Client, session, TrainingApp.Booking(leaver))).ExpectAsync(400)).GetProperty("errors");
        Assert.Contains("left their cooperative", left.GetProperty("attendees[0].personId")[0].GetString());

        var mixed = (await (await TrainingApp.BookAsync(Client, session,
            TrainingApp.Booking([.. await App.HireAsync(1), .. await App.HireAsync(1)]))).ExpectAsync(400)).GetProperty("errors");
        Assert.True(mixed.TryGetProperty("attendees", out _));
        Assert.Equal(0, await App.SeatsTakenAsync(session));
    }

    [Fact]
    public async Task A_remote_national_session_counts_people_for_their_cooperative_s_union_and_a_draft_session_takes_no_booking()
    {
        var course = await App.CreateCourseAsync(Client);
        var body = new JsonObject
        {
            ["courseId"] = course.ToString(), ["startsOn"] = App.WorkingDay(20).ToString("yyyy-MM-dd"), ["remote"] = true,
            ["capacity"] = 3, ["priceCents"] = 0, ["status"] = "Open",
        };
        var remote = (await (await Client.PostAsJsonAsync("/api/training/sessions", body)).ExpectAsync(201)).GetProperty("id").GetGuid();

        var ouest = await App.HireAsync(2, union: "urscop-ouest");
        var held = await (await TrainingApp.BookAsync(Client, remote, TrainingApp.Booking(ouest))).ExpectAsync(201);
        Assert.Equal("urscop-ouest", held.GetProperty("regionalUnion").GetString());
        Assert.Equal(await App.CooperativeOfAsync(ouest[0]), held.GetProperty("cooperativeId").GetGuid());
        Assert.Equal(2, held.GetProperty("attendees").GetArrayLength());
        Assert.Equal(2, await App.SeatsTakenAsync(remote));

        body["status"] = "Draft";
        body["regionalUnion"] = "urscop-ouest";
        var draft = (await (await Client.PostAsJsonAsync("/api/training/sessions", body)).ExpectAsync(201)).GetProperty("id").GetGuid();
        var closed = await (await TrainingApp.BookAsync(Client, draft, await App.NewBookingAsync(1))).ExpectAsync(409);
        Assert.Equal("Session not open", closed.GetProperty("title").GetString());
        Assert.Equal(0, await App.SeatsTakenAsync(draft));
    }

    [Fact]
    public async Task A_retried_booking_with_its_Idempotency_Key_books_once()
    {
        var session = await App.CreateSessionAsync(Client, capacity: 5);
        var body = await App.NewBookingAsync(2);
        async Task<(Guid Id, bool Replayed)> PostAsync()
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/training/sessions/{session}/bookings")
            {
                Content = JsonContent.Create(body),
            };
            request.Headers.Add("Idempotency-Key", $"booking-{session}");
            using var response = await Client.SendAsync(request);
            var json = await response.ExpectAsync(201);
            return (json.GetProperty("id").GetGuid(), response.Headers.Contains("Idempotent-Replayed"));
        }

        var first = await PostAsync();
        var again = await PostAsync();
        Assert.Equal(first.Id, again.Id);
        Assert.True(again.Replayed);
        Assert.Equal(2, await App.SeatsTakenAsync(session));
        Assert.Equal(1, await App.ScalarAsync("SELECT count(*) FROM bookings WHERE session_id = @s", ("s", session)));
    }

    /// <summary>
    /// A key names its request target, route values included: a client that numbers its requests per person and sends
    /// the same key and body to book them on two sessions gets two bookings, not the first one twice.
    /// </summary>
    [Fact]
    public async Task The_same_key_on_two_sessions_books_both()
    {
        var first = await App.CreateSessionAsync(Client, capacity: 5);
        var second = await App.CreateSessionAsync(Client, capacity: 5);
        var body = await App.NewBookingAsync(1);
        var key = $"booking-{Guid.NewGuid():N}";
        async Task<(Guid Id, bool Replayed)> PostAsync(Guid session)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/training/sessions/{session}/bookings")
            {
                Content = JsonContent.Create(body),
            };
            request.Headers.Add("Idempotency-Key", key);
            using var response = await Client.SendAsync(request);
            var json = await response.ExpectAsync(201);
            Assert.Equal(session, json.GetProperty("sessionId").GetGuid());
            return (json.GetProperty("id").GetGuid(), response.Headers.Contains("Idempotent-Replayed"));
        }

        var onFirst = await PostAsync(first);
        var onSecond = await PostAsync(second);

        Assert.False(onSecond.Replayed);
        Assert.NotEqual(onFirst.Id, onSecond.Id);
        Assert.Equal((1, 1), (await App.SeatsTakenAsync(first), await App.SeatsTakenAsync(second)));
        Assert.Equal((onFirst.Id, true), await PostAsync(first));
    }
}
