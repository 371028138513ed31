using Scop.Aspire.ServiceDefaults.Security;
using Scop.Aspire.Testing;
using Scop.Aspire.Training.Tests.Support;

namespace Scop.Aspire.Training.Tests;

/// <summary>Who may do what: staff run the catalogue, sessions and fund; members book; a leave link needs no login.</summary>
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
    public async Task A_member_books_but_cannot_run_the_catalogue_sessions_or_fund()
    {
        var session = await App.CreateSessionAsync(Client, capacity: 5);
        using var member = App.CreateClient(TrainingApp.MemberToken);

        await (await TrainingApp.BookAsync(member, session, TrainingApp.Booking(1))).ExpectAsync(201);
        await (await member.GetAsync($"/api/training/sessions/{session}")).ExpectAsync(200);

        var courses = await App.CountAsync("courses");
        Assert.Equal(403, (int)(await member.PostAsync("/api/training/courses", null)).StatusCode);
        Assert.Equal(403, (int)(await member.PostAsync($"/api/training/sessions/{session}/cancel", null)).StatusCode);
        Assert.Equal(403, (int)(await member.PutAsync($"/api/training/funds/{DateTime.UtcNow.Year}", null)).StatusCode);
        Assert.Equal(courses, await App.CountAsync("courses"));
        await (await member.GetAsync($"/api/training/sessions/{session}")).ExpectAsync(200); // still open
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
        await (await TrainingApp.BookAsync(Client, session, TrainingApp.Booking(1))).ExpectAsync(201);
        var waiting = await (await TrainingApp.BookAsync(Client, session, TrainingApp.Booking(1))).ExpectAsync(202);

        using var anonymous = App.CreateClient();
        await (await anonymous.PostAsync(waiting.GetProperty("leaveLink").GetString(), null)).ExpectAsync(200);
        var list = await (await Client.GetAsync($"/api/training/sessions/{session}/waitlist")).ExpectAsync(200);
        Assert.Equal(0, list.GetProperty("totalCount").GetInt64());
    }
}
