using Scop.Aspire.RepriseWatch.Tests.Support;

namespace Scop.Aspire.RepriseWatch.Tests;

/// <summary>
/// The pipeline: every move a command with its rule. Legal moves leave their line in the history and their event;
/// illegal ones are refused with a problem naming the rule, and change nothing; concurrent moves never lose an update.
/// </summary>
[Collection(RepriseWatchServersCollection.Name)]
public sealed class PipelineTests(RepriseWatchServers servers, RepriseWatchAppPerClass perClass)
    : RepriseWatchTestBase(servers, perClass), IClassFixture<RepriseWatchAppPerClass>
{
    [Fact]
    public async Task A_delegate_takes_an_opportunity_through_the_pipeline_and_every_move_is_in_its_history()
    {
        using var aura = App.CreateClient(RepriseWatchApp.DelegateToken());
        var id = await App.NewOpportunityAsync(aura);

        var qualified = await (await RepriseWatchApp.MoveAsync(aura, id, "qualify",
            new { contactedOn = App.Today.AddDays(-2).ToString("yyyy-MM-dd"), jobsAtStake = 18, comment = "Le cédant reçoit l'UR." })).ExpectAsync(200);
        Assert.Equal("Qualified", qualified.GetProperty("stage").GetString());
        Assert.Equal(18, qualified.GetProperty("jobsAtStake").GetInt32());
        await (await RepriseWatchApp.MoveAsync(aura, id, "feasibility", new { })).ExpectAsync(200);
        var financing = await (await RepriseWatchApp.MoveAsync(aura, id, "financing", RepriseWatchApp.Summary)).ExpectAsync(200);
        Assert.Equal("Financing", financing.GetProperty("stage").GetString());
        Assert.StartsWith("Repreneurs", financing.GetProperty("feasibilitySummary").GetString());

        var history = (await (await aura.GetAsync($"/api/reprise-watch/opportunities/{id}/history")).ExpectAsync(200)).EnumerateArray().ToList();
        Assert.Equal(["Reported", "Qualified", "Feasibility", "Financing"], history.Select(m => m.GetProperty("toStage").GetString()));
        Assert.Equal(["Reported", "Qualified", "Feasibility"], history.Skip(1).Select(m => m.GetProperty("fromStage").GetString()));
        Assert.All(history, m => Assert.Equal("delegate", m.GetProperty("actorRole").GetString()));
        Assert.All(history, m => Assert.Equal(RepriseWatchApp.Aura, m.GetProperty("actorRegionalUnion").GetString()));
        Assert.Equal("Le cédant reçoit l'UR.", history[1].GetProperty("comment").GetString());
        Assert.Equal(1, await App.EventsAsync("TakeoverOpportunityQualified", id));
        Assert.Equal(1, await App.EventsAsync("TakeoverFeasibilityStarted", id));
        Assert.Equal(1, await App.EventsAsync("TakeoverFinancingStarted", id));

        // Lost from financing, with a reason of the list and a comment.
        var lost = await (await RepriseWatchApp.MoveAsync(aura, id, "lose",
            new { reason = "NoFinancing", comment = "Le pool bancaire s'est retiré." })).ExpectAsync(200);
        Assert.Equal("Lost", lost.GetProperty("stage").GetString());
        var last = (await (await aura.GetAsync($"/api/reprise-watch/opportunities/{id}/history")).ExpectAsync(200)).EnumerateArray().Last();
        Assert.Equal("Financing", last.GetProperty("fromStage").GetString());
        Assert.Equal("NoFinancing", last.GetProperty("reason").GetString());
        Assert.Equal(1, await App.ScalarAsync(
            "SELECT count(*) FROM outbox_messages WHERE body->>'opportunityId' = @id AND body->>'fromStage' = 'Financing' AND body->>'reason' = 'NoFinancing'",
            ("id", id.ToString())));
    }

    [Fact]
    public async Task Every_illegal_move_is_refused_with_the_rule_it_breaks_and_changes_nothing()
    {
        var reported = await App.NewOpportunityAsync(Client);
        await (await RepriseWatchApp.MoveAsync(Client, reported, "feasibility", new { })).ExpectRuleAsync("feasibility-from-qualified");
        await (await RepriseWatchApp.MoveAsync(Client, reported, "financing", RepriseWatchApp.Summary)).ExpectRuleAsync("financing-from-feasibility");

        var qualified = await App.OpportunityAtAsync(Client, "Qualified");
        await (await RepriseWatchApp.MoveAsync(Client, qualified, "qualify", App.Qualification())).ExpectRuleAsync("qualify-from-reported");
        await (await RepriseWatchApp.MoveAsync(Client, qualified, "financing", RepriseWatchApp.Summary)).ExpectRuleAsync("financing-from-feasibility");

        var feasibility = await App.OpportunityAtAsync(Client, "Feasibility");
        await (await RepriseWatchApp.MoveAsync(Client, feasibility, "feasibility", new { })).ExpectRuleAsync("feasibility-from-qualified");

        var lost = await App.NewOpportunityAsync(Client);
        await (await RepriseWatchApp.MoveAsync(Client, lost, "lose", new { reason = "OwnerWithdrew", comment = "Le cédant a vendu à son neveu." })).ExpectAsync(200);
        await (await RepriseWatchApp.MoveAsync(Client, lost, "lose", new { reason = "OwnerWithdrew", comment = "Encore." })).ExpectRuleAsync("lost-from-open-stage");
        await (await RepriseWatchApp.MoveAsync(Client, lost, "qualify", App.Qualification())).ExpectRuleAsync("qualify-from-reported");
        await (await RepriseWatchApp.MoveAsync(Client, lost, "successor", new { siren = RepriseWatchApp.NewSiren() })).ExpectRuleAsync("successor-of-open-opportunity");

        foreach (var (id, moves) in new[] { (reported, 1L), (qualified, 2L), (feasibility, 3L), (lost, 2L) })
        {
            Assert.Equal(moves, await App.ScalarAsync("SELECT count(*) FROM opportunity_moves WHERE opportunity_id = @id", ("id", id)));
        }

        Assert.Equal("Reported", await StageAsync(reported));
        Assert.Equal("Lost", await StageAsync(lost));
    }

    [Fact]
    public async Task What_a_move_requires_is_required()
    {
        var reported = await App.NewOpportunityAsync(Client);
        await (await RepriseWatchApp.MoveAsync(Client, reported, "qualify", new { })).ExpectInvalidAsync("contactedOn", "jobsAtStake");
        await (await RepriseWatchApp.MoveAsync(Client, reported, "qualify",
            new { contactedOn = App.Today.AddDays(1).ToString("yyyy-MM-dd"), jobsAtStake = -3 })).ExpectInvalidAsync("contactedOn", "jobsAtStake");

        // A lost opportunity without a reason, with a reason off the list, or without a comment: refused.
        await (await RepriseWatchApp.MoveAsync(Client, reported, "lose", new { comment = "Le cédant a changé d'avis." })).ExpectInvalidAsync("reason");
        await (await RepriseWatchApp.MoveAsync(Client, reported, "lose", new { reason = "Weather", comment = "Trop de pluie." })).ExpectInvalidAsync("reason");
        await (await RepriseWatchApp.MoveAsync(Client, reported, "lose", new { reason = "OwnerWithdrew" })).ExpectInvalidAsync("comment");
        await (await RepriseWatchApp.MoveAsync(Client, reported, "lose", new { reason = "OwnerWithdrew", comment = "  " })).ExpectInvalidAsync("comment");

        var feasibility = await App.OpportunityAtAsync(Client, "Feasibility");
        await (await RepriseWatchApp.MoveAsync(Client, feasibility, "financing", new { })).ExpectInvalidAsync("feasibilitySummary");

        Assert.Equal("Reported", await StageAsync(reported));
        Assert.Equal("Feasibility", await StageAsync(feasibility));
    }

    [Fact]
    public async Task A_move_needs_the_version_read_and_a_stale_one_is_refused()
    {
        var id = await App.NewOpportunityAsync(Client);
        using var noVersion = new HttpRequestMessage(HttpMethod.Post, $"/api/reprise-watch/opportunities/{id}/qualify")
        {
            Content = System.Net.Http.Json.JsonContent.Create(App.Qualification()),
        };
        await (await Client.SendAsync(noVersion)).ExpectAsync(428);

        var read = await RepriseWatchApp.ETagAsync(Client, id);
        await (await RepriseWatchApp.MoveAsync(Client, id, "qualify", App.Qualification(), read)).ExpectAsync(200);
        await (await RepriseWatchApp.MoveAsync(Client, id, "lose", new { reason = "NotViable", comment = "Vu trop tard." }, read)).ExpectAsync(412);
        Assert.Equal("Qualified", await StageAsync(id));
    }

    [Fact]
    public async Task Of_concurrent_moves_on_one_opportunity_one_wins_and_the_others_are_refused()
    {
        var id = await App.OpportunityAtAsync(Client, "Qualified");
        var read = await RepriseWatchApp.ETagAsync(Client, id);
        var clients = Enumerable.Range(0, 8).Select(_ => App.CreateClient(RepriseWatchApp.DelegateToken())).ToArray();
        using var start = new SemaphoreSlim(0);
        var moves = clients.Select(async (client, i) =>
        {
            await start.WaitAsync();
            using var response = i % 2 == 0
                ? await RepriseWatchApp.MoveAsync(client, id, "feasibility", new { comment = $"étude {i}" }, read)
                : await RepriseWatchApp.MoveAsync(client, id, "lose", new { reason = "NotViable", comment = $"perte {i}" }, read);
            return (int)response.StatusCode;
        }).ToList();
        start.Release(clients.Length);
        var statuses = await Task.WhenAll(moves);

        Assert.Equal(1, statuses.Count(s => s == 200));
        Assert.All(statuses.Where(s => s != 200), s => Assert.True(s is 412 or 409, $"got {s}"));
        Assert.Equal(3, await App.ScalarAsync("SELECT count(*) FROM opportunity_moves WHERE opportunity_id = @id", ("id", id)));
        var stage = await StageAsync(id);
        Assert.Equal(1, await App.EventsAsync(stage == "Lost" ? "TakeoverOpportunityLost" : "TakeoverFeasibilityStarted", id));
        foreach (var client in clients)
        {
            client.Dispose();
        }
    }

    [Fact]
    public async Task The_pipeline_lists_filters_and_searches_newest_first()
    {
        var marker = $"Verrerie{Guid.NewGuid():N}"[..20];
        var first = await App.NewOpportunityAsync(Client, RepriseWatchApp.Report(name: $"{marker} Alpha", cause: "NoSuccessor"));
        App.Advance(TimeSpan.FromSeconds(1));
        var second = await App.OpportunityAtAsync(Client, "Qualified", RepriseWatchApp.Report(name: $"{marker} Bêta"));

        var byName = await (await Client.GetAsync($"/api/reprise-watch/opportunities?q={marker.ToLowerInvariant()}")).ExpectAsync(200);
        Assert.Equal([second, first], byName.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetGuid()));
        var accents = await (await Client.GetAsync($"/api/reprise-watch/opportunities?q={marker} beta")).ExpectAsync(200);
        Assert.Equal(second, Assert.Single(accents.GetProperty("items").EnumerateArray()).GetProperty("id").GetGuid());
        var qualified = await (await Client.GetAsync($"/api/reprise-watch/opportunities?q={marker}&stage=Qualified")).ExpectAsync(200);
        Assert.Equal(second, Assert.Single(qualified.GetProperty("items").EnumerateArray()).GetProperty("id").GetGuid());
        var noSuccessor = await (await Client.GetAsync($"/api/reprise-watch/opportunities?q={marker}&cause=NoSuccessor")).ExpectAsync(200);
        Assert.Equal(first, Assert.Single(noSuccessor.GetProperty("items").EnumerateArray()).GetProperty("id").GetGuid());

        var siren = (await (await Client.GetAsync($"/api/reprise-watch/opportunities/{first}")).ExpectAsync(200)).GetProperty("siren").GetString();
        var bySiren = await (await Client.GetAsync($"/api/reprise-watch/opportunities?q={siren}")).ExpectAsync(200);
        Assert.Equal(first, Assert.Single(bySiren.GetProperty("items").EnumerateArray()).GetProperty("id").GetGuid());

        await (await Client.GetAsync("/api/reprise-watch/opportunities?stage=Won&cause=Weather&nafDivision=2x")).ExpectInvalidAsync("stage", "cause", "nafDivision");
        await (await Client.GetAsync("/api/reprise-watch/opportunities?pageSize=101&page=0")).ExpectInvalidAsync("pageSize", "page");
    }

    private async Task<string?> StageAsync(Guid id) =>
        (await (await Client.GetAsync($"/api/reprise-watch/opportunities/{id}")).ExpectAsync(200)).GetProperty("stage").GetString();
}
