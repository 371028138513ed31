using System.Net.Http.Json;
using System.Text.Json;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Scop.Aspire.Contracts.Training;
using Scop.Aspire.Membership.Tests.Support;
using Scop.Aspire.ServiceDefaults.Security;
using Scop.Aspire.Testing;
using Scop.Aspire.Testing.Access;
using static Scop.Aspire.Testing.Access.AccessRequests;
using Scop.Aspire.ServiceDefaults;

namespace Scop.Aspire.Membership.Tests;

/// <summary>
/// Every endpoint the membership service maps, against every kind of caller, through its real token validation. The
/// records are a cooperative of Lyon (Auvergne-Rhône-Alpes) and a person it hired.
/// </summary>
[Collection(MembershipServersCollection.Name)]
public sealed class AccessMatrixTests(MembershipServers servers, MembershipAppPerClass perClass)
    : IClassFixture<MembershipAppPerClass>, IAsyncLifetime
{
    private const string Api = "/api/membership";
    private MembershipApp app = null!;
    private int events; // each declared event on a day of its own: the same event again is the first one
    private HttpClient admin = null!;

    public async Task InitializeAsync()
    {
        app = await perClass.GetAsync(servers);
        admin = app.CreateClient(TestTokens.For(PlatformAudiences.Membership, PlatformRoles.ConfederationAdmin));
    }

    public Task DisposeAsync()
    {
        admin.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Every_mapped_endpoint_names_a_policy_and_answers_each_caller_as_the_matrix_says()
    {
        var (cooperative, siren) = await RegisterAsync();
        var person = await HireAsync(cooperative);
        var personId = person.GetProperty("id").GetGuid();
        var familyName = person.GetProperty("familyName").GetString()!;
        var card = person.GetProperty("cardNumber").GetString()!;
        await HttpAnswers.ExpectAsync(admin.PostAsJsonAsync($"{Api}/cooperatives/{cooperative}/membership",
            new { termKind = "rolling", duesCents = 50_000 }), 201);
        var kit = (await HttpAnswers.ExpectAsync(admin.PostAsJsonAsync($"{Api}/cooperatives/{cooperative}/events",
            new { kind = "agm", heldOn = Day(40) }), 201)).GetProperty("kitId").GetGuid();
        await HttpAnswers.ExpectAsync(admin.PostAsJsonAsync($"{Api}/people/{personId}/benefit-enrolments", new { benefitCode = "union-sociale" }), 201);
        await TrainedAsync(personId, cooperative);
        await HttpAnswers.ExpectAsync(admin.PostAsJsonAsync($"{Api}/people/{personId}/mandates", Mandate), 201);
        var subject = new AccessSubject(cooperative, "urscop-aura", personId);

        var matrix = new AccessMatrix()
            //                                                            anon mem  self mgr  mgr2 elec dlg  dlg2 fed  adm  partner
            .Row("GET /api/membership/ping",                             "* 200", () => Get($"{Api}/ping"))
            .Row("* /health",                                            "* 200", () => Get("/health"))
            .Row("* /alive",                                             "* 200", () => Get("/alive"))
            .Row("GET /openapi/{documentName}.json",                     "* 200", () => Get("/openapi/v1.json"))
            // The public card and figures, for the web front-end's public pages: nothing a scope protects.
            .Row("GET /api/membership/public/cooperatives/{id:guid}",    "* 200", () => Get($"{Api}/public/cooperatives/{cooperative}"))
            .Row("GET /api/membership/public/figures",                   "* 200", () => Get($"{Api}/public/figures"))
            // A cooperative is registered by its union's delegates and the confederation; read by them, its manager, staff.
            // What a cooperative does for itself (hire, roles, departures, dues, its events) its own manager does too.
            .Row("POST /api/membership/cooperatives/",                   "401  403  403  403  403  403  201  403  403  201  403",
                () => Post($"{Api}/cooperatives", TestData.Registration(communeCode: "69123").ToJsonString()))
            .Row("GET /api/membership/cooperatives/",                    "401  403  403  200  200- 403  200  200- 200  200  403",
                () => Get($"{Api}/cooperatives?pageSize=100"), marker: siren)
            .Row("GET /api/membership/cooperatives/{id:guid}",           "401  403  403  200  404  403  200  404  200  200  403",
                () => Get($"{Api}/cooperatives/{cooperative}"), marker: siren)
            .Row("PUT /api/membership/cooperatives/{id:guid}",           "401  403  403  403  403  403  200  404  403  200  403",
                async _ => await UpdateAsync(cooperative), marker: siren)
            .Row("POST /api/membership/cooperatives/{cooperativeId:guid}/people/",
                                                                         "401  403  403  201  404  403  201  404  403  201  403",
                () => Post($"{Api}/cooperatives/{cooperative}/people", HireJson("Martin")))
            .Row("GET /api/membership/cooperatives/{cooperativeId:guid}/people/",
                                                                         "401  403  403  200  404  403  200  404  200  200  403",
                () => Get($"{Api}/cooperatives/{cooperative}/people?pageSize=100"), marker: familyName)
            .Row("GET /api/membership/people/{id:guid}",                 "401  403  403  200  404  403  200  404  200  200  403",
                () => Get($"{Api}/people/{personId}"), marker: familyName)
            .Row("POST /api/membership/people/{id:guid}/roles",          "401  403  403  200  404  403  200  404  403  200  403",
                async _ => Post($"{Api}/people/{await NewPersonAsync(cooperative)}/roles", $$"""{"role":"worker-member","startsOn":"{{Day(-30)}}"}"""))
            .Row("POST /api/membership/people/{id:guid}/leave",          "401  403  403  200  404  403  200  404  403  200  403",
                async _ => Post($"{Api}/people/{await NewPersonAsync(cooperative)}/leave", $$"""{"leftOn":"{{Day(0)}}"}"""))
            // A person's rights over their data, answered by their cooperative's manager too.
            .Row("GET /api/membership/people/{id:guid}/export",          "401  403  403  200  404  403  200  404  403  200  403",
                () => Get($"{Api}/people/{personId}/export"), marker: familyName)
            .Row("POST /api/membership/people/{id:guid}/erasure",        "401  403  403  200  404  403  200  404  403  200  403",
                async _ => Post($"{Api}/people/{await NewPersonAsync(cooperative)}/erasure"))
            .Row("POST /api/membership/cooperatives/{cooperativeId:guid}/membership/",
                                                                         "401  403  403  409  404  403  409  404  403  409  403",
                // It is a member already: whoever may apply for it reaches that rule (a first application: ManagerSelfServiceTests).
                () => Post($"{Api}/cooperatives/{cooperative}/membership", """{"termKind":"rolling","duesCents":50000}"""))
            .Row("GET /api/membership/cooperatives/{cooperativeId:guid}/membership/",
                                                                         "401  403  403  200  404  403  200  404  200  200  403",
                () => Get($"{Api}/cooperatives/{cooperative}/membership"), marker: "Rolling")
            .Row("POST /api/membership/cooperatives/{cooperativeId:guid}/membership/payments",
                                                                         "401  403  403  200  404  403  200  404  403  200  403",
                () => Post($"{Api}/cooperatives/{cooperative}/membership/payments", $$"""{"amountCents":50000,"paidOn":"{{Day(0)}}"}"""))
            // A card's validity is for partners, and says nothing else.
            .Row("GET /api/membership/cards/{number}/validity",          "401  403  403  403  403  403  403  403  403  403  200",
                () => Get($"{Api}/cards/{card}/validity"))
            .Row("GET /api/membership/benefits",                         "401  200  200  200  200  200  200  200  200  200  200",
                () => Get($"{Api}/benefits"), marker: "union-sociale")
            .Row("POST /api/membership/people/{id:guid}/benefit-enrolments/",
                                                                         "401  403  403  403  403  403  201  404  403  201  403",
                async _ => Post($"{Api}/people/{await NewPersonAsync(cooperative)}/benefit-enrolments", """{"benefitCode":"union-sociale"}"""))
            .Row("GET /api/membership/people/{id:guid}/benefit-enrolments/",
                                                                         "401  403  403  200  404  403  200  404  200  200  403",
                () => Get($"{Api}/people/{personId}/benefit-enrolments"), marker: "union-sociale")
            // A person's own record is theirs whatever their role: the token names them (a token naming nobody of the register: 404).
            .Row("GET /api/membership/me/",                              "401  404  200  404  404  404  404  404  404  404  403",
                () => Get($"{Api}/me"), marker: card)
            .Row("GET /api/membership/me/benefit-enrolments",            "401  404  200  404  404  404  404  404  404  404  403",
                () => Get($"{Api}/me/benefit-enrolments"), marker: "union-sociale")
            .Row("POST /api/membership/me/benefit-enrolments",           "401  404  201  404  404  404  404  404  404  404  403",
                () => Post($"{Api}/me/benefit-enrolments", """{"benefitCode":"leisure-discounts"}"""))
            .Row("POST /api/membership/cooperatives/{cooperativeId:guid}/events/",
                                                                         "401  403  403  201  404  403  201  404  403  201  403",
                () => Post($"{Api}/cooperatives/{cooperative}/events", $$"""{"kind":"opening","heldOn":"{{Day(50 + Interlocked.Increment(ref events))}}"}"""))
            .Row("GET /api/membership/cooperatives/{cooperativeId:guid}/events/",
                                                                         "401  403  403  200  404  403  200  404  200  200  403",
                () => Get($"{Api}/cooperatives/{cooperative}/events?pageSize=100"), marker: kit.ToString())
            // Kits are shipped by the confederation's staff.
            .Row("PUT /api/membership/kits/{id:guid}/status",            "401  403  403  403  403  403  403  403  200  200  403",
                async _ => Put($"{Api}/kits/{await NewKitAsync(cooperative)}/status", """{"status":"shipped"}"""))
            .Row("POST /api/membership/people/{id:guid}/mandates/",      "401  403  403  403  403  403  201  404  403  201  403",
                () => Post($"{Api}/people/{personId}/mandates", JsonSerializer.Serialize(Mandate)))
            .Row("GET /api/membership/people/{id:guid}/mandates/",       "401  403  403  200  404  403  200  404  200  200  403",
                () => Get($"{Api}/people/{personId}/mandates"), marker: MandateFields.title);

        matrix.AssertCoversEveryEndpoint(app.Services);
        using var client = app.CreateClient();
        await matrix.AssertOutcomesAsync(client, caller => Task.FromResult(AccessCallers.TokenOf(caller, PlatformAudiences.Membership, subject)));
    }

    private static readonly (string level, string title, string startsOn, string endsOn) MandateFields =
        ("regional", "Administrateur de l'URSCOP", "2026-01-01", "2029-12-31");

    private static object Mandate => new { MandateFields.level, MandateFields.title, MandateFields.startsOn, MandateFields.endsOn };

    private static string Day(int fromToday) => ParisCalendar.Today(TimeProvider.System).AddDays(fromToday).ToString("yyyy-MM-dd");

    private static string HireJson(string familyName) =>
        $$"""{"givenName":"Camille","familyName":"{{familyName}}","email":"camille@example.coop","role":"employee","hiredOn":"{{Day(-400)}}"}""";

    private async Task<(Guid Id, string Siren)> RegisterAsync()
    {
        var body = TestData.Registration(communeCode: "69123");
        var created = await HttpAnswers.ExpectAsync(admin.SendAsync(TestData.Post(body)), 201);
        return (created.GetProperty("id").GetGuid(), body["siren"]!.GetValue<string>());
    }

    private async Task<JsonElement> HireAsync(Guid cooperative) =>
        await HttpAnswers.ExpectAsync(admin.SendAsync(Post($"{Api}/cooperatives/{cooperative}/people", HireJson($"Matrice-{Guid.NewGuid():N}"))), 201);

    private async Task<Guid> NewPersonAsync(Guid cooperative) => (await HireAsync(cooperative)).GetProperty("id").GetGuid();

    private async Task<Guid> NewKitAsync(Guid cooperative) =>
        (await HttpAnswers.ExpectAsync(admin.PostAsJsonAsync($"{Api}/cooperatives/{cooperative}/events",
            new { kind = "anniversary", heldOn = Day(-Interlocked.Increment(ref events)) }), 201)).GetProperty("kitId").GetGuid();

    /// <summary>The cooperative as it is, sent back with the ETag just read (nothing changes but its version).</summary>
    private async Task<HttpRequestMessage> UpdateAsync(Guid cooperative)
    {
        using var read = await admin.GetAsync($"{Api}/cooperatives/{cooperative}");
        var current = await read.ReadJsonAsync();
        var update = Put($"{Api}/cooperatives/{cooperative}", JsonSerializer.Serialize(new
        {
            name = current.GetProperty("name").GetString(), communeCode = current.GetProperty("communeCode").GetString(),
            nafCode = current.GetProperty("nafCode").GetString(),
        }));
        update.Headers.TryAddWithoutValidation("If-Match", read.Headers.ETag!.ToString());
        return update;
    }

    /// <summary>The person completed the elected officials' path, as training reports it: mandates are open to them.</summary>
    private async Task TrainedAsync(Guid person, Guid cooperative)
    {
        await app.Services.GetRequiredService<IBus>().Publish(new TrainingCompleted(Guid.NewGuid(), DateTimeOffset.UtcNow, person,
            Guid.NewGuid(), "Parcours des élus", "ElectedOfficials", Guid.NewGuid(), "CERT-MATRIX", new DateOnly(2025, 11, 20),
            "Employee", "urscop-aura", cooperative));
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (await app.QueryScalarAsync<long>("SELECT count(*) FROM training_completions WHERE person_id = @p", ("p", person)) == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "membership consumed TrainingCompleted");
            await Task.Delay(100);
        }
    }
}
