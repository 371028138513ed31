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
        var subject = new AccessSubject(Guid.NewGuid(), AmbassadorsApp.Aura, Guid.NewGuid());

        var matrix = new AccessMatrix()
            //                                                       anon mem  self mgr  mgr2 elec dlg  dlg2 fed  adm  partner
            .Row("GET /api/ambassadors/ping",                       "* 200", () => Get($"{Api}/ping"))
            .Row("* /health",                                       "* 200", () => Get("/health"))
            .Row("* /alive",                                        "* 200", () => Get("/alive"))
            .Row("GET /openapi/{documentName}.json",                "* 200", () => Get("/openapi/v1.json"))
            // The public directory is everyone's, signed in or not, and shows no person.
            .Row("GET /api/ambassadors/directory",                  "* 200", () => Get($"{Api}/directory?region=84"),
                marker: labelled.ToString())
            .Row("GET /api/ambassadors/directory/nearest",          "* 200", () => Get($"{Api}/directory/nearest?communeCode=69266"),
                marker: labelled.ToString());

        matrix.AssertCoversEveryEndpoint(App.Services);
        using var client = App.CreateClient();
        await matrix.AssertOutcomesAsync(client, caller => Task.FromResult(AccessCallers.TokenOf(caller, PlatformAudiences.Ambassadors, subject)));
    }
}
