using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Scop.Aspire.ServiceDefaults.Security;
using Scop.Aspire.Testing;
using Scop.Aspire.Training.Tests.Support;

namespace Scop.Aspire.Training.Tests;

/// <summary>
/// Who may do what, as people would try it: a member sees and changes only their own, a manager their cooperative's, a
/// delegate their union's; only people of the register are booked, by those they belong to; the fund reads a
/// cooperative's size from the register; a leave link needs no login.
/// </summary>
[Collection(TrainingServersCollection.Name)]
public sealed class AccessTests(TrainingServers servers, TrainingAppPerClass perClass)
    : TrainingTestBase(servers, perClass), IClassFixture<TrainingAppPerClass>
{
    [Fact]
    public async Task Without_a_token_nothing_is_read_or_written()
    {
        using var anonymous = App.CreateClient();
        await (await anonymous.GetAsync("/api/training/sessions")).ExpectAsync(401);
        await (await anonymous.GetAsync("/api/training/courses")).ExpectAsync(401);
        var before = await App.CountAsync("courses");
        Assert.Equal(401, (int)(await anonymous.PostAsync("/api/training/courses", null)).StatusCode);
        Assert.Equal(before, await App.CountAsync("courses"));
    }

    [Fact]
    public async Task A_member_sees_and_changes_only_their_own_bookings()
    {
        var session = await App.CreateSessionAsync(Client, capacity: 10);
        var me = (await App.HireAsync(1))[0];
        var someone = (await App.HireAsync(1, union: "urscop-ouest"))[0];
        var mine = await StaffBooksAsync(session, me);
        var theirs = await StaffBooksAsync(session, someone);
        using var member = App.CreateClient(TrainingApp.MemberToken(me));

        var list = await (await member.GetAsync("/api/training/bookings?pageSize=100")).ExpectAsync(200);
        Assert.Equal([mine], list.GetProperty("items").EnumerateArray().Select(b => b.GetProperty("id").GetGuid()));
        var bySession = await (await member.GetAsync($"/api/training/bookings?sessionId={session}&regionalUnion=urscop-ouest")).ExpectAsync(200);
        Assert.Equal(0, bySession.GetProperty("totalCount").GetInt64()); // a filter narrows the view, never widens it

        // Another's booking does not exist for them: not to read, not to confirm, not to cancel.
        var foreign = await member.GetAsync($"/api/training/bookings/{theirs}");
        await foreign.ExpectAsync(404);
        await (await member.PostAsync($"/api/training/bookings/{theirs}/confirm", null)).ExpectAsync(404);
        await (await member.PostAsync($"/api/training/bookings/{theirs}/cancel", null)).ExpectAsync(404);
        Assert.Equal("Held", await StatusAsync(theirs));
        Assert.Equal(2, await App.SeatsTakenAsync(session));

        // Their own they confirm and cancel.
        await (await member.PostAsync($"/api/training/bookings/{mine}/confirm", null)).ExpectAsync(200);
        await (await member.PostAsync($"/api/training/bookings/{mine}/cancel", null)).ExpectAsync(200);
        Assert.Equal("Cancelled", await StatusAsync(mine));

        // Their passport and invitations, and no one else's.
        await (await member.GetAsync($"/api/training/people/{me}/passport")).ExpectAsync(200);
        await (await member.GetAsync($"/api/training/people/{someone}/passport")).ExpectAsync(404);
        var invitations = await (await member.GetAsync("/api/training/invitations?pageSize=100")).ExpectAsync(200);
        Assert.Equal([me], invitations.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("personId").GetGuid()));
        await (await member.GetAsync($"/api/training/funds/{DateTime.UtcNow.Year}/decisions")).ExpectAsync(403);
    }

    [Fact]
    public async Task A_member_cannot_drain_the_fund_with_people_they_invent_a_headcount_they_declare_or_someone_else()
    {
        var year = App.WorkingDay().Year;
        await (await Client.PutAsJsonAsync($"/api/training/funds/{year}", new JsonObject { ["budgetCents"] = 1_000_000 })).ExpectAsync(200);
        var session = await App.CreateSessionAsync(Client, capacity: 100, priceCents: 50_000);
        var me = (await App.HireAsync(1))[0];
        var someone = (await App.HireAsync(1))[0];
        using var member = App.CreateClient(TrainingApp.MemberToken(me));
        var before = (await App.CountAsync("bookings"), await App.CountAsync("funding_decisions"));

        // People the register never hired.
        var invented = await (await TrainingApp.BookAsync(member, session,
            TrainingApp.Booking([Guid.NewGuid(), Guid.NewGuid()], requestFunding: true))).ExpectAsync(400);
        Assert.True(invented.GetProperty("errors").TryGetProperty("attendees[0].personId", out _));

        // A headcount of their choosing: not part of a booking.
        var declared = TrainingApp.Booking([me], requestFunding: true);
        declared["cooperativeHeadcount"] = 1;
        await (await TrainingApp.BookAsync(member, session, declared)).ExpectAsync(400);

        // Someone else, or themselves with the fund: the cooperative asks the fund, not a member.
        var other = await (await TrainingApp.BookAsync(member, session, TrainingApp.Booking([someone], requestFunding: true))).ExpectAsync(403);
        Assert.Equal("Not yours to book", other.GetProperty("title").GetString());
        await (await TrainingApp.BookAsync(member, session, TrainingApp.Booking([me], requestFunding: true))).ExpectAsync(403);

        var fund = await (await Client.GetAsync($"/api/training/funds/{year}")).ExpectAsync(200);
        Assert.Equal(0, fund.GetProperty("committedCents").GetInt64());
        Assert.Equal(before, (await App.CountAsync("bookings"), await App.CountAsync("funding_decisions")));
        Assert.Equal(0, await App.SeatsTakenAsync(session));

        // Booking themselves, without the fund, is theirs to do; the booking is theirs and their cooperative's.
        var held = await (await TrainingApp.BookAsync(member, session, TrainingApp.Booking([me]))).ExpectAsync(201);
        Assert.Equal(me, held.GetProperty("bookedBy").GetGuid());
        Assert.Equal(await App.CooperativeOfAsync(me), held.GetProperty("cooperativeId").GetGuid());
        Assert.Equal(TrainingApp.Aura, held.GetProperty("regionalUnion").GetString());
    }

    [Fact]
    public async Task The_fund_reads_a_cooperative_s_size_from_the_register_when_its_manager_asks()
    {
        var year = App.WorkingDay().Year;
        await (await Client.PutAsJsonAsync($"/api/training/funds/{year}", new JsonObject { ["budgetCents"] = 10_000_000 })).ExpectAsync(200);
        var session = await App.CreateSessionAsync(Client, capacity: 100, priceCents: 30_000);
        var small = await App.HireAsync(2, headcount: 8);
        var big = await App.HireAsync(2, headcount: 120); // two of its 120 people are on the platform yet
        var smallCooperative = await App.CooperativeOfAsync(small[0]);
        var bigCooperative = await App.CooperativeOfAsync(big[0]);
        using var smallManager = App.CreateClient(TrainingApp.ManagerToken(smallCooperative));
        using var bigManager = App.CreateClient(TrainingApp.ManagerToken(bigCooperative));

        var granted = await (await TrainingApp.BookAsync(smallManager, session, TrainingApp.Booking(small, requestFunding: true))).ExpectAsync(201);
        Assert.Equal(60_000, granted.GetProperty("fundedCents").GetInt64());
        Assert.Contains("8 people", granted.GetProperty("funding").GetProperty("reason").GetString());
        var refused = await (await TrainingApp.BookAsync(bigManager, session, TrainingApp.Booking(big, requestFunding: true))).ExpectAsync(201);
        Assert.Equal(0, refused.GetProperty("fundedCents").GetInt64());
        Assert.Contains("120 people", refused.GetProperty("funding").GetProperty("reason").GetString());

        // A manager books only their cooperative's people, and sees only their cooperative's bookings.
        await (await TrainingApp.BookAsync(bigManager, session, TrainingApp.Booking([small[0]]))).ExpectAsync(403);
        await (await bigManager.GetAsync($"/api/training/bookings/{granted.GetProperty("id").GetGuid()}")).ExpectAsync(404);
        var seen = await (await bigManager.GetAsync("/api/training/bookings?pageSize=100")).ExpectAsync(200);
        Assert.All(seen.GetProperty("items").EnumerateArray(),
            b => Assert.Equal(bigCooperative, b.GetProperty("cooperativeId").GetGuid()));
    }

    [Fact]
    public async Task A_delegate_acts_for_their_union_s_people_only_and_someone_booked_in_a_group_leaves_it_to_its_owner()
    {
        var startsOn = App.WorkingDay(2);
        var session = await App.CreateSessionAsync(Client, capacity: 10, startsOn: startsOn);
        var group = await App.HireAsync(2, union: "urscop-ouest");
        using var ouest = App.CreateClient(TrainingApp.DelegateToken("urscop-ouest"));
        using var aura = App.CreateClient(TrainingApp.DelegateToken(TrainingApp.Aura));

        await (await TrainingApp.BookAsync(aura, session, TrainingApp.Booking(group))).ExpectAsync(403);
        var booking = (await (await TrainingApp.BookAsync(ouest, session, TrainingApp.Booking(group))).ExpectAsync(201)).GetProperty("id").GetGuid();
        await (await aura.GetAsync($"/api/training/bookings/{booking}")).ExpectAsync(404);
        var auraList = await (await aura.GetAsync("/api/training/bookings?pageSize=100")).ExpectAsync(200);
        Assert.DoesNotContain(booking.ToString(), auraList.GetRawText());

        // One of the group sees the booking, but cancelling everyone's seats is not theirs to do.
        using var member = App.CreateClient(TrainingApp.MemberToken(group[0]));
        await (await member.GetAsync($"/api/training/bookings/{booking}")).ExpectAsync(200);
        await (await member.PostAsync($"/api/training/bookings/{booking}/cancel", null)).ExpectAsync(403);
        await (await ouest.PostAsync($"/api/training/bookings/{booking}/confirm", null)).ExpectAsync(200);

        // Attendance: the union's delegate records it; the other union's finds no booking.
        App.Advance(startsOn.ToDateTime(new TimeOnly(9, 0)) - App.Time.GetUtcNow().UtcDateTime);
        var present = new JsonObject { ["present"] = true };
        await (await aura.PostAsJsonAsync($"/api/training/bookings/{booking}/attendees/{group[0]}/attendance", present)).ExpectAsync(404);
        await (await member.PostAsJsonAsync($"/api/training/bookings/{booking}/attendees/{group[0]}/attendance", present)).ExpectAsync(403);
        await (await ouest.PostAsJsonAsync($"/api/training/bookings/{booking}/attendees/{group[0]}/attendance", present)).ExpectAsync(200);
    }

    [Fact]
    public async Task A_token_for_another_service_is_refused()
    {
        using var stranger = App.CreateClient(TestTokens.For(PlatformAudiences.Membership, PlatformRoles.ConfederationAdmin));
        await (await stranger.GetAsync("/api/training/sessions")).ExpectAsync(401);
    }

    [Fact]
    public async Task The_leave_link_works_without_logging_in()
    {
        var session = await App.CreateSessionAsync(Client, capacity: 1);
        await (await TrainingApp.BookAsync(Client, session, await App.NewBookingAsync(1))).ExpectAsync(201);
        var waiting = await (await TrainingApp.BookAsync(Client, session, await App.NewBookingAsync(1))).ExpectAsync(202);

        using var anonymous = App.CreateClient();
        await (await anonymous.PostAsync(waiting.GetProperty("leaveLink").GetString(), null)).ExpectAsync(200);
        var list = await (await Client.GetAsync($"/api/training/sessions/{session}/waitlist")).ExpectAsync(200);
        Assert.Equal(0, list.GetProperty("totalCount").GetInt64());
    }

    private async Task<Guid> StaffBooksAsync(Guid session, Guid person) =>
        (await (await TrainingApp.BookAsync(Client, session, TrainingApp.Booking([person]))).ExpectAsync(201)).GetProperty("id").GetGuid();

    private async Task<string?> StatusAsync(Guid booking) =>
        (await (await Client.GetAsync($"/api/training/bookings/{booking}")).ExpectAsync(200)).GetProperty("status").GetString();
}
