using System.Net.Http.Json;
using Scop.Aspire.Ambassadors.Tests.Support;
using Scop.Aspire.ServiceDefaults.Security;
using Scop.Aspire.Testing.Access;
using static Scop.Aspire.Testing.Access.AccessRequests;

namespace Scop.Aspire.Ambassadors.Tests;

/// <summary>
/// Every endpoint the ambassadors service maps, against every kind of caller, through the service's real token
/// validation. The records are a labelled Ambassade of a cooperative of Auvergne-Rhône-Alpes.
/// </summary>
[Collection(AmbassadorsServersCollection.Name)]
public sealed class AccessMatrixTests(AmbassadorsServers servers, AmbassadorsAppPerClass perClass)
    : AmbassadorsTestBase(servers, perClass), IClassFixture<AmbassadorsAppPerClass>
{
    private const string Api = "/api/ambassadors";

    [Fact]
    public async Task Every_mapped_endpoint_names_a_policy_and_answers_each_caller_as_the_matrix_says()
    {
        var labelled = (await App.InsertAmbassadesAsync([("69123", "62.01Z")], namePrefix: "Coopérative lyonnaise"))[0];

        // The record of the label's rows: a cooperative of Auvergne-Rhône-Alpes labelled through the workflow.
        var cooperative = await App.CooperativeAsync(name: "Scop Matrice du Label");
        var subject = new AccessSubject(cooperative, AmbassadorsApp.Aura, Guid.NewGuid());
        var theMember = subject.Person!.Value;
        var ambassade = await App.ApplicationAsync(cooperative);
        await (await AmbassadorsApp.StepAsync(Client, ambassade, "review", App.Checklist())).ExpectAsync(200);
        await (await AmbassadorsApp.StepAsync(Client, ambassade, "approve", new { comment = "Accueil remarquable." })).ExpectAsync(200);
        const string Name = "Scop Matrice du Label";
        const string Fresh = "Coopérative fraîche";
        const string Motivation = """{"motivation":"Nous accueillons les porteurs de projet."}""";
        const string Reason = """{"reason":"Accueil fermé."}""";

        // Each caller decides on a fresh Ambassade of the record's union, so that one's step leaves the next the same situation.
        Func<Caller, Task<HttpRequestMessage>> Step(string step, string status, bool reviewed, string json) => async _ =>
        {
            var id = await App.AmbassadeAtAsync(status, reviewed, Fresh);
            var request = Post($"{Api}/ambassades/{id}/{step}", json);
            request.Headers.TryAddWithoutValidation("If-Match", "*");
            return request;
        };

        // The record's enquiry, sent to its Ambassade; each caller answers or withdraws an enquiry of its own.
        const string Project = "Projet de la matrice d'accès.";
        var (enquiry, followToken) = await App.SendEnquiryAsync(ambassade, Project);
        var enquiryBody = System.Text.Json.JsonSerializer.Serialize(AmbassadorsApp.Enquiry(ambassade, Project));

        // The record's club: an EPCI of Auvergne-Rhône-Alpes, a qualified animator, the record's person a member, a meeting.
        var epcis = new Queue<string>(App.AuraEpcis());
        var animator = await App.QualifiedAnimatorAsync();
        const string ClubName = "Club de la matrice d'accès";
        var club = await AmbassadorsApp.OpenClubAsync(Client, epcis.Dequeue(), animator, ClubName);
        await (await Client.PostAsJsonAsync($"{Api}/clubs/{club}/members", new { personId = theMember })).ExpectAsync(200);
        const string Agenda = "Ordre du jour de la matrice.";
        await (await Client.PostAsJsonAsync($"{Api}/clubs/{club}/meetings",
            new { heldOn = App.Today, place = "Maison des SCOP", agenda = Agenda, attendance = new[] { animator, theMember } })).ExpectAsync(201);
        Func<Caller, Task<HttpRequestMessage>> OpenClub() => _ => Task.FromResult(Post($"{Api}/clubs",
            System.Text.Json.JsonSerializer.Serialize(new { name = "Club frais", epci = epcis.Dequeue(), animators = new[] { animator } })));

        var matrix = new AccessMatrix()
            //                                                       anon mem  self mgr  mgr2 elec dlg  dlg2 fed  adm  partner
            .Row("GET /api/ambassadors/ping",                       "* 200", () => Get($"{Api}/ping"))
            .Row("* /health",                                       "* 200", () => Get("/health"))
            .Row("* /alive",                                        "* 200", () => Get("/alive"))
            .Row("GET /openapi/{documentName}.json",                "* 200", () => Get("/openapi/v1.json"))
            // The public directory is everyone's, signed in or not, and shows no person.
            .Row("GET /api/ambassadors/directory",                  "* 200", () => Get($"{Api}/directory?region=84"),
                marker: labelled.ToString())
            .Row("GET /api/ambassadors/directory/{id:guid}",        "* 200", () => Get($"{Api}/directory/{labelled}"),
                marker: "Coopérative lyonnaise")
            .Row("GET /api/ambassadors/directory/nearest",          "* 200", () => Get($"{Api}/directory/nearest?communeCode=69266"),
                marker: labelled.ToString())
            // The manager's side: their own cooperative's Ambassade only; another cooperative's manager finds none.
            .Row("GET /api/ambassadors/me/ambassade",               "401 403  403  200  404  403  403  403  403  403  403",
                () => Get($"{Api}/me/ambassade"), marker: Name)
            // Both managers are refused by a rule: one holds a label already, the other's cooperative is not in the register.
            .Row("POST /api/ambassadors/me/ambassade",              "401 403  403  409  409  403  403  403  403  403  403",
                () => Post($"{Api}/me/ambassade", Motivation), marker: Name)
            // Reading and deciding: the union's delegates and staff; the cooperative's manager reads its own.
            .Row("GET /api/ambassadors/ambassades",                 "401 403  403  403  403  403  200  200- 200  200  403",
                () => Get($"{Api}/ambassades?pageSize=100"), marker: Name)
            .Row("GET /api/ambassadors/ambassades/{id:guid}",       "401 404  404  200  404  404  200  404  200  200  403",
                () => Get($"{Api}/ambassades/{ambassade}"), marker: Name)
            .Row("GET /api/ambassadors/ambassades/{id:guid}/history", "401 404  404  200  404  404  200  404  200  200  403",
                () => Get($"{Api}/ambassades/{ambassade}/history"), marker: "Accueil remarquable.")
            .Row("POST /api/ambassadors/ambassades/{id:guid}/review", "401 403  403  403  403  403  200  404  200  200  403",
                Step("review", "Applied", reviewed: false, System.Text.Json.JsonSerializer.Serialize(App.Checklist())), marker: Fresh)
            .Row("POST /api/ambassadors/ambassades/{id:guid}/approve", "401 403  403  403  403  403  200  404  200  200  403",
                Step("approve", "Applied", reviewed: true, "{}"), marker: Fresh)
            .Row("POST /api/ambassadors/ambassades/{id:guid}/refuse", "401 403  403  403  403  403  200  404  200  200  403",
                Step("refuse", "Applied", reviewed: false, Reason), marker: Fresh)
            .Row("POST /api/ambassadors/ambassades/{id:guid}/suspend", "401 403  403  403  403  403  200  404  200  200  403",
                Step("suspend", "Labelled", reviewed: true, Reason), marker: Fresh)
            .Row("POST /api/ambassadors/ambassades/{id:guid}/reinstate", "401 403  403  403  403  403  200  404  200  200  403",
                Step("reinstate", "Suspended", reviewed: true, "{}"), marker: Fresh)
            .Row("POST /api/ambassadors/ambassades/{id:guid}/withdraw", "401 403  403  403  403  403  200  404  200  200  403",
                Step("withdraw", "Labelled", reviewed: true, Reason), marker: Fresh)
            // Enquiries: anyone sends one and follows it by its private token; the Ambassade's manager, its union's
            // delegates and staff read and answer them (anyone else finds none).
            .Row("POST /api/ambassadors/enquiries",                 "* 201", () => Post($"{Api}/enquiries", enquiryBody), marker: Name)
            .Row("GET /api/ambassadors/enquiries/follow/{token}",   "* 200", () => Get($"{Api}/enquiries/follow/{followToken}"),
                marker: Project)
            .Row("POST /api/ambassadors/enquiries/follow/{token}/withdraw", "* 200", async _ =>
                Post($"{Api}/enquiries/follow/{(await App.SendEnquiryAsync(ambassade, Project)).Token}/withdraw", "{}"), marker: Name)
            .Row("GET /api/ambassadors/enquiries",                  "401 403  403  200  200- 403  200  200- 200  200  403",
                () => Get($"{Api}/enquiries?ambassadeId={ambassade}&pageSize=100"), marker: Project)
            .Row("GET /api/ambassadors/enquiries/{id:guid}",        "401 403  403  200  404  403  200  404  200  200  403",
                () => Get($"{Api}/enquiries/{enquiry}"), marker: Project)
            .Row("POST /api/ambassadors/enquiries/{id:guid}/answer", "401 403  403  200  404  403  200  404  200  200  403",
                async _ =>
                {
                    var request = Post($"{Api}/enquiries/{(await App.SendEnquiryAsync(ambassade, Project)).Id}/answer",
                        """{"note":"Venez jeudi."}""");
                    request.Headers.TryAddWithoutValidation("If-Match", "*");
                    return request;
                }, marker: Project)
            // The targets are counts, everyone's.
            .Row("GET /api/ambassadors/targets/{year:int}",          "* 200", () => Get($"{Api}/targets/{App.Today.Year}"),
                marker: "memberCooperatives")
            // The door: the record's manager places their Ambassade; the other manager's cooperative has none.
            .Row("PUT /api/ambassadors/me/ambassade/position",       "401 403  403  200  404  403  403  403  403  403  403",
                _ => Task.FromResult(AnyVersion(Put($"{Api}/me/ambassade/position", """{"latitude":45.76293,"longitude":4.85038}"""))),
                marker: Name)
            .Row("DELETE /api/ambassadors/me/ambassade/position",    "401 403  403  200  404  403  403  403  403  403  403",
                _ => Task.FromResult(AnyVersion(Send(HttpMethod.Delete, $"{Api}/me/ambassade/position"))), marker: Name)
            // Clubs: the public sees them without persons; staff and the area's union delegates open and close them; the
            // roster and meetings are the club's people's, its union's and staff's (anyone else finds none).
            .Row("GET /api/ambassadors/clubs",                      "* 200", () => Get($"{Api}/clubs?region=84&pageSize=100"), marker: ClubName)
            .Row("GET /api/ambassadors/clubs/{id:guid}",            "* 200", () => Get($"{Api}/clubs/{club}"), marker: ClubName)
            .Row("POST /api/ambassadors/clubs",                     "401 403  403  403  403  403  201  403  201  201  403", OpenClub(),
                marker: "Club frais")
            .Row("GET /api/ambassadors/clubs/{id:guid}/roster",     "401 404  200  404  404  404  200  404  200  200  403",
                () => Get($"{Api}/clubs/{club}/roster?pageSize=100"), marker: theMember.ToString())
            .Row("GET /api/ambassadors/clubs/{id:guid}/meetings",   "401 404  200  404  404  404  200  404  200  200  403",
                () => Get($"{Api}/clubs/{club}/meetings"), marker: Agenda)
            .Row("POST /api/ambassadors/clubs/{id:guid}/members",   "401 404  403  404  404  404  200  404  200  200  403",
                () => Post($"{Api}/clubs/{club}/members", $$"""{"personId":"{{Guid.NewGuid()}}"}"""), marker: "\"Member\"")
            .Row("POST /api/ambassadors/clubs/{id:guid}/animators", "401 404  403  404  404  404  200  404  200  200  403",
                () => Post($"{Api}/clubs/{club}/animators", $$"""{"personId":"{{animator}}"}"""), marker: "\"Animator\"")
            .Row("DELETE /api/ambassadors/clubs/{id:guid}/members/{personId:guid}", "401 404  403  404  404  404  204  404  204  204  403",
                async _ =>
                {
                    var leaving = Guid.NewGuid();
                    await (await Client.PostAsJsonAsync($"{Api}/clubs/{club}/members", new { personId = leaving })).ExpectAsync(200);
                    return new HttpRequestMessage(HttpMethod.Delete, $"{Api}/clubs/{club}/members/{leaving}");
                })
            .Row("POST /api/ambassadors/clubs/{id:guid}/meetings",  "401 404  403  404  404  404  201  404  201  201  403",
                () => Post($"{Api}/clubs/{club}/meetings",
                    $$"""{"heldOn":"{{App.Today:yyyy-MM-dd}}","place":"Salle","agenda":"Réunion de la matrice.","attendance":[]}"""),
                marker: "Réunion de la matrice.")
            .Row("POST /api/ambassadors/clubs/{id:guid}/close",     "401 403  403  403  403  403  200  403  200  200  403",
                async _ =>
                {
                    var fresh = await AmbassadorsApp.OpenClubAsync(Client, epcis.Dequeue(), animator, "Club à fermer");
                    var request = Post($"{Api}/clubs/{fresh}/close", """{"reason":"Fusion avec le club voisin."}""");
                    request.Headers.TryAddWithoutValidation("If-Match", "*");
                    return request;
                }, marker: "Fusion avec le club voisin.")
            // Last, as it changes the record: its manager asks for the renewal; the other manager's cooperative has no label.
            .Row("POST /api/ambassadors/me/ambassade/renewal",      "401 403  403  200  409  403  403  403  403  403  403",
                _ =>
                {
                    var request = Post($"{Api}/me/ambassade/renewal", "{}");
                    request.Headers.TryAddWithoutValidation("If-Match", "*");
                    return Task.FromResult(request);
                }, marker: Name);

        matrix.AssertCoversEveryEndpoint(App.Services);
        using var client = App.CreateClient();
        await matrix.AssertOutcomesAsync(client, caller => Task.FromResult(AccessCallers.TokenOf(caller, PlatformAudiences.Ambassadors, subject)));
    }

    /// <summary>The request made on whatever version there is (<c>If-Match: *</c>).</summary>
    private static HttpRequestMessage AnyVersion(HttpRequestMessage request)
    {
        request.Headers.TryAddWithoutValidation("If-Match", "*");
        return request;
    }
}
