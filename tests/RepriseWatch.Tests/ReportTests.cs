using System.Text.Json.Nodes;
using Scop.Aspire.RepriseWatch.Tests.Support;

namespace Scop.Aspire.RepriseWatch.Tests;

/// <summary>Reporting a company that may be taken over: the rules of a report, and one opportunity per SIREN.</summary>
[Collection(RepriseWatchServersCollection.Name)]
public sealed class ReportTests(RepriseWatchServers servers, RepriseWatchAppPerClass perClass)
    : RepriseWatchTestBase(servers, perClass), IClassFixture<RepriseWatchAppPerClass>
{
    [Fact]
    public async Task A_member_of_the_register_reports_a_company_and_its_commune_decides_its_regional_union()
    {
        var (cooperative, people) = await App.HireAsync(1, RepriseWatchApp.Ouest);
        using var member = App.CreateClient(RepriseWatchApp.MemberToken(people[0]));
        var siren = RepriseWatchApp.NewSiren();

        // A company of Lyon, reported by a worker-member of a cooperative of the Ouest: it is Auvergne-Rhône-Alpes'.
        var created = await (await RepriseWatchApp.ReportAsync(member, RepriseWatchApp.Report(siren, name: "Fonderie Dupré"))).ExpectAsync(201);
        var id = created.GetProperty("id").GetGuid();
        Assert.Equal("Reported", created.GetProperty("stage").GetString());
        Assert.Equal(RepriseWatchApp.Aura, created.GetProperty("regionalUnion").GetString());
        Assert.Equal("Lyon", created.GetProperty("communeName").GetString());
        Assert.Equal("Restricted", created.GetProperty("confidentiality").GetString());
        Assert.Equal("Fonderie Dupré", created.GetProperty("companyName").GetString()); // the reporter sees what they reported
        Assert.Equal(1, await App.ScalarAsync(
            "SELECT count(*) FROM opportunity_reporters WHERE opportunity_id = @o AND person_id = @p AND cooperative_id = @c",
            ("o", id), ("p", people[0]), ("c", cooperative)));

        // Its history begins with the report; its event went to the outbox without the company (it is restricted); its
        // stale timer waits 30 days.
        var history = await (await Client.GetAsync($"/api/reprise-watch/opportunities/{id}/history")).ExpectAsync(200);
        var report = Assert.Single(history.EnumerateArray());
        Assert.False(report.TryGetProperty("fromStage", out _)); // none: the report starts it
        Assert.Equal("Reported", report.GetProperty("toStage").GetString());
        Assert.Equal(people[0], report.GetProperty("actorPersonId").GetGuid());
        Assert.Equal(1, await App.EventsAsync("TakeoverOpportunityReported", id));
        Assert.Equal(0, await App.ScalarAsync(
            "SELECT count(*) FROM outbox_messages WHERE body->>'opportunityId' = @id AND (body::text LIKE '%Dupré%' OR body::text LIKE @siren)",
            ("id", id.ToString()), ("siren", $"%{siren}%")));
        Assert.Equal(1, await App.ScalarAsync(
            "SELECT count(*) FROM outbox_messages WHERE message_type LIKE 'Scop.Aspire.RepriseWatch.Domain.StaleCheckDue,%' AND body->>'opportunityId' = @id AND not_before = @at",
            ("id", id.ToString()), ("at", App.Time.GetUtcNow().AddDays(30))));
    }

    [Fact]
    public async Task An_open_report_names_the_company_in_its_event()
    {
        var siren = RepriseWatchApp.NewSiren();
        var id = await App.NewOpportunityAsync(Client, RepriseWatchApp.Report(siren, confidentiality: "Open", name: "Menuiserie Ouverte"));
        Assert.Equal(1, await App.ScalarAsync(
            "SELECT count(*) FROM outbox_messages WHERE body->>'opportunityId' = @id AND body->>'siren' = @siren AND body->>'companyName' = 'Menuiserie Ouverte'",
            ("id", id.ToString()), ("siren", siren)));
    }

    [Fact]
    public async Task Bad_input_is_refused_field_by_field_and_writes_nothing()
    {
        var before = await App.CountAsync("opportunities");
        var invalid = new JsonObject
        {
            ["siren"] = "732829321", // the Luhn key of 73282932 is 0
            ["companyName"] = " ",
            ["nafCode"] = "99.99Z",
            ["communeCode"] = "99999",
            ["headcount"] = -1,
            ["cause"] = "Bankruptcy",
            ["deadline"] = App.Today.AddDays(-1).ToString("yyyy-MM-dd"),
            ["confidentiality"] = "Secret",
        };
        await (await RepriseWatchApp.ReportAsync(Client, invalid)).ExpectInvalidAsync(
            "siren", "companyName", "nafCode", "communeCode", "headcount", "cause", "deadline", "confidentiality");

        // What a cause requires: the owner's age band when the owner retires, words when it is Other; nothing else.
        var retiring = RepriseWatchApp.Report();
        retiring.Remove("ownerAgeBand");
        await (await RepriseWatchApp.ReportAsync(Client, retiring)).ExpectInvalidAsync("ownerAgeBand");
        var other = RepriseWatchApp.Report(cause: "Other");
        other.Remove("causeDetail");
        await (await RepriseWatchApp.ReportAsync(Client, other)).ExpectInvalidAsync("causeDetail");
        var receivership = RepriseWatchApp.Report(cause: "Receivership");
        receivership["ownerAgeBand"] = "From70";
        await (await RepriseWatchApp.ReportAsync(Client, receivership)).ExpectInvalidAsync("ownerAgeBand");
        await (await RepriseWatchApp.ReportAsync(Client, new JsonObject())).ExpectInvalidAsync(
            "siren", "companyName", "nafCode", "communeCode", "headcount", "cause");

        // A field not in the contract is refused too, and so is a body that is not JSON.
        var extra = RepriseWatchApp.Report();
        extra["regionalUnion"] = "urscop-ouest";
        await (await RepriseWatchApp.ReportAsync(Client, extra)).ExpectInvalidAsync("regionalUnion");

        Assert.Equal(before, await App.CountAsync("opportunities"));
        Assert.Equal(0, await App.ScalarAsync("SELECT count(*) FROM opportunities WHERE siren = '732829321'"));
    }

    [Fact]
    public async Task A_company_reported_again_is_one_opportunity_with_several_reporters_and_the_stricter_confidentiality()
    {
        var (_, people) = await App.HireAsync(2);
        using var first = App.CreateClient(RepriseWatchApp.MemberToken(people[0]));
        using var second = App.CreateClient(RepriseWatchApp.MemberToken(people[1]));
        var siren = RepriseWatchApp.NewSiren();

        var created = await (await RepriseWatchApp.ReportAsync(first, RepriseWatchApp.Report(siren, confidentiality: "Open"))).ExpectAsync(201);
        var merged = await (await RepriseWatchApp.ReportAsync(second, RepriseWatchApp.Report(siren, confidentiality: "Confidential"))).ExpectAsync(200);
        Assert.Equal(created.GetProperty("id").GetGuid(), merged.GetProperty("id").GetGuid());
        Assert.Equal(2, merged.GetProperty("reporters").GetInt32());
        Assert.Equal("Confidential", merged.GetProperty("confidentiality").GetString());

        // The same person reporting it once more adds nothing.
        await (await RepriseWatchApp.ReportAsync(second, RepriseWatchApp.Report(siren))).ExpectAsync(200);
        Assert.Equal(1, await App.ScalarAsync("SELECT count(*) FROM opportunities WHERE siren = @s", ("s", siren)));
        Assert.Equal(2, await App.ScalarAsync(
            "SELECT count(*) FROM opportunity_reporters r JOIN opportunities o ON o.id = r.opportunity_id WHERE o.siren = @s", ("s", siren)));
        Assert.Equal(1, await App.EventsAsync("TakeoverOpportunityReported", created.GetProperty("id").GetGuid()));
    }

    [Fact]
    public async Task Twenty_people_reporting_the_same_company_at_once_make_one_opportunity_with_twenty_reporters()
    {
        var (_, people) = await App.HireAsync(20);
        var siren = RepriseWatchApp.NewSiren();
        var clients = people.Select(p => App.CreateClient(RepriseWatchApp.MemberToken(p))).ToArray();
        using var start = new SemaphoreSlim(0);
        var reports = clients.Select(async client =>
        {
            await start.WaitAsync();
            using var response = await RepriseWatchApp.ReportAsync(client, RepriseWatchApp.Report(siren));
            return (int)response.StatusCode;
        }).ToList();
        start.Release(clients.Length);
        var statuses = await Task.WhenAll(reports);

        Assert.Equal(1, statuses.Count(s => s == 201));
        Assert.Equal(19, statuses.Count(s => s == 200));
        Assert.Equal(1, await App.ScalarAsync("SELECT count(*) FROM opportunities WHERE siren = @s", ("s", siren)));
        Assert.Equal(20, await App.ScalarAsync(
            "SELECT count(*) FROM opportunity_reporters r JOIN opportunities o ON o.id = r.opportunity_id WHERE o.siren = @s", ("s", siren)));
        foreach (var client in clients)
        {
            client.Dispose();
        }
    }

    [Fact]
    public async Task Only_people_of_the_register_managers_delegates_of_the_union_and_staff_report()
    {
        // Someone the register does not know, someone who left, a delegate of another union: 403, nothing written.
        using var stranger = App.CreateClient(RepriseWatchApp.MemberToken(Guid.NewGuid()));
        await (await RepriseWatchApp.ReportAsync(stranger, RepriseWatchApp.Report())).ExpectAsync(403);
        using var ouest = App.CreateClient(RepriseWatchApp.DelegateToken(RepriseWatchApp.Ouest));
        await (await RepriseWatchApp.ReportAsync(ouest, RepriseWatchApp.Report())).ExpectAsync(403);
        using var partner = App.CreateClient(RepriseWatchApp.PartnerToken());
        await (await RepriseWatchApp.ReportAsync(partner, RepriseWatchApp.Report())).ExpectAsync(403);

        // A manager reports for their cooperative, a delegate in their union.
        var cooperative = Guid.NewGuid();
        using var manager = App.CreateClient(RepriseWatchApp.ManagerToken(cooperative));
        var id = (await (await RepriseWatchApp.ReportAsync(manager, RepriseWatchApp.Report())).ExpectAsync(201)).GetProperty("id").GetGuid();
        Assert.Equal(1, await App.ScalarAsync(
            "SELECT count(*) FROM opportunity_reporters WHERE opportunity_id = @o AND cooperative_id = @c", ("o", id), ("c", cooperative)));
        using var aura = App.CreateClient(RepriseWatchApp.DelegateToken());
        await (await RepriseWatchApp.ReportAsync(aura, RepriseWatchApp.Report())).ExpectAsync(201);
    }

    [Fact]
    public async Task A_member_cooperative_is_not_an_opportunity()
    {
        var siren = RepriseWatchApp.NewSiren();
        await App.PublishAsync(RepriseWatchApp.Joined(siren));
        await RepriseWatchApp.WaitUntilAsync(async () => await App.ScalarAsync("SELECT count(*) FROM cooperatives WHERE siren = @s", ("s", siren)) == 1,
            "the watch knows the cooperative");
        await (await RepriseWatchApp.ReportAsync(Client, RepriseWatchApp.Report(siren))).ExpectRuleAsync("already-a-cooperative");
    }

    [Fact]
    public async Task A_retried_report_with_its_idempotency_key_gets_the_first_answer()
    {
        var body = RepriseWatchApp.Report();
        var key = $"report-{Guid.NewGuid():N}";
        var first = await (await RepriseWatchApp.ReportAsync(Client, body, key)).ExpectAsync(201);
        using var retry = await RepriseWatchApp.ReportAsync(Client, body, key);
        var again = await retry.ExpectAsync(201);
        Assert.Equal("true", retry.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(first.GetProperty("id").GetGuid(), again.GetProperty("id").GetGuid());
        Assert.Equal(1, await App.ScalarAsync("SELECT count(*) FROM opportunity_reporters WHERE opportunity_id = @o",
            ("o", first.GetProperty("id").GetGuid())));
    }
}
