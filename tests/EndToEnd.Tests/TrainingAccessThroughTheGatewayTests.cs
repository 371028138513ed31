using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Scop.Aspire.ServiceDefaults;

using static Scop.Aspire.EndToEnd.Tests.GatewayCalls;

namespace Scop.Aspire.EndToEnd.Tests;

/// <summary>
/// Training as an attacker with a member's account would try it, through the gateway with real tokens from the identity
/// service: reading every booking, confirming or cancelling another's, draining the mutual fund with invented people
/// and a headcount of 1 — each step refused, the fund untouched. And a cooperative that moves to another région in the
/// register takes its training bookings to the new union's delegates.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class TrainingAccessThroughTheGatewayTests(PlatformFixture platform)
{
    private const string Scopes = "openid membership training";

    [Fact]
    public async Task A_member_neither_reads_nor_changes_others_bookings_nor_drains_the_fund_and_a_moved_cooperative_takes_its_bookings_along()
    {
        var admin = await PlatformTokens.SignInAsync(platform, "admin", Scopes);
        var aura = await PlatformTokens.SignInAsync(platform, "delegate-aura", Scopes);
        var ouest = await PlatformTokens.SignInAsync(platform, "delegate-ouest", Scopes);
        var member = await PlatformTokens.SignInAsync(platform, "member", Scopes);

        // The register: a cooperative of Lyon (Auvergne-Rhône-Alpes) with two people. Training: a paid session, a fund.
        var cooperative = await platform.Gateway.CreatedIdAsync(Send(HttpMethod.Post, "/api/membership/cooperatives", admin, new
        {
            name = "Scop des Canuts", siren = Siren(), legalForm = "SCOP", communeCode = "69123", nafCode = "13.20Z", headcount = 12,
        }));
        var people = new List<Guid>();
        for (var i = 0; i < 2; i++)
        {
            people.Add(await platform.Gateway.CreatedIdAsync(Send(HttpMethod.Post, $"/api/membership/cooperatives/{cooperative}/people", admin,
                new { givenName = "Camille", familyName = $"Canut {i}", role = "employee", hiredOn = "2025-09-01" })));
        }

        var year = DateTime.UtcNow.Year + 1;
        var course = await platform.Gateway.CreatedIdAsync(Send(HttpMethod.Post, "/api/training/courses", admin,
            new { title = "Gérer une SCOP", path = "Management", durationHours = 14 }));
        var session = await platform.Gateway.CreatedIdAsync(Send(HttpMethod.Post, "/api/training/sessions", admin, new
        {
            courseId = course, startsOn = FrenchHolidays.WorkingDayFrom(new DateOnly(year, 3, 2)).ToString("yyyy-MM-dd"), regionalUnion = "urscop-aura",
            communeCode = "69123", capacity = 20, priceCents = 40_000, status = "Open",
        }));
        await ExpectAsync(Send(HttpMethod.Put, $"/api/training/funds/{year}", admin, new { budgetCents = 1_000_000 }), HttpStatusCode.OK);

        // The union's delegate books the first person once training has learnt them from the register's events.
        var booking = await BookWhenKnownAsync(session, people[0], aura);

        // 1. Reading every booking: the member's list holds none of them; one by id does not exist for them.
        using (var list = await platform.Gateway.SendAsync(Send(HttpMethod.Get, "/api/training/bookings?pageSize=100", member)))
        {
            Assert.Equal(HttpStatusCode.OK, list.StatusCode);
            var text = await list.Content.ReadAsStringAsync();
            Assert.DoesNotContain(booking.ToString(), text);
            Assert.DoesNotContain(people[0].ToString(), text);
        }

        await ExpectAsync(Send(HttpMethod.Get, $"/api/training/bookings/{booking}", member), HttpStatusCode.NotFound, people[0]);
        await ExpectAsync(Send(HttpMethod.Get, $"/api/training/people/{people[0]}/passport", member), HttpStatusCode.NotFound);
        await ExpectAsync(Send(HttpMethod.Get, $"/api/training/funds/{year}/decisions", member), HttpStatusCode.Forbidden);
        using (var invitations = await platform.Gateway.SendAsync(Send(HttpMethod.Get, "/api/training/invitations?pageSize=100", member)))
        {
            Assert.Equal(HttpStatusCode.OK, invitations.StatusCode);
            Assert.DoesNotContain(people[0].ToString(), await invitations.Content.ReadAsStringAsync());
        }

        // 2. Confirming or cancelling it: no such booking for them, and it is still held.
        await ExpectAsync(Send(HttpMethod.Post, $"/api/training/bookings/{booking}/confirm", member), HttpStatusCode.NotFound);
        await ExpectAsync(Send(HttpMethod.Post, $"/api/training/bookings/{booking}/cancel", member), HttpStatusCode.NotFound);
        Assert.Equal("Held", (await platform.Gateway.ReadAsync($"/api/training/bookings/{booking}", admin)).GetProperty("status").GetString());

        // 3. Draining the fund: invented people with a headcount of 1, then invented people, then someone else.
        await ExpectAsync(Send(HttpMethod.Post, $"/api/training/sessions/{session}/bookings", member, new
        {
            attendees = new[] { new { personId = Guid.NewGuid(), role = "Employee" } }, requestFunding = true, cooperativeHeadcount = 1,
        }), HttpStatusCode.BadRequest);
        await ExpectAsync(Send(HttpMethod.Post, $"/api/training/sessions/{session}/bookings", member, new
        {
            attendees = Enumerable.Range(0, 3).Select(_ => new { personId = Guid.NewGuid(), role = "Employee" }), requestFunding = true,
        }), HttpStatusCode.BadRequest);
        await ExpectAsync(Send(HttpMethod.Post, $"/api/training/sessions/{session}/bookings", member, new
        {
            attendees = new[] { new { personId = people[1], role = "Employee" } }, requestFunding = true,
        }), HttpStatusCode.Forbidden);

        var fund = await platform.Gateway.ReadAsync($"/api/training/funds/{year}", admin);
        Assert.Equal(0, fund.GetProperty("committedCents").GetInt64());
        Assert.Equal(0, (await platform.Gateway.ReadAsync($"/api/training/funds/{year}/decisions", admin)).GetProperty("totalCount").GetInt64());
        var seats = (await platform.Gateway.ReadAsync($"/api/training/sessions/{session}", admin)).GetProperty("seatsTaken").GetInt32();
        Assert.Equal(1, seats);

        // The other union's delegate sees nothing of it either.
        await ExpectAsync(Send(HttpMethod.Get, $"/api/training/bookings/{booking}", ouest), HttpStatusCode.NotFound, people[0]);

        // The cooperative moves to Rennes (Bretagne): its booking follows it to URSCOP Ouest, at once for Auvergne-Rhône-Alpes.
        using (var read = await platform.Gateway.SendAsync(Send(HttpMethod.Get, $"/api/membership/cooperatives/{cooperative}", admin)))
        {
            var etag = read.Headers.ETag!.ToString();
            var move = Send(HttpMethod.Put, $"/api/membership/cooperatives/{cooperative}", admin, new
            {
                name = "Scop des Canuts", communeCode = "35238", nafCode = "13.20Z", headcount = 12,
            });
            move.Headers.TryAddWithoutValidation("If-Match", etag);
            await ExpectAsync(move, HttpStatusCode.OK);
        }

        var deadline = DateTime.UtcNow.AddSeconds(20);
        while ((await platform.Gateway.ReadAsync($"/api/training/bookings/{booking}", admin)).GetProperty("regionalUnion").GetString() != "urscop-ouest")
        {
            Assert.True(DateTime.UtcNow < deadline, "training moved the booking to urscop-ouest within 20 s");
            await Task.Delay(100);
        }

        await ExpectAsync(Send(HttpMethod.Get, $"/api/training/bookings/{booking}", aura), HttpStatusCode.NotFound, people[0]);
        Assert.Equal(booking, (await platform.Gateway.ReadAsync($"/api/training/bookings/{booking}", ouest)).GetProperty("id").GetGuid());
        await ExpectAsync(Send(HttpMethod.Get, $"/api/membership/people/{people[0]}", aura), HttpStatusCode.NotFound);
        await ExpectAsync(Send(HttpMethod.Get, $"/api/membership/people/{people[0]}", ouest), HttpStatusCode.OK);
    }

    private async Task<Guid> BookWhenKnownAsync(Guid session, Guid person, string token)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            using var response = await platform.Gateway.SendAsync(Send(HttpMethod.Post, $"/api/training/sessions/{session}/bookings", token,
                new { attendees = new[] { new { personId = person, role = "Employee" } } }));
            var body = await response.Content.ReadAsStringAsync();
            if (response.StatusCode == HttpStatusCode.Created)
            {
                return JsonDocument.Parse(body).RootElement.GetProperty("id").GetGuid();
            }

            // Until training has consumed PersonHired, the person is unknown to it: a 400 that writes nothing.
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest && DateTime.UtcNow < deadline, body);
            await Task.Delay(100);
        }
    }

    private async Task ExpectAsync(HttpRequestMessage request, HttpStatusCode status, Guid? notShown = null)
    {
        using (request)
        using (var response = await platform.Gateway.SendAsync(request))
        {
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == status, $"{request.Method} {request.RequestUri}: {(int)response.StatusCode} {body}");
            if (notShown is { } hidden)
            {
                Assert.DoesNotContain(hidden.ToString(), body);
            }
        }
    }
}
