using System.Net.Http.Json;
using System.Text.Json;
using Scop.Aspire.RepriseWatch.Tests.Support;

namespace Scop.Aspire.RepriseWatch.Tests;

/// <summary>
/// The seed fund: compartments funded by partners, financing requests for takeovers in financing that commit their
/// amounts at once and never more than a compartment holds, staff's decisions, and what each caller reads of them.
/// </summary>
[Collection(RepriseWatchServersCollection.Name)]
public sealed class SeedFundTests(RepriseWatchServers servers, RepriseWatchAppPerClass perClass)
    : RepriseWatchTestBase(servers, perClass), IClassFixture<RepriseWatchAppPerClass>
{
    private const string Fund = "/api/reprise-watch/seed-fund";

    [Fact]
    public async Task Staff_open_compartments_for_the_unions_they_serve_and_funders_contributions_add_to_what_they_hold()
    {
        // Each reach with the unions it needs, named field by field; nothing written.
        await (await Client.PostAsJsonAsync($"{Fund}/compartments",
            new { name = "Rhône-Alpes", reach = "Regional", regionalUnions = new[] { RepriseWatchApp.Aura, RepriseWatchApp.Ouest } }))
            .ExpectInvalidAsync("regionalUnions");
        await (await Client.PostAsJsonAsync($"{Fund}/compartments", new { name = "Nulle part", reach = "Regional", regionalUnions = new[] { "urscop-mars" } }))
            .ExpectInvalidAsync("regionalUnions");
        await (await Client.PostAsJsonAsync($"{Fund}/compartments", new { reach = "Everywhere" })).ExpectInvalidAsync("name", "reach");
        using (var delegateClient = App.CreateClient(RepriseWatchApp.DelegateToken()))
        {
            await (await delegateClient.PostAsJsonAsync($"{Fund}/compartments", new { name = "Le mien", reach = "National" })).ExpectAsync(403);
        }

        var national = await CompartmentAsync("National");
        var ouest = await CompartmentAsync("Regional", RepriseWatchApp.Ouest);
        var both = await CompartmentAsync("InterRegional", RepriseWatchApp.Aura, RepriseWatchApp.Ouest);

        // Contributions add up; a bad one names its fields.
        await (await Client.PostAsJsonAsync($"{Fund}/compartments/{national}/contributions",
            new { partnerCode = "Crédit Coop", kind = "Lender", amount = 0 })).ExpectInvalidAsync("partnerCode", "kind", "funderName", "amount");
        await ContributeAsync(national, "credit-cooperatif", 300_000);
        await ContributeAsync(national, "macif", 200_000, "Mutual");
        var compartment = await (await Client.GetAsync($"{Fund}/compartments/{national}")).ExpectAsync(200);
        Assert.Equal(500_000, compartment.GetProperty("holds").GetInt64());
        Assert.Equal(500_000, compartment.GetProperty("available").GetInt64());
        var contributions = await (await Client.GetAsync($"{Fund}/compartments/{national}/contributions")).ExpectAsync(200);
        Assert.Equal(["credit-cooperatif", "macif"], contributions.GetProperty("items").EnumerateArray().Select(c => c.GetProperty("partnerCode").GetString()).Order());

        // A delegate of Auvergne-Rhône-Alpes sees the national and inter-regional compartments, not the Ouest's.
        using var aura = App.CreateClient(RepriseWatchApp.DelegateToken());
        var seen = (await (await aura.GetAsync($"{Fund}/compartments?pageSize=100")).ExpectAsync(200)).GetProperty("items")
            .EnumerateArray().Select(c => c.GetProperty("id").GetGuid()).ToList();
        Assert.Contains(national, seen);
        Assert.Contains(both, seen);
        Assert.DoesNotContain(ouest, seen);
        await (await aura.GetAsync($"{Fund}/compartments/{ouest}")).ExpectAsync(404);
    }

    [Fact]
    public async Task A_request_follows_the_rules_commits_its_amounts_and_tells_the_funders_and_a_refused_one_writes_nothing()
    {
        var compartment = await CompartmentAsync("Regional", RepriseWatchApp.Aura);
        await ContributeAsync(compartment, "credit-cooperatif", 100_000);
        var ouest = await CompartmentAsync("Regional", RepriseWatchApp.Ouest);
        await ContributeAsync(ouest, "credit-cooperatif", 100_000);
        using var delegateClient = App.CreateClient(RepriseWatchApp.DelegateToken());

        // Not in financing yet: the rule is named.
        var qualified = await App.OpportunityAtAsync(Client, "Qualified");
        await (await RequestAsync(delegateClient, qualified, (compartment, 10_000))).ExpectRuleAsync("financing-request-in-financing-stage");

        var opportunity = await App.OpportunityAtAsync(Client, "Financing", RepriseWatchApp.Report(confidentiality: "Confidential"));
        await (await RequestAsync(delegateClient, opportunity, (ouest, 10_000))).ExpectRuleAsync("compartment-serves-region");
        await (await RequestAsync(delegateClient, opportunity, (compartment, 60_000), (compartment, 1))).ExpectInvalidAsync("parts[1].compartmentId");
        await (await RequestAsync(delegateClient, opportunity, (Guid.NewGuid(), 1))).ExpectInvalidAsync("parts[0].compartmentId");
        using (var ouestDelegate = App.CreateClient(RepriseWatchApp.DelegateToken(RepriseWatchApp.Ouest)))
        {
            await (await RequestAsync(ouestDelegate, opportunity, (compartment, 10_000))).ExpectAsync(404);
        }

        var requested = await (await RequestAsync(delegateClient, opportunity, (compartment, 60_000))).ExpectAsync(201);
        Assert.Equal("Requested", requested.GetProperty("status").GetString());
        Assert.Equal(60_000, await CommittedAsync(compartment));

        // More than is left: refused, naming what is left, and nothing of it written.
        var refused = await RequestAsync(delegateClient, opportunity, (compartment, 40_001));
        await refused.ExpectRuleAsync("compartment-holds-enough");
        Assert.Equal(60_000, await CommittedAsync(compartment));
        Assert.Equal(1, await App.ScalarAsync("SELECT count(*) FROM financing_requests WHERE opportunity_id = @o", ("o", opportunity)));

        // One event for the funders, without the confidential company's name.
        Assert.Equal(1, await App.EventsAsync("SeedFundFinancingRequested", opportunity));
        var body = await App.QueryScalarAsync<string>(
            "SELECT body::text FROM outbox_messages WHERE message_type LIKE 'Scop.Aspire.Contracts.RepriseWatch.SeedFundFinancingRequested,%' AND body->>'opportunityId' = @o",
            ("o", opportunity.ToString()));
        using var sent = JsonDocument.Parse(body);
        Assert.Equal(JsonValueKind.Null, sent.RootElement.GetProperty("companyName").ValueKind);
        Assert.Equal(["credit-cooperatif"], sent.RootElement.GetProperty("parts")[0].GetProperty("partnerCodes").EnumerateArray().Select(p => p.GetString()));
    }

    [Fact]
    public async Task Fifty_concurrent_requests_on_one_compartment_never_commit_more_than_it_holds()
    {
        var compartment = await CompartmentAsync("National");
        await ContributeAsync(compartment, "credit-cooperatif", 1_000_000);
        var opportunity = await App.OpportunityAtAsync(Client, "Financing");

        // 50 × 30,000 € asked of 1,000,000 €: 33 fit (990,000 €), the 34th would not.
        var answers = await Task.WhenAll(Enumerable.Range(0, 50).Select(async _ =>
        {
            using var client = App.CreateClient(RepriseWatchApp.DelegateToken());
            using var response = await RequestAsync(client, opportunity, (compartment, 30_000));
            return (int)response.StatusCode;
        }));

        Assert.Equal(33, answers.Count(a => a == 201));
        Assert.Equal(17, answers.Count(a => a == 409));
        Assert.Equal(990_000, await CommittedAsync(compartment));
        Assert.Equal(990_000, await App.ScalarAsync(
            "SELECT coalesce(sum(amount), 0)::bigint FROM financing_parts WHERE compartment_id = @c", ("c", compartment)));
    }

    [Fact]
    public async Task Staff_decide_once_a_refusal_gives_the_amounts_back_and_each_caller_reads_what_is_theirs()
    {
        var shared = await CompartmentAsync("National");
        await ContributeAsync(shared, "credit-cooperatif", 200_000);
        var regional = await CompartmentAsync("Regional", RepriseWatchApp.Aura);
        await ContributeAsync(regional, "region-aura", 50_000, "Region");
        var opportunity = await App.OpportunityAtAsync(Client, "Financing");
        using var delegateClient = App.CreateClient(RepriseWatchApp.DelegateToken());
        var first = (await (await RequestAsync(delegateClient, opportunity, (shared, 80_000), (regional, 20_000))).ExpectAsync(201))
            .GetProperty("id").GetGuid();
        var second = (await (await RequestAsync(delegateClient, opportunity, (shared, 50_000))).ExpectAsync(201)).GetProperty("id").GetGuid();

        // Only staff decide; a refusal needs its comment.
        await (await delegateClient.PostAsJsonAsync($"{Fund}/requests/{first}/approve", new { })).ExpectAsync(403);
        await (await Client.PostAsJsonAsync($"{Fund}/requests/{second}/refuse", new { })).ExpectInvalidAsync("comment");
        using var federation = App.CreateClient(RepriseWatchApp.FederationToken);
        var approved = await (await federation.PostAsJsonAsync($"{Fund}/requests/{first}/approve", new { comment = "Comité du 3 mars" })).ExpectAsync(200);
        Assert.Equal("Approved", approved.GetProperty("status").GetString());
        await (await Client.PostAsJsonAsync($"{Fund}/requests/{first}/refuse", new { comment = "Trop tard" })).ExpectRuleAsync("decide-requested-only");
        await (await Client.PostAsJsonAsync($"{Fund}/requests/{second}/refuse", new { comment = "Plan de financement incomplet" })).ExpectAsync(200);
        Assert.Equal(80_000, await CommittedAsync(shared));
        Assert.Equal(20_000, await CommittedAsync(regional));
        Assert.Equal(2, await App.EventsAsync("SeedFundFinancingDecided", opportunity));

        // The bank reads the requests addressed to it, with its parts only and no internal comment; another partner
        // nothing; a member is refused; the delegate of another union does not find them.
        using var bank = App.CreateClient(RepriseWatchApp.PartnerToken());
        var seen = await (await bank.GetAsync($"{Fund}/requests/{first}")).ExpectAsync(200);
        Assert.Equal(80_000, seen.GetProperty("amount").GetInt64());
        Assert.Equal([shared], seen.GetProperty("parts").EnumerateArray().Select(p => p.GetProperty("compartmentId").GetGuid()));
        Assert.False(seen.TryGetProperty("decisionComment", out var comment) && comment.ValueKind != JsonValueKind.Null, $"{comment}");
        using var region = App.CreateClient(RepriseWatchApp.PartnerToken("region-aura"));
        var regionSees = await (await region.GetAsync($"{Fund}/requests?opportunityId={opportunity}")).ExpectAsync(200);
        Assert.Equal([first], regionSees.GetProperty("items").EnumerateArray().Select(r => r.GetProperty("id").GetGuid()));
        using var other = App.CreateClient(RepriseWatchApp.PartnerToken("banque-tierce"));
        await (await other.GetAsync($"{Fund}/requests/{first}")).ExpectAsync(404);
        Assert.Equal(0, (await (await other.GetAsync($"{Fund}/requests")).ExpectAsync(200)).GetProperty("totalCount").GetInt64());
        using var member = App.CreateClient(RepriseWatchApp.MemberToken(Guid.NewGuid()));
        await (await member.GetAsync($"{Fund}/requests")).ExpectAsync(403);
        using var ouest = App.CreateClient(RepriseWatchApp.DelegateToken(RepriseWatchApp.Ouest));
        await (await ouest.GetAsync($"{Fund}/requests/{first}")).ExpectAsync(404);
        var mine = await (await delegateClient.GetAsync($"{Fund}/requests?opportunityId={opportunity}&status=Refused")).ExpectAsync(200);
        Assert.Equal([second], mine.GetProperty("items").EnumerateArray().Select(r => r.GetProperty("id").GetGuid()));
    }

    private async Task<Guid> CompartmentAsync(string reach, params string[] unions) =>
        (await (await Client.PostAsJsonAsync($"{Fund}/compartments",
                new { name = $"Compartiment {Guid.NewGuid():N}"[..24], reach, regionalUnions = unions }))
            .ExpectAsync(201)).GetProperty("id").GetGuid();

    private async Task ContributeAsync(Guid compartment, string partner, long amount, string kind = "Bank") =>
        await (await Client.PostAsJsonAsync($"{Fund}/compartments/{compartment}/contributions",
            new { partnerCode = partner, kind, funderName = partner, amount })).ExpectAsync(201);

    private static Task<HttpResponseMessage> RequestAsync(HttpClient client, Guid opportunity, params (Guid Compartment, long Amount)[] parts) =>
        client.PostAsJsonAsync($"/api/reprise-watch/opportunities/{opportunity}/financing-requests",
            new { parts = parts.Select(p => new { compartmentId = p.Compartment, amount = p.Amount }) });

    private async Task<long> CommittedAsync(Guid compartment) =>
        (await (await Client.GetAsync($"{Fund}/compartments/{compartment}")).ExpectAsync(200)).GetProperty("committed").GetInt64();
}
