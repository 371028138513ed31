using System.Net.Http.Json;
using System.Text.Json;
using Scop.Aspire.Contracts.Membership;
using Scop.Aspire.Contracts.Training;
using Scop.Aspire.RepriseWatch.Tests.Support;

namespace Scop.Aspire.RepriseWatch.Tests;

/// <summary>
/// The pool of future managers: people of member cooperatives volunteer for themselves, are ready once training
/// reports their managers' path, are matched to an opportunity of their union best first, proposed once and answered
/// once; erasure takes them out of it.
/// </summary>
[Collection(RepriseWatchServersCollection.Name)]
public sealed class ManagerPoolTests(RepriseWatchServers servers, RepriseWatchAppPerClass perClass)
    : RepriseWatchTestBase(servers, perClass), IClassFixture<RepriseWatchAppPerClass>
{
    private const string Pool = "/api/reprise-watch/pool";

    [Fact]
    public async Task A_person_of_the_register_volunteers_changes_what_they_would_take_on_and_withdraws()
    {
        var person = (await App.HireAsync(1)).People[0];
        using var member = App.CreateClient(RepriseWatchApp.MemberToken(person));

        // Divisions that are not NAF divisions and a size that is none: each named, nothing written.
        var refused = await (await member.PutAsJsonAsync($"{Pool}/me",
            new { nafDivisions = new[] { "25", "04", "7" }, companySizes = new[] { "Huge" } })).ExpectAsync(400);
        Assert.Contains("'04', '7'", refused.GetProperty("errors").GetProperty("nafDivisions")[0].GetString());
        Assert.Contains("From10To49", refused.GetProperty("errors").GetProperty("companySizes")[0].GetString());
        await (await member.PutAsJsonAsync($"{Pool}/me", new { companySizes = new[] { "Under10" } })).ExpectAsync(400);
        Assert.Equal(0, await App.ScalarAsync("SELECT count(*) FROM pool_volunteers WHERE person_id = @p", ("p", person)));

        var joined = await (await member.PutAsJsonAsync($"{Pool}/me",
            new { nafDivisions = new[] { "25", "13", "25" }, companySizes = new[] { "From10To49", "Under10" } })).ExpectAsync(201);
        Assert.Equal(new[] { "13", "25" }, Strings(joined.GetProperty("nafDivisions")));
        Assert.Equal(new[] { "Under10", "From10To49" }, Strings(joined.GetProperty("companySizes")));
        Assert.Equal(RepriseWatchApp.Aura, joined.GetProperty("regionalUnion").GetString());
        Assert.False(joined.GetProperty("ready").GetBoolean());

        var changed = await (await member.PutAsJsonAsync($"{Pool}/me",
            new { nafDivisions = new[] { "62" }, companySizes = new[] { "From50To249" } })).ExpectAsync(200);
        Assert.Equal(new[] { "62" }, Strings(changed.GetProperty("nafDivisions")));
        Assert.Equal(joined.GetProperty("volunteeredAt").GetDateTimeOffset(), changed.GetProperty("volunteeredAt").GetDateTimeOffset());
        Assert.Equal(1, await App.ScalarAsync("SELECT count(*) FROM pool_volunteers WHERE person_id = @p", ("p", person)));
        Assert.Equal(new[] { "62" }, Strings((await (await member.GetAsync($"{Pool}/me")).ExpectAsync(200)).GetProperty("nafDivisions")));

        // Someone the register does not know is no volunteer.
        using var stranger = App.CreateClient(RepriseWatchApp.MemberToken(Guid.NewGuid()));
        await (await stranger.PutAsJsonAsync($"{Pool}/me", new { nafDivisions = new[] { "62" }, companySizes = new[] { "Under10" } })).ExpectAsync(403);

        await (await member.DeleteAsync($"{Pool}/me")).ExpectAsync(204);
        await (await member.GetAsync($"{Pool}/me")).ExpectAsync(404);
        await (await member.DeleteAsync($"{Pool}/me")).ExpectAsync(404);
    }

    [Fact]
    public async Task A_volunteer_is_ready_once_training_reports_the_managers_path_completed()
    {
        var (cooperative, people) = await App.HireAsync(1);
        var person = people[0];
        using var member = App.CreateClient(RepriseWatchApp.MemberToken(person));
        await (await member.PutAsJsonAsync($"{Pool}/me", new { nafDivisions = new[] { "25" }, companySizes = new[] { "Under10" } })).ExpectAsync(201);

        // Another path makes nobody ready.
        var other = Completed(person, cooperative, "Cooperative", App.Today.AddDays(-30));
        await App.PublishAsync(other);
        await RepriseWatchApp.WaitUntilAsync(async () => await Consumed(other.EventId), "the other path's completion was consumed");
        Assert.False((await (await member.GetAsync($"{Pool}/me")).ExpectAsync(200)).GetProperty("ready").GetBoolean());

        var managers = Completed(person, cooperative, "Managers", App.Today.AddDays(-10));
        await App.PublishAsync(managers);
        await RepriseWatchApp.WaitUntilAsync(async () => await Consumed(managers.EventId), "the managers' path completion was consumed");
        var ready = await (await member.GetAsync($"{Pool}/me")).ExpectAsync(200);
        Assert.True(ready.GetProperty("ready").GetBoolean());
        Assert.Equal(App.Today.AddDays(-10), DateOnly.Parse(ready.GetProperty("managersPathCompletedOn").GetString()!));
    }

    [Fact]
    public async Task The_candidates_of_an_opportunity_are_its_unions_volunteers_ready_first_then_by_sector_then_by_size()
    {
        // The opportunity: a foundry of 23 people in Lyon (NAF 25.62B: division 25, 10 to 49 people).
        var opportunity = await App.NewOpportunityAsync(Client);
        var (cooperative, aura) = await App.HireAsync(5);
        var (_, ouest) = await App.HireAsync(1, RepriseWatchApp.Ouest);
        var notReady = await VolunteerAsync(aura[0], ["25"], ["From10To49"]);
        var readyElsewhere = await VolunteerAsync(aura[1], ["62"], ["From10To49"]);
        var readyBigger = await VolunteerAsync(aura[2], ["25", "24"], ["From50To249"]);
        var best = await VolunteerAsync(aura[3], ["25"], ["From10To49", "Under10"]);
        var leaving = await VolunteerAsync(aura[4], ["25"], ["From10To49"]);
        var otherUnion = await VolunteerAsync(ouest[0], ["25"], ["From10To49"]);
        foreach (var person in new[] { readyElsewhere, readyBigger, best, leaving, otherUnion })
        {
            await App.PublishAsync(Completed(person, cooperative, "Managers", App.Today.AddDays(-60)));
        }

        var left = new PersonLeft(Guid.NewGuid(), DateTimeOffset.UtcNow, leaving, cooperative, App.Today);
        await App.PublishAsync(left);
        await RepriseWatchApp.WaitUntilAsync(async () => await App.ScalarAsync(
            "SELECT count(*) FROM people WHERE id = ANY(@ids) AND managers_path_completed_on IS NOT NULL",
            ("ids", new[] { readyElsewhere, readyBigger, best })) == 3 && await Consumed(left.EventId), "training's and the register's news arrived");

        using var delegateClient = App.CreateClient(RepriseWatchApp.DelegateToken());
        // (The other tests of this class put volunteers of the same union in the pool: only this test's are compared.)
        Guid[] mine = [notReady, readyElsewhere, readyBigger, best, leaving, otherUnion];
        var candidates = (await (await delegateClient.GetAsync($"/api/reprise-watch/opportunities/{opportunity}/candidates?pageSize=100")).ExpectAsync(200))
            .GetProperty("items").EnumerateArray().Where(c => mine.Contains(PersonOf(c))).ToList();
        Assert.Equal(new[] { best, readyBigger, readyElsewhere, notReady }, candidates.Select(PersonOf).ToList());
        Assert.True(candidates[0].GetProperty("sectorMatches").GetBoolean() && candidates[0].GetProperty("sizeMatches").GetBoolean());
        Assert.False(candidates[1].GetProperty("sizeMatches").GetBoolean());
        Assert.False(candidates[2].GetProperty("sectorMatches").GetBoolean());
        Assert.False(candidates[3].GetProperty("volunteer").GetProperty("ready").GetBoolean());

        // The Ouest's delegate does not see the opportunity; the pool of each union is its delegates'.
        using var ouestDelegate = App.CreateClient(RepriseWatchApp.DelegateToken(RepriseWatchApp.Ouest));
        await (await ouestDelegate.GetAsync($"/api/reprise-watch/opportunities/{opportunity}/candidates")).ExpectAsync(404);
        var ouestPool = (await (await ouestDelegate.GetAsync($"{Pool}?pageSize=100")).ExpectAsync(200)).GetProperty("items").EnumerateArray()
            .Select(v => v.GetProperty("personId").GetGuid()).ToList();
        Assert.Contains(otherUnion, ouestPool);
        Assert.DoesNotContain(best, ouestPool);
        var readyInAura = (await (await delegateClient.GetAsync($"{Pool}?ready=true&pageSize=100")).ExpectAsync(200)).GetProperty("items")
            .EnumerateArray().Select(v => v.GetProperty("personId").GetGuid()).ToList();
        Assert.Contains(best, readyInAura);
        Assert.DoesNotContain(notReady, readyInAura);
        Assert.DoesNotContain(leaving, readyInAura);
    }

    [Fact]
    public async Task A_candidate_is_proposed_once_per_opportunity_and_the_outcome_is_recorded_once()
    {
        var opportunity = await App.NewOpportunityAsync(Client);
        var (_, people) = await App.HireAsync(2);
        var (_, ouest) = await App.HireAsync(1, RepriseWatchApp.Ouest);
        var candidate = await VolunteerAsync(people[0], ["25"], ["From10To49"]);
        var otherUnion = await VolunteerAsync(ouest[0], ["25"], ["From10To49"]);
        using var delegateClient = App.CreateClient(RepriseWatchApp.DelegateToken());
        var proposals = $"/api/reprise-watch/opportunities/{opportunity}/proposals";

        await (await delegateClient.PostAsJsonAsync(proposals, new { })).ExpectAsync(400);
        await (await delegateClient.PostAsJsonAsync(proposals, new { personId = people[1] })).ExpectAsync(409); // not in the pool
        await (await delegateClient.PostAsJsonAsync(proposals, new { personId = otherUnion })).ExpectAsync(409);
        var proposed = await (await delegateClient.PostAsJsonAsync(proposals, new { personId = candidate })).ExpectAsync(201);
        Assert.Equal("Proposed", proposed.GetProperty("outcome").GetString());
        Assert.Equal("delegate", proposed.GetProperty("proposedByRole").GetString());
        var again = await (await delegateClient.PostAsJsonAsync(proposals, new { personId = candidate })).ExpectAsync(409);
        Assert.Equal("Proposed already", again.GetProperty("title").GetString());
        Assert.Equal(1, await App.ScalarAsync("SELECT count(*) FROM candidate_proposals WHERE opportunity_id = @o", ("o", opportunity)));

        var listed = Assert.Single((await (await delegateClient.GetAsync($"/api/reprise-watch/opportunities/{opportunity}/candidates?pageSize=100"))
            .ExpectAsync(200)).GetProperty("items").EnumerateArray(), c => PersonOf(c) == candidate);
        Assert.Equal(proposed.GetProperty("id").GetGuid(), listed.GetProperty("proposalId").GetGuid());

        var outcome = $"/api/reprise-watch/proposals/{proposed.GetProperty("id").GetGuid()}/outcome";
        await (await delegateClient.PostAsJsonAsync(outcome, new { outcome = "Proposed" })).ExpectAsync(400);
        var accepted = await (await delegateClient.PostAsJsonAsync(outcome, new { outcome = "Accepted", comment = "Reprend la direction en mars." }))
            .ExpectAsync(200);
        Assert.Equal("Accepted", accepted.GetProperty("outcome").GetString());
        var late = await (await delegateClient.PostAsJsonAsync(outcome, new { outcome = "Declined" })).ExpectAsync(409);
        Assert.Contains("Accepted", late.GetProperty("detail").GetString());
        using var ouestDelegate = App.CreateClient(RepriseWatchApp.DelegateToken(RepriseWatchApp.Ouest));
        await (await ouestDelegate.PostAsJsonAsync(outcome, new { outcome = "Declined" })).ExpectAsync(404);
        Assert.Equal("Accepted", Assert.Single((await (await delegateClient.GetAsync(proposals)).ExpectAsync(200))
            .GetProperty("items").EnumerateArray()).GetProperty("outcome").GetString());

        // A closed opportunity takes no more candidates.
        await (await RepriseWatchApp.MoveAsync(Client, opportunity, "lose", new { reason = "OwnerWithdrew", comment = "Le cédant renonce." }))
            .ExpectAsync(200);
        var other = await VolunteerAsync(people[1], ["25"], ["Under10"]);
        var closed = await (await delegateClient.PostAsJsonAsync(proposals, new { personId = other })).ExpectAsync(409);
        Assert.Equal("Opportunity closed", closed.GetProperty("title").GetString());
    }

    [Fact]
    public async Task Erasure_takes_a_candidate_out_of_the_pool_and_their_name_out_of_the_proposals()
    {
        var opportunity = await App.NewOpportunityAsync(Client);
        var person = (await App.HireAsync(1)).People[0];
        await VolunteerAsync(person, ["25"], ["From10To49"]);
        await (await Client.PostAsJsonAsync($"/api/reprise-watch/opportunities/{opportunity}/proposals", new { personId = person })).ExpectAsync(201);

        var erased = new PersonErased(Guid.NewGuid(), DateTimeOffset.UtcNow, person);
        await App.PublishAsync(erased);
        await RepriseWatchApp.WaitUntilAsync(async () => await Consumed(erased.EventId), "the erasure was consumed");

        Assert.Equal(0, await App.ScalarAsync("SELECT count(*) FROM pool_volunteers WHERE person_id = @p", ("p", person)));
        Assert.Equal(0, await App.ScalarAsync("SELECT count(*) FROM candidate_proposals WHERE person_id = @p", ("p", person)));
        var proposals = await (await Client.GetAsync($"/api/reprise-watch/opportunities/{opportunity}/proposals")).ExpectAsync(200);
        Assert.Equal(1, proposals.GetProperty("totalCount").GetInt32()); // the proposal stays, naming a stand-in
        Assert.DoesNotContain(person.ToString(), proposals.GetRawText());
        var candidates = await (await Client.GetAsync($"/api/reprise-watch/opportunities/{opportunity}/candidates")).ExpectAsync(200);
        Assert.DoesNotContain(person.ToString(), candidates.GetRawText());
    }

    private async Task<Guid> VolunteerAsync(Guid person, string[] divisions, string[] sizes)
    {
        using var member = App.CreateClient(RepriseWatchApp.MemberToken(person));
        await (await member.PutAsJsonAsync($"{Pool}/me", new { nafDivisions = divisions, companySizes = sizes })).ExpectAsync(201);
        return person;
    }

    private static TrainingCompleted Completed(Guid person, Guid cooperative, string path, DateOnly on) =>
        new(Guid.NewGuid(), DateTimeOffset.UtcNow, person, Guid.NewGuid(), "Parcours " + path, path, Guid.NewGuid(),
            $"SCOP-{on.Year}-{Random.Shared.Next(1, 999_999):D6}", on, "Employee", RepriseWatchApp.Aura, cooperative);

    private async Task<bool> Consumed(Guid eventId) =>
        await App.ScalarAsync("SELECT count(*) FROM inbox_messages WHERE message_id = @m", ("m", eventId)) == 1;

    private static Guid PersonOf(JsonElement candidate) => candidate.GetProperty("volunteer").GetProperty("personId").GetGuid();

    private static List<string> Strings(JsonElement array) => array.EnumerateArray().Select(e => e.GetString()!).ToList();
}
