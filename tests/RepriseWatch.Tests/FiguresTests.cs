using System.Net.Http.Json;
using Scop.Aspire.RepriseWatch.Tests.Support;

namespace Scop.Aspire.RepriseWatch.Tests;

/// <summary>The year's figures of the watch, nationwide for staff and of their own union for a delegate.</summary>
[Collection(RepriseWatchServersCollection.Name)]
public sealed class FiguresTests(RepriseWatchServers servers, RepriseWatchAppPerClass perClass)
    : RepriseWatchTestBase(servers, perClass), IClassFixture<RepriseWatchAppPerClass>
{
    [Fact]
    public async Task The_years_figures_count_reports_conversions_the_seed_fund_and_premiums_and_a_delegate_sees_their_unions()
    {
        // Four reports: three in Lyon (one converted, one lost, one in financing), one in Rennes whose owner has no successor.
        var siren = RepriseWatchApp.NewSiren();
        var converted = await App.OpportunityAtAsync(Client, "Qualified", RepriseWatchApp.Report(siren));
        var lost = await App.NewOpportunityAsync(Client);
        await (await RepriseWatchApp.MoveAsync(Client, lost, "lose", new { reason = "OwnerWithdrew", comment = "Le cédant renonce." })).ExpectAsync(200);
        var financing = await App.OpportunityAtAsync(Client, "Financing");
        await App.NewOpportunityAsync(Client, RepriseWatchApp.Report(communeCode: RepriseWatchApp.Rennes, cause: "NoSuccessor"));
        var cooperative = Guid.CreateVersion7();
        await App.PublishAsync(RepriseWatchApp.Joined(siren, headcount: 15, cooperative: cooperative));
        await RepriseWatchApp.WaitUntilAsync(async () => await App.ScalarAsync(
            "SELECT count(*) FROM opportunities WHERE id = @o AND stage = 'Converted'", ("o", converted)) == 1, "the takeover is converted");
        var jobsKept = (await (await Client.GetAsync($"/api/reprise-watch/opportunities/{converted}")).ExpectAsync(200)).GetProperty("jobsKept").GetInt64();

        // The seed fund finances the one in financing; the converted takeover's cooperative gets its premium.
        var compartment = (await (await Client.PostAsJsonAsync("/api/reprise-watch/seed-fund/compartments",
            new { name = "Fonds national", reach = "National" })).ExpectAsync(201)).GetProperty("id").GetGuid();
        await (await Client.PostAsJsonAsync($"/api/reprise-watch/seed-fund/compartments/{compartment}/contributions",
            new { partnerCode = "credit-cooperatif", kind = "Bank", funderName = "Crédit Coopératif", amount = 500_000 })).ExpectAsync(201);
        var request = (await (await Client.PostAsJsonAsync($"/api/reprise-watch/opportunities/{financing}/financing-requests",
            new { parts = new[] { new { compartmentId = compartment, amount = 40_000 } } })).ExpectAsync(201)).GetProperty("id").GetGuid();
        await (await Client.PostAsJsonAsync($"/api/reprise-watch/seed-fund/requests/{request}/approve", new { })).ExpectAsync(200);
        var year = App.Today.Year;
        await (await Client.PutAsJsonAsync($"/api/reprise-watch/job-premium/years/{year}",
            new { amountPerJob = 1_000, budget = 1_000_000, partnerCode = "credit-cooperatif" })).ExpectAsync(201);
        await (await Client.PostAsJsonAsync("/api/reprise-watch/job-premium/premiums", new { cooperativeId = cooperative, jobs = 5 })).ExpectAsync(201);

        var figures = await (await Client.GetAsync($"/api/reprise-watch/figures?year={year}")).ExpectAsync(200);
        var opportunities = figures.GetProperty("opportunities");
        Assert.Equal(4, opportunities.GetProperty("reported").GetInt64());
        Assert.Equal(3, opportunities.GetProperty("byRegion").GetProperty(RepriseWatchApp.Aura).GetInt64());
        Assert.Equal(1, opportunities.GetProperty("byRegion").GetProperty(RepriseWatchApp.Ouest).GetInt64());
        Assert.Equal(1, opportunities.GetProperty("byStage").GetProperty("Converted").GetInt64());
        Assert.Equal(1, opportunities.GetProperty("byCause").GetProperty("NoSuccessor").GetInt64());
        var conversions = figures.GetProperty("conversions");
        Assert.Equal(1, conversions.GetProperty("converted").GetInt64());
        Assert.Equal(1, conversions.GetProperty("lost").GetInt64());
        Assert.Equal(0.5, conversions.GetProperty("conversionRate").GetDouble());
        Assert.Equal(jobsKept, conversions.GetProperty("jobsKept").GetInt64());
        Assert.Equal(40_000, figures.GetProperty("seedFund").GetProperty("approved").GetInt64());
        Assert.Equal(5_000, figures.GetProperty("jobPremium").GetProperty("granted").GetInt64());
        Assert.Equal(995_000, figures.GetProperty("jobPremium").GetProperty("remaining").GetInt64());

        // The delegate of the Ouest gets their union's, even when asking for another's; a year out of range is named.
        using var ouest = App.CreateClient(RepriseWatchApp.DelegateToken(RepriseWatchApp.Ouest));
        var theirs = await (await ouest.GetAsync($"/api/reprise-watch/figures?year={year}&regionalUnion={RepriseWatchApp.Aura}")).ExpectAsync(200);
        Assert.Equal(RepriseWatchApp.Ouest, theirs.GetProperty("regionalUnion").GetString());
        Assert.Equal(1, theirs.GetProperty("opportunities").GetProperty("reported").GetInt64());
        Assert.Equal(0, theirs.GetProperty("conversions").GetProperty("converted").GetInt64());
        await (await Client.GetAsync("/api/reprise-watch/figures?year=1999")).ExpectInvalidAsync("year");
        using var member = App.CreateClient(RepriseWatchApp.MemberToken(Guid.NewGuid()));
        await (await member.GetAsync("/api/reprise-watch/figures")).ExpectAsync(403);
    }
}
