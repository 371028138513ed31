using System.Net.Http.Json;
using System.Text.Json;
using Scop.Aspire.RepriseWatch.Tests.Support;

namespace Scop.Aspire.RepriseWatch.Tests;

/// <summary>
/// The job premium: staff set each year's amount per job and budget, grant a cooperative its premium once for the jobs
/// it created or kept, never beyond the budget; a region's top-up adds to it; the partner bank answers for its own
/// premiums only.
/// </summary>
[Collection(RepriseWatchServersCollection.Name)]
public sealed class JobPremiumTests(RepriseWatchServers servers, RepriseWatchAppPerClass perClass)
    : RepriseWatchTestBase(servers, perClass), IClassFixture<RepriseWatchAppPerClass>
{
    private const string Premium = "/api/reprise-watch/job-premium";

    /// <summary>
    /// Moves this class's clock to a year no test touched yet (the tests of a class run one after the other) and
    /// returns it: premiums are granted in the year of the service's clock.
    /// </summary>
    private int NewYear()
    {
        App.Advance(TimeSpan.FromDays(366));
        return App.Today.Year;
    }

    private async Task<int> OpenYearAsync(long amountPerJob = 1_000, long budget = 5_000_000)
    {
        var year = NewYear();
        await (await Client.PutAsJsonAsync($"{Premium}/years/{year}", new { amountPerJob, budget, partnerCode = "credit-cooperatif" }))
            .ExpectAsync(201);
        return year;
    }

    [Fact]
    public async Task A_premium_is_granted_once_per_cooperative_for_its_jobs_with_its_regions_top_up_and_the_bank_is_asked()
    {
        // No year set: the rule says so.
        var year = NewYear();
        var (cooperative, _) = await App.HireAsync(1);
        await (await GrantAsync(cooperative, 4)).ExpectRuleAsync("premium-year-open");

        // Staff set the year; a delegate may not; bad values are named.
        using (var delegateClient = App.CreateClient(RepriseWatchApp.DelegateToken()))
        {
            await (await delegateClient.PutAsJsonAsync($"{Premium}/years/{year}", new { amountPerJob = 1_500, budget = 1_000_000, partnerCode = "credit-cooperatif" }))
                .ExpectAsync(403);
        }

        await (await Client.PutAsJsonAsync($"{Premium}/years/{year}", new { amountPerJob = -1, partnerCode = "Crédit" })).ExpectInvalidAsync("amountPerJob", "budget", "partnerCode");
        await (await Client.PutAsJsonAsync($"{Premium}/years/{year}", new { amountPerJob = 1_500, budget = 1_000_000, partnerCode = "credit-cooperatif" }))
            .ExpectAsync(201);
        await (await Client.PutAsJsonAsync($"{Premium}/years/{year}/top-ups/{RepriseWatchApp.Aura}", new { amountPerJob = 500, ceiling = 3_000 })).ExpectAsync(200);

        // More jobs than the cooperative declared (12), refused by field; then 8 jobs: 12,000 €, and 3,000 € of the region (capped).
        await (await GrantAsync(cooperative, 13)).ExpectInvalidAsync("jobs");
        await (await GrantAsync(Guid.NewGuid(), 3)).ExpectInvalidAsync("cooperativeId");
        var granted = await (await GrantAsync(cooperative, 8)).ExpectAsync(201);
        Assert.Equal(12_000, granted.GetProperty("amount").GetInt64());
        Assert.Equal(3_000, granted.GetProperty("regionalTopUp").GetInt64());
        Assert.Equal("Asked", granted.GetProperty("loanStatus").GetString());
        Assert.Equal("credit-cooperatif", granted.GetProperty("partnerCode").GetString());
        await (await GrantAsync(cooperative, 2)).ExpectRuleAsync("premium-once-per-cooperative");

        var state = await (await Client.GetAsync($"{Premium}/years/{year}")).ExpectAsync(200);
        Assert.Equal(12_000, state.GetProperty("granted").GetInt64());
        Assert.Equal(988_000, state.GetProperty("remaining").GetInt64());
        Assert.Equal(RepriseWatchApp.Aura, state.GetProperty("topUps")[0].GetProperty("regionalUnion").GetString());
        Assert.Equal(1, await App.ScalarAsync(
            "SELECT count(*) FROM outbox_messages WHERE message_type LIKE 'Scop.Aspire.Contracts.RepriseWatch.JobPremiumGranted,%' AND body->>'cooperativeId' = @c",
            ("c", cooperative.ToString())));

        // The budget cannot fall below what was granted.
        await (await Client.PutAsJsonAsync($"{Premium}/years/{year}", new { amountPerJob = 1_500, budget = 11_999, partnerCode = "credit-cooperatif" }))
            .ExpectRuleAsync("premium-budget-covers-granted");
    }

    [Fact]
    public async Task Concurrent_grants_never_exceed_the_years_budget()
    {
        var year = await OpenYearAsync(budget: 100_000);
        var cooperatives = new List<Guid>();
        for (var i = 0; i < 30; i++)
        {
            cooperatives.Add((await App.HireAsync(1)).Cooperative);
        }

        // 30 premiums of 5,000 € against 100,000 €: 20 fit.
        var answers = await Task.WhenAll(cooperatives.Select(async c =>
        {
            using var response = await GrantAsync(c, 5);
            return (int)response.StatusCode;
        }));

        Assert.Equal(20, answers.Count(a => a == 201));
        Assert.Equal(10, answers.Count(a => a == 409));
        var state = await (await Client.GetAsync($"{Premium}/years/{year}")).ExpectAsync(200);
        Assert.Equal(100_000, state.GetProperty("granted").GetInt64());
        Assert.Equal(100_000, await App.ScalarAsync("SELECT coalesce(sum(amount), 0)::bigint FROM job_premiums WHERE year = @y", ("y", year)));
    }

    [Fact]
    public async Task The_bank_answers_for_its_own_premiums_once_and_each_caller_reads_what_is_theirs()
    {
        await OpenYearAsync();
        var premium = (await (await GrantAsync((await App.HireAsync(1)).Cooperative, 6)).ExpectAsync(201)).GetProperty("id").GetGuid();

        using var bank = App.CreateClient(RepriseWatchApp.PartnerToken());
        using var otherBank = App.CreateClient(RepriseWatchApp.PartnerToken("banque-tierce"));
        await (await otherBank.PostAsJsonAsync($"{Premium}/premiums/{premium}/loan", new { accepted = true, loanReference = "X-1" })).ExpectAsync(404);
        await (await otherBank.GetAsync($"{Premium}/premiums/{premium}")).ExpectAsync(404);
        await (await bank.PostAsJsonAsync($"{Premium}/premiums/{premium}/loan", new { accepted = false })).ExpectInvalidAsync("reason");
        await (await bank.PostAsJsonAsync($"{Premium}/premiums/{premium}/loan", new { loanReference = "PPE-2026-0042" })).ExpectInvalidAsync("accepted");
        using (var staffClient = App.CreateClient(RepriseWatchApp.StaffToken))
        {
            await (await staffClient.PostAsJsonAsync($"{Premium}/premiums/{premium}/loan", new { accepted = true, loanReference = "X" })).ExpectAsync(403);
        }

        var answered = await (await bank.PostAsJsonAsync($"{Premium}/premiums/{premium}/loan", new { accepted = true, loanReference = "PPE-2026-0042" }))
            .ExpectAsync(200);
        Assert.Equal("Accepted", answered.GetProperty("loanStatus").GetString());
        await (await bank.PostAsJsonAsync($"{Premium}/premiums/{premium}/loan", new { accepted = false, reason = "Changement d'avis" }))
            .ExpectRuleAsync("loan-answered-once");
        var read = await (await Client.GetAsync($"{Premium}/premiums/{premium}")).ExpectAsync(200);
        Assert.Equal("PPE-2026-0042", read.GetProperty("loanReference").GetString());

        var bankList = await (await bank.GetAsync($"{Premium}/premiums?loanStatus=Accepted&pageSize=100")).ExpectAsync(200);
        Assert.Contains(premium, bankList.GetProperty("items").EnumerateArray().Select(p => p.GetProperty("id").GetGuid()));
        Assert.Equal(0, (await (await otherBank.GetAsync($"{Premium}/premiums")).ExpectAsync(200)).GetProperty("totalCount").GetInt64());
        using var member = App.CreateClient(RepriseWatchApp.MemberToken(Guid.NewGuid()));
        await (await member.GetAsync($"{Premium}/premiums")).ExpectAsync(403);
        using var ouest = App.CreateClient(RepriseWatchApp.DelegateToken(RepriseWatchApp.Ouest));
        await (await ouest.GetAsync($"{Premium}/premiums/{premium}")).ExpectAsync(404);
    }

    [Fact]
    public async Task A_takeovers_cooperative_is_granted_for_the_jobs_it_kept_at_most()
    {
        await OpenYearAsync();
        var siren = RepriseWatchApp.NewSiren();
        var opportunity = await App.OpportunityAtAsync(Client, "Financing", RepriseWatchApp.Report(siren)); // 18 jobs at stake
        var cooperative = Guid.CreateVersion7();
        await App.PublishAsync(RepriseWatchApp.Joined(siren, headcount: 40, cooperative: cooperative));
        await RepriseWatchApp.WaitUntilAsync(async () => await App.ScalarAsync(
            "SELECT count(*) FROM opportunities WHERE id = @o AND stage = 'Converted'", ("o", opportunity)) == 1, "the takeover is converted");
        var kept = (await (await Client.GetAsync($"/api/reprise-watch/opportunities/{opportunity}")).ExpectAsync(200)).GetProperty("jobsKept").GetInt32();

        await (await GrantAsync(cooperative, kept + 1)).ExpectInvalidAsync("jobs");
        var granted = await (await GrantAsync(cooperative, kept)).ExpectAsync(201);
        Assert.Equal(opportunity, granted.GetProperty("opportunityId").GetGuid());
    }

    private Task<HttpResponseMessage> GrantAsync(Guid cooperative, int jobs) =>
        Client.PostAsJsonAsync($"{Premium}/premiums", new { cooperativeId = cooperative, jobs });
}
