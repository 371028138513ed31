using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Scop.Aspire.Training.Tests.Support;

namespace Scop.Aspire.Training.Tests;

/// <summary>Many requests at once against few seats, or little money: the database decides, and never oversells.</summary>
[Collection(TrainingServersCollection.Name)]
public sealed class RaceTests(TrainingServers servers, TrainingAppPerClass perClass)
    : TrainingTestBase(servers, perClass), IClassFixture<TrainingAppPerClass>
{
    [Fact]
    public async Task Five_hundred_concurrent_requests_for_ten_seats_hold_exactly_ten()
    {
        var session = await App.CreateSessionAsync(Client, capacity: 10);
        var people = await App.HireAsync(50);
        var clients = Enumerable.Range(0, 8).Select(_ => App.CreateClient(TrainingApp.DelegateToken(TrainingApp.Aura))).ToArray();
        using var start = new SemaphoreSlim(0);
        var requests = Enumerable.Range(0, 500).Select(async i =>
        {
            await start.WaitAsync();
            // Half would rather wait in line, half would rather be refused.
            using var response = await TrainingApp.BookAsync(clients[i % clients.Length], session,
                TrainingApp.Booking([people[i % people.Length]], waitlistIfFull: i % 2 == 0));
            return (int)response.StatusCode;
        }).ToList();
        start.Release(500);
        var statuses = await Task.WhenAll(requests);

        Assert.Equal(10, statuses.Count(s => s == 201));
        Assert.Equal(500, statuses.Count(s => s is 201 or 202 or 409));
        var refused = statuses.Count(s => s == 409);
        var waitlisted = statuses.Count(s => s == 202);

        // What the database holds agrees, row by row: nothing half-written.
        Assert.Equal(10, await App.SeatsTakenAsync(session));
        Assert.Equal(10, await App.ScalarAsync("SELECT count(*) FROM bookings WHERE session_id = @s AND status = 'Held'", ("s", session)));
        Assert.Equal(10, await App.ScalarAsync(
            "SELECT count(*) FROM attendees a JOIN bookings b ON b.id = a.booking_id WHERE b.session_id = @s", ("s", session)));
        Assert.Equal(10, await App.ScalarAsync(
            "SELECT coalesce(sum(quantity), 0)::bigint FROM bookings WHERE session_id = @s AND status IN ('Held', 'Confirmed')", ("s", session)));
        Assert.Equal(waitlisted, await App.ScalarAsync("SELECT count(*) FROM waitlist_entries WHERE session_id = @s", ("s", session)));
        Assert.Equal(500 - 10 - waitlisted, refused);
        Assert.Equal(10, await App.ScalarAsync(
            "SELECT count(*) FROM outbox_messages WHERE message_type LIKE 'Scop.Aspire.Training.Domain.HoldExpiryDue,%' AND body->>'bookingId' IN (SELECT id::text FROM bookings WHERE session_id = @s)",
            ("s", session)));
        foreach (var client in clients)
        {
            client.Dispose();
        }
    }

    [Fact]
    public async Task Sixty_four_clients_on_one_session_of_a_thousand_seats_get_every_seat_and_no_server_error_when_the_server_has_few_connections_left()
    {
        var session = await App.CreateSessionAsync(Client, capacity: 1_000);
        var people = await App.HireAsync(64);
        using var delegateClient = App.CreateClient(TrainingApp.DelegateToken(TrainingApp.Aura));

        // The database server's connections are shared by every service: leave the service only a few more than its
        // own limit, as the other services' pools do after a busy minute.
        var limit = new NpgsqlConnectionStringBuilder(App.Services.GetRequiredService<NpgsqlDataSource>().ConnectionString).MaxPoolSize;
        await using var others = await App.OccupyConnectionsAsync(leaveFree: limit + 10);

        var statuses = new ConcurrentBag<int>();
        var failures = new ConcurrentBag<string>();
        await Task.WhenAll(Enumerable.Range(0, 64).Select(client => Task.Run(async () =>
        {
            // Each client books one seat after another until the session says it is full.
            while (true)
            {
                using var response = await TrainingApp.BookAsync(delegateClient, session,
                    TrainingApp.Booking([people[client]], waitlistIfFull: false));
                var status = (int)response.StatusCode;
                statuses.Add(status);
                if (status >= 500)
                {
                    failures.Add(await response.Content.ReadAsStringAsync());
                }

                if (status != 201)
                {
                    return;
                }
            }
        })));

        Assert.True(failures.IsEmpty,
            $"{failures.Count} server errors, e.g. {failures.FirstOrDefault()}; the service logged: {App.Errors.Entries.FirstOrDefault(e => e.Contains("ExceptionHandler"))}");
        Assert.Equal(1_000, statuses.Count(s => s == 201));
        Assert.Equal(64, statuses.Count(s => s == 409));
        Assert.Equal(1_000, await App.SeatsTakenAsync(session));
        Assert.Equal(1_000, await App.ScalarAsync(
            "SELECT count(*) FROM attendees a JOIN bookings b ON b.id = a.booking_id WHERE b.session_id = @s AND b.status = 'Held'", ("s", session)));
        Assert.Equal(1_000, await App.ScalarAsync(
            "SELECT count(*) FROM outbox_messages WHERE message_type LIKE 'Scop.Aspire.Training.Domain.HoldExpiryDue,%' AND body->>'bookingId' IN (SELECT id::text FROM bookings WHERE session_id = @s)",
            ("s", session)));
    }

    [Fact]
    public async Task The_fund_never_goes_below_zero_under_concurrent_bookings_and_records_every_decision()
    {
        var year = App.WorkingDay().Year;
        await (await Client.PutAsJsonAsync($"/api/training/funds/{year}", new JsonObject { ["budgetCents"] = 100_000 })).ExpectAsync(200);
        var session = await App.CreateSessionAsync(Client, capacity: 100, priceCents: 10_000); // 100 € a seat: the fund pays 10 seats
        var people = await App.HireAsync(40, headcount: 12); // a small cooperative, as the register knows it

        var requests = Enumerable.Range(0, 40).Select(async i =>
        {
            using var response = await TrainingApp.BookAsync(Client, session, TrainingApp.Booking([people[i]], requestFunding: true));
            return await response.ExpectAsync(201);
        }).ToList();
        var bookings = await Task.WhenAll(requests);

        Assert.Equal(10, bookings.Count(b => b.GetProperty("fundedCents").GetInt64() == 10_000));
        Assert.Equal(30, bookings.Count(b => b.GetProperty("fundedCents").GetInt64() == 0));
        var fund = await (await Client.GetAsync($"/api/training/funds/{year}")).ExpectAsync(200);
        Assert.Equal(100_000, fund.GetProperty("committedCents").GetInt64());
        Assert.Equal(0, fund.GetProperty("leftCents").GetInt64());
        Assert.Equal(100_000, await App.ScalarAsync("SELECT coalesce(sum(funded_cents), 0)::bigint FROM bookings WHERE session_id = @s", ("s", session)));
        Assert.Equal(10, await App.ScalarAsync("SELECT count(*) FROM funding_decisions WHERE year = @y AND outcome = 'Granted'", ("y", year)));
        Assert.Equal(30, await App.ScalarAsync(
            "SELECT count(*) FROM funding_decisions WHERE year = @y AND outcome = 'Refused' AND reason LIKE '%less than%'", ("y", year)));

        // A big cooperative is refused, with its reason; cancelling a funded booking gives the money back.
        var big = await (await TrainingApp.BookAsync(Client, session,
            TrainingApp.Booking(await App.HireAsync(1, headcount: 80), requestFunding: true))).ExpectAsync(201);
        Assert.Contains("80 people", big.GetProperty("funding").GetProperty("reason").GetString());
        var funded = bookings.First(b => b.GetProperty("fundedCents").GetInt64() > 0).GetProperty("id").GetGuid();
        await (await Client.PostAsync($"/api/training/bookings/{funded}/cancel", null)).ExpectAsync(200);
        fund = await (await Client.GetAsync($"/api/training/funds/{year}")).ExpectAsync(200);
        Assert.Equal(90_000, fund.GetProperty("committedCents").GetInt64());
        var decisions = await (await Client.GetAsync($"/api/training/funds/{year}/decisions?pageSize=100")).ExpectAsync(200);
        Assert.Equal(42, decisions.GetProperty("totalCount").GetInt64()); // 40 + the big cooperative + the release
    }

    [Fact]
    public async Task The_fund_pays_a_person_up_to_the_yearly_ceiling()
    {
        var year = App.WorkingDay().Year + 1;
        await (await Client.PutAsJsonAsync($"/api/training/funds/{year}", new JsonObject { ["budgetCents"] = 10_000_000 })).ExpectAsync(200);
        var person = (await App.HireAsync(1, headcount: 5))[0];
        var day = new DateOnly(year, 3, 3);
        while (day.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday)
        {
            day = day.AddDays(1);
        }

        var first = await App.CreateSessionAsync(Client, capacity: 5, priceCents: 100_000, startsOn: day);
        var second = await App.CreateSessionAsync(Client, capacity: 5, priceCents: 100_000, startsOn: day.AddDays(1));
        var one = await (await TrainingApp.BookAsync(Client, first,
            TrainingApp.Booking([person], requestFunding: true))).ExpectAsync(201);
        var two = await (await TrainingApp.BookAsync(Client, second,
            TrainingApp.Booking([person], requestFunding: true))).ExpectAsync(201);

        Assert.Equal(100_000, one.GetProperty("fundedCents").GetInt64());
        Assert.Equal(50_000, two.GetProperty("fundedCents").GetInt64()); // 1,500 € a year at most
        Assert.Equal("PartlyGranted", two.GetProperty("funding").GetProperty("outcome").GetString());
    }
}
