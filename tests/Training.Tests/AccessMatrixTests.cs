using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Scop.Aspire.ServiceDefaults.Security;
using Scop.Aspire.Testing.Access;
using Scop.Aspire.Training.Tests.Support;
using static Scop.Aspire.Testing.Access.AccessRequests;

namespace Scop.Aspire.Training.Tests;

/// <summary>
/// Every endpoint the training service maps, against every kind of caller: what each gets, through the service's real
/// token validation. The records are a person's (<see cref="Caller.TheMember"/>) of a cooperative of Auvergne-Rhône-Alpes:
/// their bookings, waiting-list entry, invitation and passport.
/// </summary>
[Collection(TrainingServersCollection.Name)]
public sealed class AccessMatrixTests(TrainingServers servers, TrainingAppPerClass perClass)
    : TrainingTestBase(servers, perClass), IClassFixture<TrainingAppPerClass>
{
    private const string Api = "/api/training";

    [Fact]
    public async Task Every_mapped_endpoint_names_a_policy_and_answers_each_caller_as_the_matrix_says()
    {
        // Today becomes the next working day at 9:00, so that attendance can be recorded at a session starting today.
        // The next one, not this one: the clock starts at the hour the suite runs, and it only moves forward.
        var today = App.WorkingDay(1);
        App.Advance(today.ToDateTime(new TimeOnly(9, 0)) - App.Time.GetUtcNow().UtcDateTime);
        var year = today.Year;
        await (await Client.PutAsJsonAsync($"{Api}/funds/{year + 1}", new JsonObject { ["budgetCents"] = 1_000_000 })).ExpectAsync(200);

        // The person, their cooperative and a colleague (booked before them on full sessions).
        var people = await App.HireAsync(2);
        var (person, colleague) = (people[0], people[1]);
        var cooperative = await App.CooperativeOfAsync(person);
        var subject = new AccessSubject(cooperative, TrainingApp.Aura, person);

        var course = await App.CreateCourseAsync(Client);
        var courseTitle = (await (await Client.GetAsync($"{Api}/courses/{course}")).ExpectAsync(200)).GetProperty("title").GetString()!;
        var later = App.WorkingDay(60);
        var open = await App.CreateSessionAsync(Client, capacity: 1_000, courseId: course, startsOn: later);
        var startingToday = await App.CreateSessionAsync(Client, capacity: 100, courseId: course, startsOn: today);
        var funded = await App.CreateSessionAsync(Client, capacity: 100, priceCents: 20_000, courseId: course,
            startsOn: App.WorkingDay(new DateOnly(year + 1, 3, 2).DayNumber - today.DayNumber));

        // Their booking, with a decision of the fund; their completed course; their place on a waiting list.
        var booking = await BookAsync(open, person);
        await (await TrainingApp.BookAsync(Client, funded, TrainingApp.Booking([person], requestFunding: true))).ExpectAsync(201);
        var completed = await BookAsync(startingToday, person, confirm: true);
        await (await Client.PostAsJsonAsync($"{Api}/bookings/{completed}/attendees/{person}/attendance",
            new JsonObject { ["present"] = true })).ExpectAsync(200);
        var certificate = (await (await Client.PostAsync($"{Api}/bookings/{completed}/attendees/{person}/completion", null))
            .ExpectAsync(200)).GetProperty("certificateNumber").GetString()!;
        var (full, entry) = await WaitingAsync(person, colleague);

        var matrix = new AccessMatrix()
            //                                                       anon mem  self mgr  mgr2 elec dlg  dlg2 fed  adm  partner
            .Row("GET /api/training/ping",                          "* 200", () => Get($"{Api}/ping"))
            .Row("* /health",                                       "* 200", () => Get("/health"))
            .Row("* /alive",                                        "* 200", () => Get("/alive"))
            .Row("GET /openapi/{documentName}.json",                "* 200", () => Get("/openapi/v1.json"))
            .Row("GET /api/training/public/targets/{year:int}",     "* 200", () => Get($"{Api}/public/targets/{year}"))
            .Row("POST /api/training/courses",                      "401  403  403  403  403  403  403  403  201  201  403",
                () => Post($"{Api}/courses", $$"""{"title":"Course {{Guid.NewGuid():N}}","path":"Cooperative","durationHours":7}"""))
            .Row("GET /api/training/courses/{id:guid}",             "401  200  200  200  200  200  200  200  200  200  200",
                () => Get($"{Api}/courses/{course}"), marker: courseTitle)
            .Row("GET /api/training/courses",                       "401  200  200  200  200  200  200  200  200  200  200",
                () => Get($"{Api}/courses?pageSize=100"), marker: courseTitle)
            .Row("GET /api/training/holidays/{year:int}",           "401  200  200  200  200  200  200  200  200  200  200",
                () => Get($"{Api}/holidays/{year}"))
            .Row("POST /api/training/sessions",                     "401  403  403  403  403  403  403  403  201  201  403",
                () => Post($"{Api}/sessions", SessionJson(course, later, "Open")))
            .Row("GET /api/training/sessions/{id:guid}",            "401  200  200  200  200  200  200  200  200  200  200",
                () => Get($"{Api}/sessions/{open}"), marker: course.ToString())
            .Row("GET /api/training/sessions",                      "401  200  200  200  200  200  200  200  200  200  200",
                () => Get($"{Api}/sessions?courseId={course}&pageSize=100"), marker: open.ToString())
            .Row("POST /api/training/sessions/{id:guid}/open",      "401  403  403  403  403  403  403  403  200  200  403",
                async _ => Post($"{Api}/sessions/{await NewSessionAsync(course, later, "Draft")}/open"))
            .Row("POST /api/training/sessions/{id:guid}/close",     "401  403  403  403  403  403  403  403  200  200  403",
                async _ => Post($"{Api}/sessions/{await NewSessionAsync(course, later, "Open")}/close"))
            .Row("POST /api/training/sessions/{id:guid}/held",      "401  403  403  403  403  403  403  403  200  200  403",
                async _ => Post($"{Api}/sessions/{await NewSessionAsync(course, today, "Open")}/held"))
            .Row("POST /api/training/sessions/{id:guid}/cancel",    "401  403  403  403  403  403  403  403  200  200  403",
                async _ => Post($"{Api}/sessions/{await NewSessionAsync(course, later, "Open")}/cancel"))
            // The person books themselves; their manager and their union's delegate book them; nobody else does.
            .Row("POST /api/training/sessions/{id:guid}/bookings",  "401  403  201  201  403  403  201  403  201  201  403",
                () => Post($"{Api}/sessions/{open}/bookings", TrainingApp.Booking([person]).ToJsonString()))
            .Row("GET /api/training/bookings/{id:guid}",            "401  404  200  200  404  404  200  404  200  200  403",
                () => Get($"{Api}/bookings/{booking}"), marker: person.ToString())
            .Row("GET /api/training/bookings",                      "401  200- 200  200  200- 200- 200  200- 200  200  403",
                () => Get($"{Api}/bookings?pageSize=100"), marker: person.ToString())
            .Row("POST /api/training/bookings/{id:guid}/confirm",   "401  404  200  200  404  404  200  404  200  200  403",
                async _ => Post($"{Api}/bookings/{await BookAsync(open, person)}/confirm"), marker: person.ToString())
            .Row("POST /api/training/bookings/{id:guid}/cancel",    "401  404  200  200  404  404  200  404  200  200  403",
                async _ => Post($"{Api}/bookings/{await BookAsync(open, person)}/cancel"), marker: person.ToString())
            // Attendance is staff's and the union's delegates', never the person's own or their cooperative's.
            .Row("POST /api/training/bookings/{id:guid}/attendees/{personId:guid}/attendance",
                                                                    "401  403  403  403  403  403  200  404  200  200  403",
                async _ => Post($"{Api}/bookings/{await BookAsync(startingToday, person, confirm: true)}/attendees/{person}/attendance",
                    """{"present":true}"""))
            .Row("POST /api/training/bookings/{id:guid}/attendees/{personId:guid}/completion",
                                                                    "401  403  403  403  403  403  200  404  200  200  403",
                async _ => Post($"{Api}/bookings/{await AttendedAsync(startingToday, person)}/attendees/{person}/completion"))
            .Row("GET /api/training/waitlist/{id:guid}",            "401  404  200  200  404  404  200  404  200  200  403",
                () => Get($"{Api}/waitlist/{entry}"), marker: full.ToString())
            .Row("GET /api/training/sessions/{id:guid}/waitlist",   "401  200- 200  200  200- 200- 200  200- 200  200  403",
                () => Get($"{Api}/sessions/{full}/waitlist"), marker: entry.ToString())
            .Row("POST /api/training/waitlist/leave/{token}",       "* 200",
                async _ => Post((await WaitingLinkAsync(person, colleague))))
            // The fund's budget and decisions are staff's.
            .Row("PUT /api/training/funds/{year:int}",              "401  403  403  403  403  403  403  403  200  200  403",
                () => Put($"{Api}/funds/{year + 2}", """{"budgetCents":500000}"""))
            .Row("GET /api/training/funds/{year:int}",              "401  403  403  403  403  403  403  403  200  200  403",
                () => Get($"{Api}/funds/{year + 1}"))
            .Row("GET /api/training/funds/{year:int}/decisions",    "401  403  403  403  403  403  403  403  200  200  403",
                () => Get($"{Api}/funds/{year + 1}/decisions"), marker: cooperative.ToString())
            .Row("GET /api/training/people/{personId:guid}/passport", "401  404  200  200  404  404  200  404  200  200  403",
                () => Get($"{Api}/people/{person}/passport"), marker: certificate)
            .Row("GET /api/training/targets/{year:int}",            "401  200  200  200  200  200  200  200  200  200  200",
                () => Get($"{Api}/targets/{year}"))
            .Row("GET /api/training/invitations",                   "401  200- 200  200  200- 200- 200  200- 200  200  403",
                () => Get($"{Api}/invitations?pageSize=100"), marker: person.ToString());

        matrix.AssertCoversEveryEndpoint(App.Services);
        using var client = App.CreateClient();
        await matrix.AssertOutcomesAsync(client, caller => Task.FromResult(AccessCallers.TokenOf(caller, PlatformAudiences.Training, subject)));
    }

    private static string SessionJson(Guid course, DateOnly startsOn, string status) =>
        $$"""{"courseId":"{{course}}","startsOn":"{{startsOn:yyyy-MM-dd}}","regionalUnion":"urscop-aura","communeCode":"69123","capacity":10,"priceCents":0,"status":"{{status}}"}""";

    private async Task<Guid> NewSessionAsync(Guid course, DateOnly startsOn, string status) =>
        (await (await Client.PostAsync($"{Api}/sessions", new StringContent(SessionJson(course, startsOn, status),
            System.Text.Encoding.UTF8, "application/json"))).ExpectAsync(201)).GetProperty("id").GetGuid();

    /// <summary>A hold (confirmed if asked) for the person, made by staff.</summary>
    private async Task<Guid> BookAsync(Guid session, Guid person, bool confirm = false)
    {
        var id = (await (await TrainingApp.BookAsync(Client, session, TrainingApp.Booking([person]))).ExpectAsync(201))
            .GetProperty("id").GetGuid();
        if (confirm)
        {
            await (await Client.PostAsync($"{Api}/bookings/{id}/confirm", null)).ExpectAsync(200);
        }

        return id;
    }

    private async Task<Guid> AttendedAsync(Guid session, Guid person)
    {
        var id = await BookAsync(session, person, confirm: true);
        await (await Client.PostAsJsonAsync($"{Api}/bookings/{id}/attendees/{person}/attendance",
            new JsonObject { ["present"] = true })).ExpectAsync(200);
        return id;
    }

    /// <summary>A session of one seat, taken by the colleague; the person waits for it.</summary>
    private async Task<(Guid Session, Guid Entry)> WaitingAsync(Guid person, Guid colleague)
    {
        var session = await App.CreateSessionAsync(Client, capacity: 1);
        await BookAsync(session, colleague);
        var waiting = await (await TrainingApp.BookAsync(Client, session, TrainingApp.Booking([person]))).ExpectAsync(202);
        return (session, waiting.GetProperty("id").GetGuid());
    }

    private async Task<string> WaitingLinkAsync(Guid person, Guid colleague)
    {
        var session = await App.CreateSessionAsync(Client, capacity: 1);
        await BookAsync(session, colleague);
        var waiting = await (await TrainingApp.BookAsync(Client, session, TrainingApp.Booking([person]))).ExpectAsync(202);
        return waiting.GetProperty("leaveLink").GetString()!;
    }
}
