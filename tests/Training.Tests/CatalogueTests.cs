using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Scop.Aspire.Training.Tests.Support;
using Scop.Aspire.ServiceDefaults;

namespace Scop.Aspire.Training.Tests;

[Collection(TrainingServersCollection.Name)]
public sealed class CatalogueTests(TrainingServers servers, TrainingAppPerClass perClass)
    : TrainingTestBase(servers, perClass), IClassFixture<TrainingAppPerClass>
{
    [Fact]
    public async Task A_course_and_its_session_are_created_readable_and_listed()
    {
        var course = await App.CreateCourseAsync(Client, "ElectedOfficials");
        var session = await App.CreateSessionAsync(Client, capacity: 12, priceCents: 25_000, courseId: course);

        var read = await (await Client.GetAsync($"/api/training/sessions/{session}")).ExpectAsync(200);
        Assert.Equal(12, read.GetProperty("capacity").GetInt32());
        Assert.Equal(12, read.GetProperty("seatsLeft").GetInt32());
        Assert.Equal("Open", read.GetProperty("status").GetString());
        Assert.Equal("urscop-aura", read.GetProperty("regionalUnion").GetString());

        var list = await (await Client.GetAsync($"/api/training/sessions?courseId={course}&pageSize=5")).ExpectAsync(200);
        Assert.Equal(1, list.GetProperty("totalCount").GetInt64());
        var courses = await (await Client.GetAsync("/api/training/courses?path=ElectedOfficials")).ExpectAsync(200);
        Assert.Contains(courses.GetProperty("items").EnumerateArray(), c => c.GetProperty("id").GetGuid() == course);
    }

    [Theory]
    [InlineData("2026-05-25", "Lundi de Pentecôte")] // Whit Monday
    [InlineData("2027-05-06", "Ascension")]
    [InlineData("2027-03-29", "Lundi de Pâques")]
    public async Task No_session_on_a_public_holiday(string day, string holiday)
    {
        var date = DateOnly.Parse(day);
        if (date <= ParisCalendar.Today(App.Time))
        {
            date = new DateOnly(date.Year + 2, 1, 1); // keep the test meaningful after its dates have passed
            holiday = "Jour de l'an";
        }

        var course = await App.CreateCourseAsync(Client);
        var sessionsBefore = await App.CountAsync("sessions");
        var body = new JsonObject
        {
            ["courseId"] = course.ToString(),
            ["startsOn"] = date.AddDays(-1).ToString("yyyy-MM-dd"),
            ["endsOn"] = date.ToString("yyyy-MM-dd"),
            ["regionalUnion"] = "urscop-aura",
            ["communeCode"] = "69123",
            ["capacity"] = 10,
            ["priceCents"] = 0,
        };
        var problem = await (await Client.PostAsJsonAsync("/api/training/sessions", body)).ExpectAsync(400);
        Assert.Contains(holiday, problem.GetProperty("errors").GetProperty("startsOn")[0].GetString());
        Assert.Equal(sessionsBefore, await App.CountAsync("sessions"));
    }

    [Fact]
    public async Task Bad_input_is_a_400_naming_each_field_and_writes_nothing()
    {
        var before = (await App.CountAsync("courses"), await App.CountAsync("sessions"));
        var course = new JsonObject { ["title"] = "", ["path"] = "Astrology", ["durationHours"] = 0 };
        var errors = (await (await Client.PostAsJsonAsync("/api/training/courses", course)).ExpectAsync(400)).GetProperty("errors");
        Assert.True(errors.TryGetProperty("title", out _));
        Assert.True(errors.TryGetProperty("path", out _));
        Assert.True(errors.TryGetProperty("durationHours", out _));

        var session = new JsonObject
        {
            ["courseId"] = Guid.NewGuid().ToString(), ["startsOn"] = "2001-01-02", ["regionalUnion"] = "URSCOP AURA!",
            ["communeCode"] = "123", ["capacity"] = 0, ["priceCents"] = -1,
        };
        errors = (await (await Client.PostAsJsonAsync("/api/training/sessions", session)).ExpectAsync(400)).GetProperty("errors");
        foreach (var field in new[] { "courseId", "startsOn", "regionalUnion", "communeCode", "capacity", "priceCents" })
        {
            Assert.True(errors.TryGetProperty(field, out _), field);
        }

        var typed = await (await Client.PostAsync("/api/training/sessions",
            new StringContent("{\"capacity\":\"lots\"}", System.Text.Encoding.UTF8, "application/json"))).ExpectAsync(400);
        Assert.True(typed.GetProperty("errors").TryGetProperty("capacity", out _));

        var paging = await (await Client.GetAsync("/api/training/sessions?pageSize=500")).ExpectAsync(400);
        Assert.True(paging.GetProperty("errors").TryGetProperty("pageSize", out _));
        Assert.Equal(before, (await App.CountAsync("courses"), await App.CountAsync("sessions")));
        await (await Client.GetAsync($"/api/training/sessions/{Guid.NewGuid()}")).ExpectAsync(404);
    }

    [Fact]
    public async Task The_same_Idempotency_Key_answers_the_first_session_again()
    {
        var course = await App.CreateCourseAsync(Client);
        var body = new JsonObject
        {
            ["courseId"] = course.ToString(), ["startsOn"] = App.WorkingDay(40).ToString("yyyy-MM-dd"),
            ["remote"] = true, ["regionalUnion"] = "urscop-ouest", ["capacity"] = 30, ["priceCents"] = 0,
        };
        async Task<Guid> PostAsync()
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/training/sessions") { Content = JsonContent.Create(body) };
            request.Headers.Add("Idempotency-Key", $"session-{course}");
            return (await (await Client.SendAsync(request)).ExpectAsync(201)).GetProperty("id").GetGuid();
        }

        Assert.Equal(await PostAsync(), await PostAsync());
        Assert.Equal(1, await App.ScalarAsync("SELECT count(*) FROM sessions WHERE course_id = @c", ("c", course)));
    }
}
