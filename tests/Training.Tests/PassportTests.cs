using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Scop.Aspire.Contracts.Membership;
using Scop.Aspire.Training.Tests.Support;

namespace Scop.Aspire.Training.Tests;

/// <summary>Attendance, completion, the competence passport, the yearly targets and erasure, on one timeline.</summary>
[Collection(TrainingServersCollection.Name)]
public sealed class PassportTests(TrainingServers servers, TrainingAppPerClass perClass)
    : TrainingTestBase(servers, perClass), IClassFixture<TrainingAppPerClass>
{
    [Fact]
    public async Task Completing_a_course_fills_the_passport_publishes_TrainingCompleted_counts_for_targets_and_erasure_anonymises()
    {
        var startsOn = App.WorkingDay(10);
        var course = await App.CreateCourseAsync(Client, "Management");
        var aura = await App.CreateSessionAsync(Client, capacity: 10, courseId: course, startsOn: startsOn);
        var ouest = await App.CreateSessionAsync(Client, capacity: 10, courseId: course, startsOn: startsOn, regionalUnion: "urscop-ouest");
        var pair = await App.HireAsync(2);
        var (alice, bob) = (pair[0], pair[1]);
        var carla = (await App.HireAsync(1, union: "urscop-ouest", role: PersonRoles.Manager))[0];
        var group = await Book(aura, TrainingApp.Booking([alice, bob]));
        var manager = await Book(ouest, TrainingApp.Booking([carla], role: "Manager"));
        // A course that requires this one: refused for now.
        var advanced = await App.CreateCourseAsync(Client, "Management", prerequisites: [course]);
        var advancedSession = await App.CreateSessionAsync(Client, capacity: 5, courseId: advanced, startsOn: App.WorkingDay(40));
        await (await TrainingApp.BookAsync(Client, advancedSession, TrainingApp.Booking([alice]))).ExpectAsync(409);

        // Not before the session started.
        await (await Client.PostAsJsonAsync($"/api/training/bookings/{group}/attendees/{alice}/attendance",
            new JsonObject { ["present"] = true })).ExpectAsync(409);
        App.Advance(startsOn.ToDateTime(new TimeOnly(9, 0)) - App.Time.GetUtcNow().UtcDateTime);

        await Attend(group, alice, true);
        await Attend(group, bob, false);
        await Attend(manager, carla, true);
        await (await Client.PostAsync($"/api/training/bookings/{group}/attendees/{bob}/completion", null)).ExpectAsync(409);
        var completed = await (await Client.PostAsync($"/api/training/bookings/{group}/attendees/{alice}/completion", null)).ExpectAsync(200);
        var certificate = completed.GetProperty("certificateNumber").GetString()!;
        Assert.Matches(@"^SCOP-\d{4}-\d{6}$", certificate);

        var passport = await (await Client.GetAsync($"/api/training/people/{alice}/passport")).ExpectAsync(200);
        var entry = Assert.Single(passport.GetProperty("items").EnumerateArray());
        Assert.Equal(certificate, entry.GetProperty("certificateNumber").GetString());
        Assert.Equal(course, entry.GetProperty("courseId").GetGuid());
        Assert.Equal(1, await App.ScalarAsync(
            "SELECT count(*) FROM outbox_messages WHERE message_type LIKE 'Scop.Aspire.Contracts.Training.TrainingCompleted,%' AND body->>'personId' = @p AND body->>'certificateNumber' = @c",
            ("p", alice.ToString()), ("c", certificate)));

        // Now the prerequisite is met.
        await (await TrainingApp.BookAsync(Client, advancedSession, TrainingApp.Booking([alice]))).ExpectAsync(201);

        // Targets: Alice (employee, AURA) and Carla (manager, Ouest) entered training; Bob was absent.
        var targets = await (await Client.GetAsync($"/api/training/targets/{startsOn.Year}")).ExpectAsync(200);
        Assert.Equal(1, targets.GetProperty("employees").GetProperty("people").GetInt32());
        AssertTargetIsFivePercentOfTheRegister(targets.GetProperty("employees"));
        Assert.Equal(1, targets.GetProperty("managers").GetProperty("people").GetInt32());
        AssertTargetIsFivePercentOfTheRegister(targets.GetProperty("managers"));
        var unions = targets.GetProperty("byRegionalUnion").EnumerateArray()
            .ToDictionary(u => u.GetProperty("regionalUnion").GetString()!, u => (u.GetProperty("employees").GetInt32(), u.GetProperty("managers").GetInt32()));
        Assert.Equal((1, 0), unions["urscop-aura"]);
        Assert.Equal((0, 1), unions["urscop-ouest"]);

        // Erasure: Alice's passport and bookings no longer lead to her; she still counts once in the targets.
        await App.PublishAsync(new PersonErased(Guid.NewGuid(), App.Time.GetUtcNow(), alice));
        await TrainingApp.WaitUntilAsync(async () => await App.ScalarAsync(
            "SELECT count(*) FROM attendees WHERE person_id = @p", ("p", alice)) == 0, "Alice was anonymised");
        passport = await (await Client.GetAsync($"/api/training/people/{alice}/passport")).ExpectAsync(200);
        Assert.Equal(0, passport.GetProperty("totalCount").GetInt64());
        Assert.Equal(2, await App.ScalarAsync("SELECT count(*) FROM attendees WHERE anonymised"));
        targets = await (await Client.GetAsync($"/api/training/targets/{startsOn.Year}")).ExpectAsync(200);
        Assert.Equal(1, targets.GetProperty("employees").GetProperty("people").GetInt32());
    }

    /// <summary>The target is 5 % of the people the register counts on that side, rounded up per union (TargetsTests).</summary>
    private static void AssertTargetIsFivePercentOfTheRegister(JsonElement line)
    {
        var registered = line.GetProperty("registered").GetInt32();
        Assert.True(registered >= 1, line.ToString());
        Assert.InRange(line.GetProperty("target").GetInt32(), (int)Math.Ceiling(0.05m * registered), (int)Math.Ceiling(0.05m * registered) + 2);
    }

    private async Task<Guid> Book(Guid session, JsonObject body)
    {
        var id = (await (await TrainingApp.BookAsync(Client, session, body)).ExpectAsync(201)).GetProperty("id").GetGuid();
        await (await Client.PostAsync($"/api/training/bookings/{id}/confirm", null)).ExpectAsync(200);
        return id;
    }

    private async Task Attend(Guid booking, Guid person, bool present) =>
        await (await Client.PostAsJsonAsync($"/api/training/bookings/{booking}/attendees/{person}/attendance",
            new JsonObject { ["present"] = present })).ExpectAsync(200);
}
