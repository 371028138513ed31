using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Scop.Aspire.HostileInput.Tests.Contract;
using Scop.Aspire.ServiceDefaults;
using Scop.Aspire.ServiceDefaults.Security;
using Scop.Aspire.Testing;

namespace Scop.Aspire.HostileInput.Tests.Examples;

/// <summary>
/// The strategic watch: companies of Lyon reported (SIRENs with their Luhn key, a real NAF code and commune), and for
/// each move of the pipeline an opportunity at the stage it starts from, so that its valid request is a legal move.
/// </summary>
public sealed class RepriseWatchExamples : ServiceExamples
{
    public override string Service => ResourceNames.RepriseWatch;

    public override async Task SetUpAsync(ServiceContext context, ExampleValues examples)
    {
        var today = ParisCalendar.Today(TimeProvider.System).ToDateTime(TimeOnly.MinValue);
        string Day(int days) => today.AddDays(days).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        examples
            .Set("companyName", () => JsonValue.Create($"Fonderie Dupré {Guid.NewGuid():N}"[..24]))
            .Set("nafCode", JsonValue.Create("25.62B"))
            .Set("headcount", JsonValue.Create(23))
            .Set("cause", JsonValue.Create("OwnerRetiring"))
            .Set("ownerAgeBand", JsonValue.Create("From65To69"))
            .Set("causeDetail", JsonValue.Create("Le dirigeant part à la retraite en juin."))
            .Set("deadline", JsonValue.Create(Day(180)))
            .Set("confidentiality", JsonValue.Create("Restricted"))
            .Set("contactedOn", JsonValue.Create(Day(0)))
            .Set("jobsAtStake", JsonValue.Create(18))
            .Set("comment", JsonValue.Create("Rencontre avec le cédant à l'union régionale."))
            .Set("feasibilitySummary", JsonValue.Create("Reprise viable par 12 salariés sur 18."))
            .Set("reason", JsonValue.Create("OwnerWithdrew"))
            .Set("If-Match", JsonValue.Create("*"))
            .Set("stage", JsonValue.Create("Reported"))
            .Set("stale", JsonValue.Create(false))
            .Set("nafDivision", JsonValue.Create("25"))
            .Set("q", JsonValue.Create("fonderie"))
            .Set("nafDivisions", new JsonArray("25", "62"))
            .Set("companySizes", new JsonArray("From10To49"))
            .Set("ready", JsonValue.Create(true))
            .Set("outcome", JsonValue.Create("Declined"))
            .Set("name", () => JsonValue.Create($"Fonds {Guid.NewGuid():N}"[..20]))
            .Set("reach", JsonValue.Create("National"))
            .Set("regionalUnions", new JsonArray())
            .Set("partnerCode", JsonValue.Create("credit-cooperatif"))
            .Set("kind", JsonValue.Create("Bank"))
            .Set("funderName", JsonValue.Create("Crédit Coopératif"))
            .Set("amount", JsonValue.Create(1_000))
            .Set("status", JsonValue.Create("Requested"))
            .Set("amountPerJob", JsonValue.Create(1_000))
            .Set("budget", JsonValue.Create(100_000_000))
            .Set("ceiling", JsonValue.Create(5_000))
            .Set("regionalUnion", JsonValue.Create("urscop-aura"))
            .Set("jobs", JsonValue.Create(3))
            .Set("accepted", JsonValue.Create(true))
            .Set("loanReference", JsonValue.Create("PPE-2026-0001"))
            .Set("loanStatus", JsonValue.Create("Asked"));

        async Task<Guid> OpportunityAsync(params (string Move, object Body)[] moves)
        {
            var id = (await context.PostAsync("/api/reprise-watch/opportunities", new
            {
                siren = Sirens.Next(), companyName = "Fonderie Dupré", nafCode = "25.62B", communeCode = "69123", headcount = 23,
                cause = "OwnerRetiring", ownerAgeBand = "From65To69",
            })).GetProperty("id").GetGuid();
            using var client = context.Service.CreateClient(ServiceContext.Patience);
            client.WithToken(await context.TokenAsync(PlatformRoles.ConfederationAdmin));
            foreach (var (move, body) in moves)
            {
                // Moves are made on the version read; any version will do here.
                using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/reprise-watch/opportunities/{id}/{move}")
                {
                    Content = JsonContent.Create(body),
                };
                request.Headers.TryAddWithoutValidation("If-Match", "*");
                using var response = await client.SendAsync(request);
                if (!response.IsSuccessStatusCode)
                {
                    throw new InvalidOperationException(
                        $"reprise-watch setup: {move} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                }
            }

            return id;
        }

        var qualification = ("qualify", (object)new { contactedOn = Day(0), jobsAtStake = 18 });
        var feasibility = ("feasibility", (object)new { });
        var financing = ("financing", (object)new { feasibilitySummary = "Reprise viable par 12 salariés sur 18." });

        // A national compartment that holds plenty, and a request to it for a takeover in financing.
        var compartment = (await context.PostAsync("/api/reprise-watch/seed-fund/compartments",
            new { name = $"Fonds {Guid.NewGuid():N}"[..20], reach = "National" })).GetProperty("id").GetGuid();
        await context.PostAsync($"/api/reprise-watch/seed-fund/compartments/{compartment}/contributions",
            new { partnerCode = "credit-cooperatif", kind = "Bank", funderName = "Crédit Coopératif", amount = 900_000_000 });
        var inFinancing = await OpportunityAsync(qualification, feasibility, financing);
        var request = (await context.PostAsync($"/api/reprise-watch/opportunities/{inFinancing}/financing-requests",
            new { parts = new[] { new { compartmentId = compartment, amount = 1_000 } } })).GetProperty("id").GetGuid();
        // This year's job premium, so that a region's top-up of it is a valid request.
        var year = ParisCalendar.Today(TimeProvider.System).Year;
        await context.SendAsync(HttpMethod.Put, $"/api/reprise-watch/job-premium/years/{year}",
            new { amountPerJob = 1_000, budget = 100_000_000, partnerCode = "credit-cooperatif" });
        examples
            .Set("years.year", JsonValue.Create(year))
            .Set("year", JsonValue.Create(year))
            .Set("opportunities.id", await OpportunityAsync())
            .Set("StartFeasibility.id", await OpportunityAsync(qualification))
            .Set("StartFinancing.id", await OpportunityAsync(qualification, feasibility))
            .Set("RequestFinancing.id", inFinancing)
            .Set("compartments.id", compartment)
            .Set("requests.id", request)
            .Set("compartmentId", JsonValue.Create(compartment))
            .Set("parts", new JsonArray(new JsonObject { ["compartmentId"] = compartment, ["amount"] = 1_000 }));
    }
}
