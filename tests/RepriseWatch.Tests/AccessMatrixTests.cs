using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Scop.Aspire.RepriseWatch.Tests.Support;
using Scop.Aspire.ServiceDefaults.Security;
using Scop.Aspire.Testing.Access;
using static Scop.Aspire.Testing.Access.AccessRequests;

namespace Scop.Aspire.RepriseWatch.Tests;

/// <summary>
/// Every endpoint the watch maps, against every kind of caller: what each gets, through the service's real token
/// validation. The records are those of a worker-member (<see cref="Caller.TheMember"/>) of a cooperative of
/// Auvergne-Rhône-Alpes: the opportunity they reported in Lyon, its history.
/// </summary>
[Collection(RepriseWatchServersCollection.Name)]
public sealed class AccessMatrixTests(RepriseWatchServers servers, RepriseWatchAppPerClass perClass)
    : RepriseWatchTestBase(servers, perClass), IClassFixture<RepriseWatchAppPerClass>
{
    private const string Api = "/api/reprise-watch";

    [Fact]
    public async Task Every_mapped_endpoint_names_a_policy_and_answers_each_caller_as_the_matrix_says()
    {
        var (cooperative, people) = await App.HireAsync(1);
        var person = people[0];
        var subject = new AccessSubject(cooperative, RepriseWatchApp.Aura, person);

        // Their report, open to whoever sees it (so the SIREN marks their data in every answer that may hold it), qualified.
        var siren = RepriseWatchApp.NewSiren();
        using (var member = App.CreateClient(RepriseWatchApp.MemberToken(person)))
        {
            await (await RepriseWatchApp.ReportAsync(member, RepriseWatchApp.Report(siren, confidentiality: "Open"))).ExpectAsync(201);
        }

        var opportunity = (await (await Client.GetAsync($"{Api}/opportunities?q={siren}")).ExpectAsync(200))
            .GetProperty("items")[0].GetProperty("id").GetGuid();
        var note = $"Entretien {Guid.NewGuid():N}";
        await (await RepriseWatchApp.MoveAsync(Client, opportunity, "qualify",
            new { contactedOn = App.Today.ToString("yyyy-MM-dd"), jobsAtStake = 12, comment = note })).ExpectAsync(200);

        // They volunteered for the pool of future managers, and were proposed for the opportunity.
        using (var member = App.CreateClient(RepriseWatchApp.MemberToken(person)))
        {
            await (await member.PutAsync($"{Api}/pool/me", JsonContent.Create(new { nafDivisions = new[] { "25" }, companySizes = new[] { "From10To49" } })))
                .ExpectAsync(201);
        }

        await (await Client.PostAsync($"{Api}/opportunities/{opportunity}/proposals", JsonContent.Create(new { personId = person }))).ExpectAsync(201);
        var volunteer = person.ToString();

        // The seed fund: a compartment of their union funded by the bank, and a request for a takeover in financing.
        var compartmentName = $"Fonds AURA {Guid.NewGuid():N}"[..24];
        var compartment = (await (await Client.PostAsJsonAsync($"{Api}/seed-fund/compartments",
            new { name = compartmentName, reach = "Regional", regionalUnions = new[] { RepriseWatchApp.Aura } })).ExpectAsync(201)).GetProperty("id").GetGuid();
        await (await Client.PostAsJsonAsync($"{Api}/seed-fund/compartments/{compartment}/contributions",
            new { partnerCode = "credit-cooperatif", kind = "Bank", funderName = "Crédit Coopératif", amount = 100_000_000 })).ExpectAsync(201);
        var financingRequest = (await FinancingRequestedAsync(compartment)).ToString();

        // The job premium of the year, asked of the bank to double: the cooperative's, for 3 of its jobs.
        var year = App.Today.Year;
        await (await Client.PutAsJsonAsync($"{Api}/job-premium/years/{year}",
            new { amountPerJob = 1_000, budget = 100_000_000, partnerCode = "credit-cooperatif" })).ExpectAsync(201);
        var premium = await PremiumGrantedAsync(cooperative);
        var premiumMarker = cooperative.ToString();

        var matrix = new AccessMatrix()
            //                                                            anon mem  self mgr  mgr2 elec dlg  dlg2 fed  adm  partner
            .Row("GET /api/reprise-watch/ping",                          "* 200", () => Get($"{Api}/ping"))
            .Row("* /health",                                            "* 200", () => Get("/health"))
            .Row("* /alive",                                             "* 200", () => Get("/alive"))
            .Row("GET /openapi/{documentName}.json",                     "* 200", () => Get("/openapi/v1.json"))
            // The register's people report, for their cooperative; managers for theirs; delegates in their union; staff.
            .Row("POST /api/reprise-watch/opportunities",                "401  403  201  201  201  403  201  403  201  201  403",
                () => Post($"{Api}/opportunities", RepriseWatchApp.Report().ToJsonString()))
            .Row("GET /api/reprise-watch/opportunities",                 "401  200- 200  200  200- 200- 200  200- 200  200  403",
                () => Get($"{Api}/opportunities?pageSize=100"), marker: siren)
            .Row("GET /api/reprise-watch/opportunities/{id:guid}",       "401  404  200  200  404  404  200  404  200  200  403",
                () => Get($"{Api}/opportunities/{opportunity}"), marker: siren)
            .Row("GET /api/reprise-watch/opportunities/{id:guid}/history", "401  403  403  403  403  403  200  404  200  200  403",
                () => Get($"{Api}/opportunities/{opportunity}/history"), marker: note)
            // Only the union's delegates and staff move an opportunity.
            .Row("POST /api/reprise-watch/opportunities/{id:guid}/qualify", "401  403  403  403  403  403  200  404  200  200  403",
                async _ => Moved(await App.OpportunityAtAsync(Client, "Reported"), "qualify",
                    $$"""{"contactedOn":"{{App.Today:yyyy-MM-dd}}","jobsAtStake":7}"""))
            .Row("POST /api/reprise-watch/opportunities/{id:guid}/feasibility", "401  403  403  403  403  403  200  404  200  200  403",
                async _ => Moved(await App.OpportunityAtAsync(Client, "Qualified"), "feasibility", "{}"))
            .Row("POST /api/reprise-watch/opportunities/{id:guid}/financing", "401  403  403  403  403  403  200  404  200  200  403",
                async _ => Moved(await App.OpportunityAtAsync(Client, "Feasibility"), "financing",
                    """{"feasibilitySummary":"Viable : reprise par 9 salariés sur 12."}"""))
            .Row("POST /api/reprise-watch/opportunities/{id:guid}/lose", "401  403  403  403  403  403  200  404  200  200  403",
                async _ => Moved(await App.OpportunityAtAsync(Client, "Reported"), "lose",
                    """{"reason":"OwnerWithdrew","comment":"Le cédant renonce."}"""))
            .Row("PUT /api/reprise-watch/opportunities/{id:guid}/successor", "401  403  403  403  403  403  200  404  200  200  403",
                async _ => Moved(await App.OpportunityAtAsync(Client, "Qualified"), "successor",
                    new JsonObject { ["siren"] = RepriseWatchApp.NewSiren() }.ToJsonString(), HttpMethod.Put))
            // The pool: each person of the register for themselves; the union's delegates and staff read it and propose.
            .Row("PUT /api/reprise-watch/pool/me",                      "401  403  200  403  403  403  403  403  403  403  403",
                () => Put($"{Api}/pool/me", """{"nafDivisions":["25"],"companySizes":["From10To49"]}"""))
            .Row("GET /api/reprise-watch/pool/me",                      "401  404  200  404  404  404  404  404  404  404  403",
                () => Get($"{Api}/pool/me"), marker: volunteer)
            .Row("GET /api/reprise-watch/pool",                         "401  403  403  403  403  403  200  200- 200  200  403",
                () => Get($"{Api}/pool?pageSize=100"), marker: volunteer)
            .Row("GET /api/reprise-watch/opportunities/{id:guid}/candidates", "401  403  403  403  403  403  200  404  200  200  403",
                () => Get($"{Api}/opportunities/{opportunity}/candidates?pageSize=100"), marker: volunteer)
            .Row("GET /api/reprise-watch/opportunities/{id:guid}/proposals", "401  403  403  403  403  403  200  404  200  200  403",
                () => Get($"{Api}/opportunities/{opportunity}/proposals"), marker: volunteer)
            .Row("POST /api/reprise-watch/opportunities/{id:guid}/proposals", "401  403  403  403  403  403  201  404  201  201  403",
                async _ => Post($"{Api}/opportunities/{await App.OpportunityAtAsync(Client, "Reported")}/proposals", $$"""{"personId":"{{person}}"}"""))
            .Row("POST /api/reprise-watch/proposals/{id:guid}/outcome", "401  403  403  403  403  403  200  404  200  200  403",
                async _ => Post($"{Api}/proposals/{await ProposedAsync(person)}/outcome", """{"outcome":"Declined"}"""))
            // The seed fund: staff run the compartments, delegates of the union read them and ask them for financing;
            // staff decide; the partners who fund a compartment read the requests made of it.
            .Row("POST /api/reprise-watch/seed-fund/compartments",       "401  403  403  403  403  403  403  403  201  201  403",
                () => Post($"{Api}/seed-fund/compartments", $$"""{"name":"Fonds {{Guid.NewGuid():N}}","reach":"National"}"""))
            .Row("GET /api/reprise-watch/seed-fund/compartments",        "401  403  403  403  403  403  200  200- 200  200  403",
                () => Get($"{Api}/seed-fund/compartments?pageSize=100"), marker: compartmentName)
            .Row("GET /api/reprise-watch/seed-fund/compartments/{id:guid}", "401  403  403  403  403  403  200  404  200  200  403",
                () => Get($"{Api}/seed-fund/compartments/{compartment}"), marker: compartmentName)
            .Row("GET /api/reprise-watch/seed-fund/compartments/{id:guid}/contributions", "401  403  403  403  403  403  200  404  200  200  403",
                () => Get($"{Api}/seed-fund/compartments/{compartment}/contributions"), marker: "Crédit Coopératif")
            .Row("POST /api/reprise-watch/seed-fund/compartments/{id:guid}/contributions", "401  403  403  403  403  403  403  403  201  201  403",
                () => Post($"{Api}/seed-fund/compartments/{compartment}/contributions",
                    """{"partnerCode":"macif","kind":"Mutual","funderName":"Macif","amount":1000}"""))
            .Row("POST /api/reprise-watch/opportunities/{id:guid}/financing-requests", "401  403  403  403  403  403  201  404  201  201  403",
                async _ => Post($"{Api}/opportunities/{await App.OpportunityAtAsync(Client, "Financing")}/financing-requests",
                    $$"""{"parts":[{"compartmentId":"{{compartment}}","amount":1000}]}"""))
            .Row("GET /api/reprise-watch/seed-fund/requests",            "401  403  403  403  403  403  200  200- 200  200  200",
                () => Get($"{Api}/seed-fund/requests?pageSize=100"), marker: compartmentName)
            .Row("GET /api/reprise-watch/seed-fund/requests/{id:guid}",  "401  403  403  403  403  403  200  404  200  200  200",
                () => Get($"{Api}/seed-fund/requests/{financingRequest}"), marker: compartmentName)
            .Row("POST /api/reprise-watch/seed-fund/requests/{id:guid}/approve", "401  403  403  403  403  403  403  403  200  200  403",
                async _ => Post($"{Api}/seed-fund/requests/{await FinancingRequestedAsync(compartment)}/approve", "{}"))
            .Row("POST /api/reprise-watch/seed-fund/requests/{id:guid}/refuse", "401  403  403  403  403  403  403  403  200  200  403",
                async _ => Post($"{Api}/seed-fund/requests/{await FinancingRequestedAsync(compartment)}/refuse", """{"comment":"Dossier incomplet."}"""))
            // The job premium: staff set the years and grant; delegates read their union's; the bank answers for its own.
            .Row("PUT /api/reprise-watch/job-premium/years/{year:int}",  "401  403  403  403  403  403  403  403  200  200  403",
                () => Put($"{Api}/job-premium/years/{year}", """{"amountPerJob":1000,"budget":100000000,"partnerCode":"credit-cooperatif"}"""))
            .Row("GET /api/reprise-watch/job-premium/years/{year:int}",  "401  403  403  403  403  403  200  200  200  200  403",
                () => Get($"{Api}/job-premium/years/{year}"))
            .Row("PUT /api/reprise-watch/job-premium/years/{year:int}/top-ups/{regionalUnion}", "401  403  403  403  403  403  403  403  200  200  403",
                () => Put($"{Api}/job-premium/years/{year}/top-ups/{RepriseWatchApp.Aura}", """{"amountPerJob":200,"ceiling":5000}"""))
            .Row("POST /api/reprise-watch/job-premium/premiums",         "401  403  403  403  403  403  403  403  201  201  403",
                async _ => Post($"{Api}/job-premium/premiums", $$"""{"cooperativeId":"{{(await App.HireAsync(1)).Cooperative}}","jobs":2}"""))
            .Row("GET /api/reprise-watch/job-premium/premiums",          "401  403  403  403  403  403  200  200- 200  200  200",
                () => Get($"{Api}/job-premium/premiums?pageSize=100"), marker: premiumMarker)
            .Row("GET /api/reprise-watch/job-premium/premiums/{id:guid}", "401  403  403  403  403  403  200  404  200  200  200",
                () => Get($"{Api}/job-premium/premiums/{premium}"), marker: premiumMarker)
            .Row("POST /api/reprise-watch/job-premium/premiums/{id:guid}/loan", "401  403  403  403  403  403  403  403  403  403  200",
                async _ => Post($"{Api}/job-premium/premiums/{await PremiumGrantedAsync((await App.HireAsync(1)).Cooperative)}/loan",
                    """{"accepted":true,"loanReference":"PPE-0001"}"""))
            // The year's figures: staff nationwide, a delegate their union's.
            .Row("GET /api/reprise-watch/figures",                       "401  403  403  403  403  403  200  200  200  200  403",
                () => Get($"{Api}/figures?year={year}"))
            // Last: out of the pool.
            .Row("DELETE /api/reprise-watch/pool/me",                   "401  404  204  404  404  404  404  404  404  404  403",
                () => Send(HttpMethod.Delete, $"{Api}/pool/me"));

        matrix.AssertCoversEveryEndpoint(App.Services);
        using var client = App.CreateClient();
        await matrix.AssertOutcomesAsync(client, caller => Task.FromResult(AccessCallers.TokenOf(caller, PlatformAudiences.RepriseWatch, subject)));
    }

    /// <summary>A proposal of the volunteer for a new opportunity of Lyon; its id.</summary>
    private async Task<Guid> ProposedAsync(Guid person)
    {
        var opportunity = await App.OpportunityAtAsync(Client, "Reported");
        return (await (await Client.PostAsync($"{Api}/opportunities/{opportunity}/proposals", JsonContent.Create(new { personId = person })))
            .ExpectAsync(201)).GetProperty("id").GetGuid();
    }

    /// <summary>A request of 1,000 € from <paramref name="compartment"/> for a new opportunity of Lyon in financing; its id.</summary>
    private async Task<Guid> FinancingRequestedAsync(Guid compartment)
    {
        var opportunity = await App.OpportunityAtAsync(Client, "Financing");
        return (await (await Client.PostAsJsonAsync($"{Api}/opportunities/{opportunity}/financing-requests",
            new { parts = new[] { new { compartmentId = compartment, amount = 1000 } } })).ExpectAsync(201)).GetProperty("id").GetGuid();
    }

    /// <summary>The job premium of <paramref name="cooperative"/>, for 3 jobs; its id.</summary>
    private async Task<Guid> PremiumGrantedAsync(Guid cooperative) =>
        (await (await Client.PostAsJsonAsync($"{Api}/job-premium/premiums", new { cooperativeId = cooperative, jobs = 3 })).ExpectAsync(201))
            .GetProperty("id").GetGuid();

    /// <summary>A move on an opportunity of Lyon made for this request, on whatever version (<c>If-Match: *</c>).</summary>
    private static HttpRequestMessage Moved(Guid id, string move, string json, HttpMethod? method = null)
    {
        var request = Send(method ?? HttpMethod.Post, $"{Api}/opportunities/{id}/{move}", json);
        request.Headers.TryAddWithoutValidation("If-Match", "*");
        return request;
    }
}
