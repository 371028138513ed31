using System.Text.Json;
using Scop.Aspire.RepriseWatch.Tests.Support;

namespace Scop.Aspire.RepriseWatch.Tests;

/// <summary>
/// Who sees what: a reporter their own reports, a manager their cooperative's, a delegate their union's, staff all; and
/// the company's name only for whom its confidentiality admits — in answers, lists, searches and events alike.
/// </summary>
[Collection(RepriseWatchServersCollection.Name)]
public sealed class AccessTests(RepriseWatchServers servers, RepriseWatchAppPerClass perClass)
    : RepriseWatchTestBase(servers, perClass), IClassFixture<RepriseWatchAppPerClass>
{
    [Fact]
    public async Task A_reporter_follows_what_they_reported_and_nothing_else()
    {
        var (cooperative, people) = await App.HireAsync(2);
        using var reporter = App.CreateClient(RepriseWatchApp.MemberToken(people[0]));
        using var colleague = App.CreateClient(RepriseWatchApp.MemberToken(people[1]));
        using var manager = App.CreateClient(RepriseWatchApp.ManagerToken(cooperative));
        var mine = (await (await RepriseWatchApp.ReportAsync(reporter, RepriseWatchApp.Report())).ExpectAsync(201)).GetProperty("id").GetGuid();
        var someoneElses = await App.NewOpportunityAsync(Client);
        await (await RepriseWatchApp.MoveAsync(Client, mine, "qualify", App.Qualification())).ExpectAsync(200);

        // The reporter sees its stage, not the pipeline's notes; nor anyone else's report.
        var seen = await (await reporter.GetAsync($"/api/reprise-watch/opportunities/{mine}")).ExpectAsync(200);
        Assert.Equal("Qualified", seen.GetProperty("stage").GetString());
        Assert.False(seen.TryGetProperty("contactedOn", out _));
        await (await reporter.GetAsync($"/api/reprise-watch/opportunities/{someoneElses}")).ExpectAsync(404);
        await (await reporter.GetAsync($"/api/reprise-watch/opportunities/{mine}/history")).ExpectAsync(403);
        Assert.Equal([mine], await IdsAsync(reporter));

        // A colleague of the same cooperative sees nothing of it; the cooperative's manager sees it.
        Assert.Empty(await IdsAsync(colleague));
        await (await colleague.GetAsync($"/api/reprise-watch/opportunities/{mine}")).ExpectAsync(404);
        Assert.Equal([mine], await IdsAsync(manager));

        // Nobody but the union's delegates and staff moves it.
        await (await RepriseWatchApp.MoveAsync(manager, mine, "feasibility", new { }, "*")).ExpectAsync(403);
    }

    [Fact]
    public async Task A_delegate_of_another_union_gets_nothing_of_an_opportunity_not_even_its_existence()
    {
        var id = await App.NewOpportunityAsync(Client);
        using var ouest = App.CreateClient(RepriseWatchApp.DelegateToken(RepriseWatchApp.Ouest));
        using var aura = App.CreateClient(RepriseWatchApp.DelegateToken());

        await (await ouest.GetAsync($"/api/reprise-watch/opportunities/{id}")).ExpectAsync(404);
        await (await ouest.GetAsync($"/api/reprise-watch/opportunities/{id}/history")).ExpectAsync(404);
        await (await RepriseWatchApp.MoveAsync(ouest, id, "qualify", App.Qualification(), "*")).ExpectAsync(404);
        await (await RepriseWatchApp.MoveAsync(ouest, id, "lose", new { reason = "NotViable", comment = "x" }, "*")).ExpectAsync(404);
        Assert.DoesNotContain(id, await IdsAsync(ouest));
        Assert.Contains(id, await IdsAsync(aura));
        Assert.Equal(1, await App.ScalarAsync("SELECT count(*) FROM opportunity_moves WHERE opportunity_id = @id", ("id", id)));

        // Filtering on another union narrows nothing open to them.
        var filtered = await (await ouest.GetAsync("/api/reprise-watch/opportunities?regionalUnion=urscop-aura&pageSize=100")).ExpectAsync(200);
        Assert.Equal(0, filtered.GetProperty("totalCount").GetInt64());
    }

    [Fact]
    public async Task The_company_is_hidden_from_whom_its_confidentiality_excludes_in_answers_searches_and_events()
    {
        var (cooperative, people) = await App.HireAsync(1);
        using var reporter = App.CreateClient(RepriseWatchApp.MemberToken(people[0]));
        using var manager = App.CreateClient(RepriseWatchApp.ManagerToken(cooperative));
        using var aura = App.CreateClient(RepriseWatchApp.DelegateToken());
        var marker = $"Tannerie{Guid.NewGuid():N}"[..20];
        var ids = new Dictionary<string, (Guid Id, string Siren)>();
        foreach (var level in new[] { "Open", "Restricted", "Confidential" })
        {
            var siren = RepriseWatchApp.NewSiren();
            var body = RepriseWatchApp.Report(siren, confidentiality: level, name: $"{marker} {level}");
            ids[level] = ((await (await RepriseWatchApp.ReportAsync(reporter, body)).ExpectAsync(201)).GetProperty("id").GetGuid(), siren);
        }

        // Who sees which company: the union's delegate all three; the reporter the open and restricted ones; the
        // reporter's manager the open one only.
        foreach (var (client, sees) in new[] { (aura, "Open Restricted Confidential"), (reporter, "Open Restricted"), (manager, "Open") })
        {
            foreach (var (level, (id, siren)) in ids)
            {
                var visible = sees.Contains(level, StringComparison.Ordinal);
                var one = await (await client.GetAsync($"/api/reprise-watch/opportunities/{id}")).ExpectAsync(200);
                Assert.Equal(visible, one.TryGetProperty("companyName", out _));
                Assert.Equal(visible, one.TryGetProperty("siren", out _));
                Assert.Equal(!visible, one.GetProperty("companyHidden").GetBoolean());

                // Searching by the name or the SIREN finds it only for whom it is visible; the list without a search
                // still shows the opportunity, without the company.
                Assert.Equal(visible, (await IdsAsync(client, $"q={Uri.EscapeDataString($"{marker} {level}")}")).Contains(id));
                Assert.Equal(visible, (await IdsAsync(client, $"q={siren}")).Contains(id));
                var listed = await ItemAsync(client, id);
                Assert.Equal(visible, listed.TryGetProperty("companyName", out _));
                Assert.Equal(visible, (await BodyOfListAsync(client)).Contains(siren, StringComparison.Ordinal));
            }
        }

        // Events carry the company only when it is open.
        foreach (var (level, (id, siren)) in ids)
        {
            Assert.Equal(level == "Open" ? 1 : 0, await App.ScalarAsync(
                "SELECT count(*) FROM outbox_messages WHERE body->>'opportunityId' = @id AND (body::text LIKE @siren OR body::text LIKE @name)",
                ("id", id.ToString()), ("siren", $"%{siren}%"), ("name", $"%{marker}%")));
        }
    }

    private static async Task<List<Guid>> IdsAsync(HttpClient client, string query = "") =>
        (await (await client.GetAsync($"/api/reprise-watch/opportunities?pageSize=100&{query}")).ExpectAsync(200))
        .GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetGuid()).ToList();

    private static async Task<JsonElement> ItemAsync(HttpClient client, Guid id) =>
        (await (await client.GetAsync("/api/reprise-watch/opportunities?pageSize=100")).ExpectAsync(200))
        .GetProperty("items").EnumerateArray().Single(i => i.GetProperty("id").GetGuid() == id);

    private static async Task<string> BodyOfListAsync(HttpClient client) =>
        await (await client.GetAsync("/api/reprise-watch/opportunities?pageSize=100")).Content.ReadAsStringAsync();
}
