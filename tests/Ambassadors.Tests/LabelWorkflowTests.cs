using System.Net.Http.Json;
using System.Text.Json;
using Scop.Aspire.Ambassadors.Tests.Support;

namespace Scop.Aspire.Ambassadors.Tests;

/// <summary>
/// The SCOP Ambassade label: a cooperative's manager applies, its union's delegate visits and reviews, approves or
/// refuses; a label is suspended, reinstated, withdrawn. Every step leaves its line in the history and its event in the
/// outbox; every illegal step is refused with the rule it breaks and writes nothing; only labels in force are found.
/// </summary>
[Collection(AmbassadorsServersCollection.Name)]
public sealed class LabelWorkflowTests(AmbassadorsServers servers, AmbassadorsAppPerClass perClass)
    : AmbassadorsTestBase(servers, perClass), IClassFixture<AmbassadorsAppPerClass>
{
    [Fact]
    public async Task A_manager_applies_the_union_s_delegate_reviews_and_approves_and_the_Ambassade_is_found()
    {
        var cooperative = await App.CooperativeAsync(name: "Scop Les Ateliers du Rhône");
        using var manager = App.ManagerClient(cooperative);
        var delegatePerson = Guid.NewGuid();
        using var aura = App.CreateClient(AmbassadorsApp.DelegateToken(AmbassadorsApp.Aura, delegatePerson));

        var applied = await (await AmbassadorsApp.ApplyAsync(manager, "Nous recevons les porteurs de projet le jeudi.")).ExpectAsync(201);
        var id = applied.GetProperty("id").GetGuid();
        Assert.Equal("Applied", applied.GetProperty("status").GetString());
        Assert.Equal("Scop Les Ateliers du Rhône", applied.GetProperty("name").GetString());
        Assert.Equal(AmbassadorsApp.Aura, applied.GetProperty("regionalUnion").GetString());
        Assert.Equal("Lyon", applied.GetProperty("communeName").GetString());
        Assert.True(applied.GetProperty("membershipCurrent").GetBoolean());
        Assert.Equal(1, await App.EventsAsync("AmbassadeApplied", id));
        Assert.DoesNotContain(id, await DirectoryIdsAsync());

        // The review shows what membership's events say of the cooperative: it is not entered by hand.
        var reviewed = await (await AmbassadorsApp.StepAsync(aura, id, "review", App.Checklist())).ExpectAsync(200);
        Assert.True(reviewed.GetProperty("membershipCurrentAtReview").GetBoolean());
        Assert.Empty(reviewed.GetProperty("missingCriteria").EnumerateArray());
        Assert.Equal(App.Today.AddDays(-1), DateOnly.Parse(reviewed.GetProperty("visitOn").GetString()!));
        Assert.Equal(1, await App.EventsAsync("AmbassadeReviewed", id));

        var labelled = await (await AmbassadorsApp.StepAsync(aura, id, "approve", new { comment = "Accueil exemplaire." })).ExpectAsync(200);
        Assert.Equal("Labelled", labelled.GetProperty("status").GetString());
        Assert.Equal(App.Today, DateOnly.Parse(labelled.GetProperty("labelledOn").GetString()!));
        Assert.Equal(App.Today.AddYears(3).AddDays(-1), DateOnly.Parse(labelled.GetProperty("labelEndsOn").GetString()!));
        Assert.Equal(1, await App.EventsAsync("AmbassadeLabelled", id));
        // The signage kit is ordered, with the address facts membership's kit flow needs.
        Assert.Equal(1, await App.ScalarAsync(
            "SELECT count(*) FROM outbox_messages WHERE message_type LIKE 'Scop.Aspire.Contracts.Ambassadors.SignageKitOrdered,%' AND body->>'ambassadeId' = @id AND body->>'cooperativeId' = @c AND body->>'communeName' = 'Lyon' AND body->>'departement' = '69'",
            ("id", id.ToString()), ("c", cooperative.ToString())));

        // Found by the public: in the directory and the nearest search.
        Assert.Contains(id, await DirectoryIdsAsync());
        Assert.Contains(id, await NearestIdsAsync());

        // The manager reads their cooperative's Ambassade; the history says who did what, when.
        var mine = await (await manager.GetAsync("/api/ambassadors/me/ambassade")).ExpectAsync(200);
        Assert.Equal(id, mine.GetProperty("id").GetGuid());
        Assert.Equal("Labelled", mine.GetProperty("status").GetString());
        var history = (await (await manager.GetAsync($"/api/ambassadors/ambassades/{id}/history")).ExpectAsync(200)).EnumerateArray().ToList();
        Assert.Equal(["Applied", "Reviewed", "Labelled"], history.Select(l => l.GetProperty("step").GetString()));
        Assert.Equal(["cooperative-manager", "delegate", "delegate"], history.Select(l => l.GetProperty("actorRole").GetString()));
        Assert.Equal(delegatePerson, history[2].GetProperty("actorPersonId").GetGuid());
        Assert.Equal(AmbassadorsApp.Aura, history[2].GetProperty("actorRegionalUnion").GetString());
        Assert.Contains("Accueil exemplaire.", history[2].GetProperty("comment").GetString());
        Assert.Equal("Applied", history[2].GetProperty("fromStatus").GetString());
    }

    [Fact]
    public async Task Approval_is_refused_while_the_membership_is_not_current_and_granted_once_MembershipActivated_arrives()
    {
        var cooperative = await App.CooperativeAsync(membershipCurrent: false);
        var id = await App.ApplicationAsync(cooperative);
        var reviewed = await (await AmbassadorsApp.StepAsync(Client, id, "review", App.Checklist())).ExpectAsync(200);
        Assert.False(reviewed.GetProperty("membershipCurrentAtReview").GetBoolean());
        Assert.False(reviewed.GetProperty("membershipCurrent").GetBoolean());
        var before = await App.TracesAsync(id);

        var refused = await (await AmbassadorsApp.StepAsync(Client, id, "approve", new { })).ExpectRuleAsync("membership-current");
        Assert.Equal(["membershipCurrent"], refused.GetProperty("missing").EnumerateArray().Select(m => m.GetString()));
        Assert.Equal(before, await App.TracesAsync(id));
        Assert.Equal("Applied", (await GetAsync(id)).GetProperty("status").GetString());

        // Membership's event arrives: the same review now leads to the label.
        await App.ActivateMembershipAsync(cooperative);
        Assert.True((await GetAsync(id)).GetProperty("membershipCurrent").GetBoolean());
        var labelled = await (await AmbassadorsApp.StepAsync(Client, id, "approve", new { })).ExpectAsync(200);
        Assert.Equal("Labelled", labelled.GetProperty("status").GetString());
        Assert.Equal(1, await App.EventsAsync("AmbassadeLabelled", id));
    }

    [Fact]
    public async Task Every_illegal_step_is_refused_with_the_rule_it_breaks_and_writes_nothing()
    {
        // A cooperative the register does not know cannot apply.
        using (var stranger = App.ManagerClient(Guid.NewGuid()))
        {
            await (await AmbassadorsApp.ApplyAsync(stranger)).ExpectRuleAsync("cooperative-in-register");
        }

        var cooperative = await App.CooperativeAsync();
        var applied = await App.ApplicationAsync(cooperative);
        using var manager = App.ManagerClient(cooperative);
        await (await AmbassadorsApp.ApplyAsync(manager)).ExpectRuleAsync("one-live-label-per-cooperative");
        await Refused(applied, "approve", new { }, "reviewed-before-approval");
        await Refused(applied, "suspend", new { reason = "Enseigne absente." }, "suspend-labelled");
        await Refused(applied, "reinstate", new { }, "reinstate-suspended");
        await Refused(applied, "withdraw", new { reason = "Fermeture." }, "withdraw-live-label");
        await RenewalRefused(manager, "renew-labelled");

        // A criterion not met: approval names it.
        await (await AmbassadorsApp.StepAsync(Client, applied, "review", App.Checklist(signage: false))).ExpectAsync(200);
        var before = await App.TracesAsync(applied);
        var problem = await (await AmbassadorsApp.StepAsync(Client, applied, "approve", new { })).ExpectRuleAsync("criteria-met");
        Assert.Equal(["signageInPlace"], problem.GetProperty("missing").EnumerateArray().Select(m => m.GetString()));
        Assert.Equal(before, await App.TracesAsync(applied));

        // Refused: decided, and a new application may follow.
        await (await AmbassadorsApp.StepAsync(Client, applied, "refuse", new { reason = "Pas de signalétique." })).ExpectAsync(200);
        await Refused(applied, "review", App.Checklist(), "review-pending-application");
        await Refused(applied, "approve", new { }, "decide-pending-application");
        await Refused(applied, "refuse", new { reason = "Encore." }, "decide-pending-application");
        await Refused(applied, "withdraw", new { reason = "Encore." }, "withdraw-live-label");

        // Labelled: no second decision, no reinstatement; suspended: not suspended again.
        var (_, labelled) = await App.LabelledAsync(Client);
        await Refused(labelled, "review", App.Checklist(), "review-pending-application");
        await Refused(labelled, "approve", new { }, "decide-pending-application");
        await Refused(labelled, "reinstate", new { }, "reinstate-suspended");
        await (await AmbassadorsApp.StepAsync(Client, labelled, "suspend", new { reason = "Accueil fermé depuis trois mois." })).ExpectAsync(200);
        await Refused(labelled, "suspend", new { reason = "Encore." }, "suspend-labelled");
        await Refused(labelled, "approve", new { }, "decide-pending-application");

        // Withdrawn: final.
        await (await AmbassadorsApp.StepAsync(Client, labelled, "withdraw", new { reason = "La coopérative a cessé son activité." })).ExpectAsync(200);
        await Refused(labelled, "reinstate", new { }, "reinstate-suspended");
        await Refused(labelled, "withdraw", new { reason = "Encore." }, "withdraw-live-label");
        await Refused(labelled, "suspend", new { reason = "Encore." }, "suspend-labelled");

        // The refused cooperative applies anew.
        var again = await (await AmbassadorsApp.ApplyAsync(manager)).ExpectAsync(201);
        Assert.NotEqual(applied, again.GetProperty("id").GetGuid());
    }

    [Fact]
    public async Task What_a_step_requires_is_required_and_a_step_on_an_old_version_is_refused()
    {
        var cooperative = await App.CooperativeAsync();
        using var manager = App.ManagerClient(cooperative);
        await (await manager.PostAsJsonAsync("/api/ambassadors/me/ambassade", new { motivation = " " })).ExpectInvalidAsync("motivation");
        await (await manager.PostAsJsonAsync("/api/ambassadors/me/ambassade", new { motivation = new string('x', 2001) })).ExpectInvalidAsync("motivation");
        Assert.Equal(0, await App.ScalarAsync("SELECT count(*) FROM ambassades WHERE cooperative_id = @c", ("c", cooperative)));

        var id = await App.ApplicationAsync(cooperative);
        var before = await App.TracesAsync(id);
        await (await AmbassadorsApp.StepAsync(Client, id, "review", new { })).ExpectInvalidAsync(
            "visitOn", "signageInPlace", "canWelcomeAndInform", "localRepresentation");
        await (await AmbassadorsApp.StepAsync(Client, id, "review", new
        {
            visitOn = App.Today.AddDays(1).ToString("yyyy-MM-dd"), signageInPlace = true, canWelcomeAndInform = true, localRepresentation = true,
        })).ExpectInvalidAsync("visitOn");
        await (await AmbassadorsApp.StepAsync(Client, id, "refuse", new { })).ExpectInvalidAsync("reason");
        await (await AmbassadorsApp.StepAsync(Client, id, "refuse", new { reason = new string('x', 501) })).ExpectInvalidAsync("reason");

        // Without If-Match, 428; on a version another step changed, 412.
        var etag = await AmbassadorsApp.ETagAsync(Client, id);
        await (await Client.PostAsJsonAsync($"/api/ambassadors/ambassades/{id}/review", App.Checklist())).ExpectAsync(428);
        Assert.Equal(before, await App.TracesAsync(id));
        await (await AmbassadorsApp.StepAsync(Client, id, "review", App.Checklist(), etag)).ExpectAsync(200);
        await (await AmbassadorsApp.StepAsync(Client, id, "refuse", new { reason = "Trop tard." }, etag)).ExpectAsync(412);
        Assert.Equal("Applied", (await GetAsync(id)).GetProperty("status").GetString());

        var (_, labelled) = await App.LabelledAsync(Client);
        foreach (var step in new[] { "suspend", "withdraw" })
        {
            await (await AmbassadorsApp.StepAsync(Client, labelled, step, new { reason = "" })).ExpectInvalidAsync("reason");
        }

        Assert.Equal("Labelled", (await GetAsync(labelled)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_suspended_label_leaves_the_directory_and_the_search_until_reinstated_and_a_withdrawn_one_for_good()
    {
        var (_, id) = await App.LabelledAsync(Client);
        using var aura = App.CreateClient(AmbassadorsApp.DelegateToken(AmbassadorsApp.Aura));
        Assert.Contains(id, await DirectoryIdsAsync());

        var suspended = await (await AmbassadorsApp.StepAsync(aura, id, "suspend", new { reason = "Accueil fermé depuis trois mois." })).ExpectAsync(200);
        Assert.Equal("Suspended", suspended.GetProperty("status").GetString());
        Assert.Equal("Accueil fermé depuis trois mois.", suspended.GetProperty("reason").GetString());
        Assert.DoesNotContain(id, await DirectoryIdsAsync());
        Assert.DoesNotContain(id, await NearestIdsAsync());

        await (await AmbassadorsApp.StepAsync(aura, id, "reinstate", new { comment = "Accueil rouvert." })).ExpectAsync(200);
        Assert.Contains(id, await DirectoryIdsAsync());
        Assert.Contains(id, await NearestIdsAsync());

        await (await AmbassadorsApp.StepAsync(aura, id, "withdraw", new { reason = "La coopérative a cessé son activité." })).ExpectAsync(200);
        Assert.DoesNotContain(id, await DirectoryIdsAsync());
        Assert.DoesNotContain(id, await NearestIdsAsync());

        foreach (var type in new[] { "AmbassadeSuspended", "AmbassadeReinstated", "AmbassadeWithdrawn" })
        {
            Assert.Equal(1, await App.EventsAsync(type, id));
        }

        Assert.Equal(1, await App.ScalarAsync(
            "SELECT count(*) FROM outbox_messages WHERE message_type LIKE '%AmbassadeWithdrawn,%' AND body->>'ambassadeId' = @id AND body->>'reason' = 'La coopérative a cessé son activité.'",
            ("id", id.ToString())));
        var history = (await (await aura.GetAsync($"/api/ambassadors/ambassades/{id}/history")).ExpectAsync(200)).EnumerateArray().ToList();
        Assert.Equal(["Applied", "Reviewed", "Labelled", "Suspended", "Reinstated", "Withdrawn"],
            history.Select(l => l.GetProperty("step").GetString()));
        Assert.Equal("Accueil fermé depuis trois mois.", history[3].GetProperty("reason").GetString());
        Assert.Equal("Suspended", history[4].GetProperty("fromStatus").GetString());
        Assert.Equal("Withdrawn", history[5].GetProperty("toStatus").GetString());
    }

    [Fact]
    public async Task A_delegate_lists_their_union_s_applications_and_labels_filtered_and_paged()
    {
        var (_, auraLabel) = await App.LabelledAsync(Client);
        var auraApplication = await App.ApplicationAsync(await App.CooperativeAsync());
        var ouestApplication = await App.ApplicationAsync(await App.CooperativeAsync(AmbassadorsApp.Ouest));
        using var aura = App.CreateClient(AmbassadorsApp.DelegateToken(AmbassadorsApp.Aura));

        var all = await ListAsync(aura, "pageSize=100");
        Assert.Contains(auraLabel, all);
        Assert.Contains(auraApplication, all);
        Assert.DoesNotContain(ouestApplication, all);
        var applications = await ListAsync(aura, "status=Applied&pageSize=100");
        Assert.Contains(auraApplication, applications);
        Assert.DoesNotContain(auraLabel, applications);
        // Asking for another union's narrows to nothing, never widens.
        Assert.Empty(await ListAsync(aura, $"regionalUnion={AmbassadorsApp.Ouest}"));
        Assert.Contains(ouestApplication, await ListAsync(Client, "status=Applied&pageSize=100"));

        var page = await (await aura.GetAsync("/api/ambassadors/ambassades?pageSize=1&page=2")).ExpectAsync(200);
        Assert.Single(page.GetProperty("items").EnumerateArray());
        Assert.True(page.GetProperty("totalCount").GetInt64() >= 2);
        await (await aura.GetAsync("/api/ambassadors/ambassades?status=Dormant")).ExpectInvalidAsync("status");
        await (await aura.GetAsync("/api/ambassadors/ambassades?pageSize=101")).ExpectAsync(400);

        // A delegate of another union neither reads nor decides it.
        using var ouest = App.CreateClient(AmbassadorsApp.DelegateToken(AmbassadorsApp.Ouest));
        await (await ouest.GetAsync($"/api/ambassadors/ambassades/{auraApplication}")).ExpectAsync(404);
        await (await AmbassadorsApp.StepAsync(ouest, auraApplication, "refuse", new { reason = "Non." }, "*")).ExpectAsync(404);
        Assert.Equal("Applied", (await GetAsync(auraApplication)).GetProperty("status").GetString());
    }

    private async Task Refused(Guid id, string step, object body, string rule)
    {
        var before = await App.TracesAsync(id);
        var status = (await GetAsync(id)).GetProperty("status").GetString();
        await (await AmbassadorsApp.StepAsync(Client, id, step, body)).ExpectRuleAsync(rule);
        Assert.Equal(before, await App.TracesAsync(id));
        Assert.Equal(status, (await GetAsync(id)).GetProperty("status").GetString());
    }

    private static async Task RenewalRefused(HttpClient manager, string rule)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/ambassadors/me/ambassade/renewal") { Content = JsonContent.Create(new { }) };
        request.Headers.TryAddWithoutValidation("If-Match", "*");
        await (await manager.SendAsync(request)).ExpectRuleAsync(rule);
    }

    private async Task<JsonElement> GetAsync(Guid id) => await (await Client.GetAsync($"/api/ambassadors/ambassades/{id}")).ExpectAsync(200);

    private static async Task<List<Guid>> ListAsync(HttpClient client, string query) =>
        (await (await client.GetAsync($"/api/ambassadors/ambassades?{query}")).ExpectAsync(200))
            .GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetGuid()).ToList();

    private async Task<List<Guid>> DirectoryIdsAsync() =>
        (await (await Public.GetAsync($"/api/ambassadors/directory?commune={AmbassadorsApp.Lyon}&pageSize=100")).ExpectAsync(200))
            .GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetGuid()).ToList();

    private async Task<List<Guid>> NearestIdsAsync() =>
        (await (await Public.GetAsync($"/api/ambassadors/directory/nearest?communeCode={AmbassadorsApp.Lyon}&limit=50")).ExpectAsync(200))
            .GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetGuid()).ToList();
}
