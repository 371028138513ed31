using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Scop.Aspire.Ambassadors.Tests.Support;
using Scop.Aspire.Contracts.Membership;
using Scop.Aspire.Contracts.Training;
using Scop.Aspire.ReferenceData;
using Scop.Aspire.ServiceDefaults;

namespace Scop.Aspire.Ambassadors.Tests;

/// <summary>
/// Inter-SCOP clubs: one per employment area (EPCI), opened by staff or the area's union delegates with animators who
/// completed the animators' module (training's <c>TrainingCompleted</c>, on the real bus), members, meetings with
/// attendance, a dormancy timer on the service's (fake) clock, closure and erasure.
/// </summary>
[Collection(AmbassadorsServersCollection.Name)]
public sealed class ClubTests(AmbassadorsServers servers, AmbassadorsAppPerClass perClass)
    : AmbassadorsTestBase(servers, perClass), IClassFixture<AmbassadorsAppPerClass>
{
    private const string Api = "/api/ambassadors/clubs";

    [Fact]
    public async Task Opening_is_refused_until_the_animators_module_is_completed_and_accepted_after()
    {
        var epci = Epci(0);
        var animator = Guid.NewGuid();
        var open = new { name = "Club inter-SCOP du bassin lyonnais", epci, animators = new[] { animator } };

        var refused = await (await Client.PostAsJsonAsync(Api, open)).ExpectRuleAsync("animator-completed-module");
        Assert.Contains(animator.ToString(), refused.GetProperty("missing").EnumerateArray().Select(m => m.GetString()));
        Assert.Equal(0, await ClubsOfAsync(epci));

        // Another course of the path, and the module's title in another path, qualify no one.
        await App.PublishAsync(Completed(animator, "Prendre la parole en assemblée générale", "ElectedOfficials"));
        await App.PublishAsync(Completed(animator, "Animer un club inter-SCOP", "Management"));
        await AmbassadorsApp.WaitUntilAsync(async () => await App.ScalarAsync(
            "SELECT count(*) FROM inbox_messages WHERE consumer LIKE '%AnimatorTrainingCompletedConsumer'") >= 2, "both completions consumed");
        await (await Client.PostAsJsonAsync(Api, open)).ExpectRuleAsync("animator-completed-module");

        // The module itself, its title written otherwise (case and accents do not matter).
        await App.PublishAsync(Completed(animator, "  ANIMER UN CLUB INTER-SCÖP ", "ElectedOfficials"));
        await AmbassadorsApp.WaitUntilAsync(async () => await App.ScalarAsync(
            "SELECT count(*) FROM qualified_animators WHERE person_id = @id", ("id", animator)) == 1, "the animator is qualified");
        var club = await (await Client.PostAsJsonAsync(Api, open)).ExpectAsync(201);
        Assert.Equal(epci, club.GetProperty("epci").GetString());
        Assert.Equal("84", club.GetProperty("region").GetString());
        Assert.Equal(AmbassadorsApp.Aura, club.GetProperty("regionalUnion").GetString());
        Assert.Equal("Open", club.GetProperty("status").GetString());
        Assert.Equal(1, await EventsAsync("ClubOpened", club.GetProperty("id").GetGuid()));

        // One club per area.
        await (await Client.PostAsJsonAsync(Api, open with { })).ExpectRuleAsync("one-open-club-per-epci");
        Assert.Equal(1, await ClubsOfAsync(epci));
    }

    [Fact]
    public async Task Bad_input_names_each_field_and_a_delegate_opens_only_in_their_union()
    {
        await (await Client.PostAsJsonAsync(Api, new { name = " ", epci = "12345", animators = Array.Empty<Guid>() }))
            .ExpectInvalidAsync("name", "epci", "animators");
        var animator = await QualifiedAsync();
        using var ouest = App.CreateClient(AmbassadorsApp.DelegateToken(AmbassadorsApp.Ouest));
        var response = await ouest.PostAsJsonAsync(Api, new { name = "Club", epci = Epci(1), animators = new[] { animator } });
        await response.ExpectAsync(403);
        Assert.Equal(0, await ClubsOfAsync(Epci(1)));
        using var aura = App.CreateClient(AmbassadorsApp.DelegateToken(AmbassadorsApp.Aura));
        await (await aura.PostAsJsonAsync(Api, new { name = "Club", epci = Epci(1), animators = new[] { animator } })).ExpectAsync(201);
    }

    [Fact]
    public async Task Members_join_a_meeting_records_the_attendance_of_members_only_and_the_public_sees_no_person()
    {
        var animator = await QualifiedAsync();
        var id = await OpenAsync(Epci(2), animator);
        var member = Guid.NewGuid();
        var stranger = Guid.NewGuid();
        using var memberClient = App.CreateClient(AmbassadorsApp.MemberToken(member));
        using var strangerClient = App.CreateClient(AmbassadorsApp.MemberToken(stranger));
        using var animatorClient = App.CreateClient(AmbassadorsApp.ElectedToken(animator));
        using var otherDelegate = App.CreateClient(AmbassadorsApp.DelegateToken(AmbassadorsApp.Ouest));

        // The roster is its people's, its union's and staff's only.
        await (await strangerClient.GetAsync($"{Api}/{id}/roster")).ExpectAsync(404);
        await (await otherDelegate.GetAsync($"{Api}/{id}/roster")).ExpectAsync(404);
        var cooperative = await App.CooperativeAsync();
        var joined = await (await memberClient.PostAsJsonAsync($"{Api}/{id}/members", new { cooperativeId = cooperative })).ExpectAsync(200);
        Assert.Equal("Member", joined.GetProperty("role").GetString());
        Assert.Equal(member, joined.GetProperty("personId").GetGuid());
        // A member adds no one else; a plain member is no animator.
        await (await memberClient.PostAsJsonAsync($"{Api}/{id}/members", new { personId = stranger })).ExpectAsync(403);
        var roster = await (await memberClient.GetAsync($"{Api}/{id}/roster")).ExpectAsync(200);
        Assert.Equal(2, roster.GetProperty("totalCount").GetInt64());

        var today = App.Today;
        var meeting = new { heldOn = today, place = "Salle de la Maison des SCOP", communeCode = AmbassadorsApp.Lyon,
            agenda = "Présentations; la reprise d'entreprises en SCOP.", attendance = new[] { animator, member, stranger } };
        var refused = await (await animatorClient.PostAsJsonAsync($"{Api}/{id}/meetings", meeting)).ExpectRuleAsync("attendance-of-members");
        Assert.Equal([stranger.ToString()], refused.GetProperty("missing").EnumerateArray().Select(m => m.GetString()));
        await (await memberClient.PostAsJsonAsync($"{Api}/{id}/meetings", meeting with { attendance = new[] { member } })).ExpectAsync(403);
        await (await animatorClient.PostAsJsonAsync($"{Api}/{id}/meetings", new { heldOn = today.AddDays(1), place = "", agenda = "" }))
            .ExpectInvalidAsync("heldOn", "place", "agenda");
        Assert.Equal(0, await App.ScalarAsync("SELECT count(*) FROM club_meetings WHERE club_id = @id", ("id", id)));

        // Sent twice with its Idempotency-Key (as the web's form does): recorded once, the same answer twice.
        async Task<JsonElement> RecordOnceAsync()
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"{Api}/{id}/meetings")
            {
                Content = JsonContent.Create(meeting with { attendance = new[] { animator, member } }),
            };
            request.Headers.Add("Idempotency-Key", "meeting-of-the-club");
            return await (await animatorClient.SendAsync(request)).ExpectAsync(201);
        }

        var held = await RecordOnceAsync();
        Assert.Equal(held.GetProperty("id").GetGuid(), (await RecordOnceAsync()).GetProperty("id").GetGuid());
        Assert.Equal(2, held.GetProperty("attendanceCount").GetInt32());
        Assert.Equal(1, await EventsAsync("ClubMeetingHeld", id));
        var meetings = await (await memberClient.GetAsync($"{Api}/{id}/meetings")).ExpectAsync(200);
        Assert.Equal(1, meetings.GetProperty("totalCount").GetInt64());
        await (await strangerClient.GetAsync($"{Api}/{id}/meetings")).ExpectAsync(404);

        // The public: the club, its meeting count and last meeting, no person.
        var text = await (await Public.GetAsync($"{Api}/{id}")).Content.ReadAsStringAsync();
        var view = JsonDocument.Parse(text).RootElement;
        Assert.Equal(1, view.GetProperty("meetingCount").GetInt32());
        Assert.Equal(today.ToString("yyyy-MM-dd"), view.GetProperty("lastMeetingOn").GetString());
        Assert.DoesNotContain(member.ToString(), text);
        Assert.DoesNotContain(animator.ToString(), text);
        var list = await (await Public.GetAsync($"{Api}?region=84&status=Open&pageSize=100")).ExpectAsync(200);
        Assert.Contains(id, list.GetProperty("items").EnumerateArray().Select(c => c.GetProperty("id").GetGuid()));
        await (await Public.GetAsync($"{Api}?status=Asleep&pageSize=1000")).ExpectInvalidAsync("status", "pageSize");

        // Erasure: the member leaves the roster and the attendance; the count stays.
        await App.PublishAsync(new PersonErased(Guid.NewGuid(), App.Time.GetUtcNow(), member));
        await AmbassadorsApp.WaitUntilAsync(async () => await App.ScalarAsync(
            "SELECT count(*) FROM club_participants WHERE person_id = @id", ("id", member)) == 0, "the member was erased");
        Assert.Equal(0, await App.ScalarAsync("SELECT count(*) FROM club_meetings WHERE @id = ANY (attendees)", ("id", member)));
        Assert.Equal(2, await App.ScalarAsync("SELECT attendance_count::bigint FROM club_meetings WHERE club_id = @id", ("id", id)));
    }

    [Fact]
    public async Task A_club_without_a_meeting_for_six_months_turns_dormant_and_a_meeting_revives_it()
    {
        var animator = await QualifiedAsync();
        var id = await OpenAsync(Epci(3), animator);
        using var animatorClient = App.CreateClient(AmbassadorsApp.ElectedToken(animator));

        // A meeting 100 days in: the opening's timer fires at six months and finds a newer meeting.
        App.Advance(TimeSpan.FromDays(100));
        await (await animatorClient.PostAsJsonAsync($"{Api}/{id}/meetings", Meeting(App.Today, animator))).ExpectAsync(201);
        App.Advance(TimeSpan.FromDays(90));
        await AmbassadorsApp.WaitUntilAsync(async () => await InboxAsync(id) >= 1, "the opening's timer fired");
        Assert.Equal("Open", await StatusAsync(id));
        Assert.Equal(0, await EventsAsync("ClubDormant", id));

        // Six months after the meeting: dormant.
        App.Advance(TimeSpan.FromDays(100));
        await AmbassadorsApp.WaitUntilAsync(async () => await EventsAsync("ClubDormant", id) == 1, "the club turned dormant");
        Assert.Equal("Dormant", await StatusAsync(id));

        // A meeting wakes it, and arms the next timer.
        await (await animatorClient.PostAsJsonAsync($"{Api}/{id}/meetings", Meeting(App.Today, animator))).ExpectAsync(201);
        Assert.Equal("Open", await StatusAsync(id));
        Assert.Equal(1, await EventsAsync("ClubRevived", id));

        // Staff close it, with the version read and a reason; the area is free for another club.
        var etag = (await Public.GetAsync($"{Api}/{id}")).Headers.ETag!.Tag;
        using (var noMatch = new HttpRequestMessage(HttpMethod.Post, $"{Api}/{id}/close") { Content = JsonContent.Create(new { reason = "x" }) })
        {
            await (await Client.SendAsync(noMatch)).ExpectAsync(428);
        }

        using var close = new HttpRequestMessage(HttpMethod.Post, $"{Api}/{id}/close")
            { Content = JsonContent.Create(new { reason = "Les membres ont rejoint le club voisin." }) };
        close.Headers.TryAddWithoutValidation("If-Match", etag);
        var closed = await (await Client.SendAsync(close)).ExpectAsync(200);
        Assert.Equal("Closed", closed.GetProperty("status").GetString());
        Assert.Equal(1, await EventsAsync("ClubClosed", id));
        await (await animatorClient.PostAsJsonAsync($"{Api}/{id}/meetings", Meeting(App.Today, animator))).ExpectRuleAsync("club-not-closed");
        await OpenAsync(Epci(3), animator);
    }

    private static object Meeting(DateOnly on, Guid present) =>
        new { heldOn = on, place = "Maison des SCOP", agenda = "Tour de table.", attendance = new[] { present } };

    private async Task<string?> StatusAsync(Guid id) =>
        (await (await Public.GetAsync($"{Api}/{id}")).ExpectAsync(200)).GetProperty("status").GetString();

    /// <summary>The club's dormancy timers that fired and were consumed.</summary>
    private Task<long> InboxAsync(Guid id) => App.ScalarAsync(
        "SELECT count(*) FROM inbox_messages i JOIN outbox_messages o ON o.id = i.message_id " +
        "WHERE i.consumer LIKE '%ClubDormancyConsumer' AND o.message_type LIKE '%ClubDormancyDue,%' AND o.body->>'clubId' = @id",
        ("id", id.ToString()));

    private string Epci(int n) => App.AuraEpcis()[n];

    private static TrainingCompleted Completed(Guid person, string title, string path) =>
        AmbassadorsApp.AnimatorModuleCompleted(person, title, path);

    private Task<Guid> QualifiedAsync() => App.QualifiedAnimatorAsync();

    private Task<Guid> OpenAsync(string epci, Guid animator) => AmbassadorsApp.OpenClubAsync(Client, epci, animator);

    private Task<long> ClubsOfAsync(string epci) => App.ScalarAsync("SELECT count(*) FROM clubs WHERE epci = @e", ("e", epci));

    private Task<long> EventsAsync(string type, Guid club) => App.ScalarAsync(
        "SELECT count(*) FROM outbox_messages WHERE message_type LIKE @type AND body->>'clubId' = @id",
        ("type", $"Scop.Aspire.Contracts.Ambassadors.{type},%"), ("id", club.ToString()));
}
