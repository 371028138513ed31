using System.Net;
using System.Text.Json.Nodes;
using Scop.Aspire.Contracts.Ambassadors;
using Scop.Aspire.Contracts.Membership;
using Scop.Aspire.Contracts.RepriseWatch;
using Scop.Aspire.Contracts.Training;
using Scop.Aspire.Portal.Tests.Support;

namespace Scop.Aspire.Portal.Tests;

/// <summary>The Congress targets dashboard, moved by the other services' events: each delivered twice, counted once.</summary>
[Collection(PortalServersCollection.Name)]
public sealed class TargetsDashboardTests(PortalServers servers, PortalAppPerClass perClass) : IClassFixture<PortalAppPerClass>, IAsyncLifetime
{
    private PortalApp app = null!;
    private HttpClient client = null!;

    public async Task InitializeAsync()
    {
        app = await perClass.GetAsync(servers);
        client = app.CreateClient();
    }

    public Task DisposeAsync()
    {
        client.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task The_dashboard_moves_with_the_events_and_counts_each_fact_once()
    {
        var year = 2031; // a year of its own: nothing else in this database counts there
        var at = new DateTimeOffset(year, 3, 10, 9, 0, 0, TimeSpan.Zero);
        var before = await DashboardAsync(year);
        Assert.Equal(0, Value(before, "member-cooperatives"));

        var aura = Feed.Joined(at, union: "urscop-aura");
        var ouest = Feed.Joined(at.AddMonths(2), union: "urscop-ouest");
        var person = Guid.NewGuid();
        var manager = Guid.NewGuid();
        TrainingCompleted Completed(Guid who, string role, int month) => new(Guid.NewGuid(), at, who, Guid.NewGuid(), "Coopérer au quotidien",
            "Cooperative", Guid.NewGuid(), $"CERT-{Guid.NewGuid():N}"[..12], new DateOnly(year, month, 15), role, "urscop-aura", aura.CooperativeId);
        var first = Completed(person, "Employee", 4);
        var second = Completed(person, "Employee", 6); // the same person's second course that year
        var managerCourse = Completed(manager, "Manager", 6);
        foreach (var message in new object[] { aura, aura, ouest, first, first, second, managerCourse, managerCourse })
        {
            await (message switch
            {
                CooperativeJoined j => app.PublishAsync(j),
                TrainingCompleted t => app.PublishAsync(t),
                _ => Task.CompletedTask,
            });
        }

        var dashboard = await Feed.EventuallyAsync(() => DashboardAsync(year),
            d => Value(d, "member-cooperatives") == 2 && Value(d, "training-entries-employees") == 1 && Value(d, "training-entries-managers") == 1,
            "the dashboard to count the events");
        await Feed.EventuallyAsync(() => Task.FromResult(app.ConsumedCount(managerCourse.EventId)), n => n >= 2, "both deliveries consumed");
        dashboard = await DashboardAsync(year);

        Assert.Equal(2, Value(dashboard, "member-cooperatives"));
        Assert.Equal(1, Value(dashboard, "training-entries-employees")); // twice delivered, two courses: one person
        Assert.Equal(1, Value(dashboard, "training-entries-managers"));
        var cooperatives = Target(dashboard, "member-cooperatives");
        Assert.Equal(1_600, cooperatives["target"]!.GetValue<long>());
        Assert.Equal([0, 0, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2], cooperatives["byMonth"]!.AsArray().Select(v => v!.GetValue<long>()));
        Assert.Equal(1, cooperatives["byRegion"]!["urscop-aura"]!.GetValue<long>());
        Assert.Equal(1, cooperatives["byRegion"]!["urscop-ouest"]!.GetValue<long>());
        Assert.Equal(1, Target(dashboard, "training-entries-employees")["byMonth"]![3]!.GetValue<long>());

        // Targets no service feeds yet say so and show no number.
        foreach (var code in new[] { "worker-members" })
        {
            var target = Target(dashboard, code);
            Assert.False(target["fed"]!.GetValue<bool>());
            Assert.Null(target["value"]);
            Assert.False(string.IsNullOrEmpty(target["notFedBecause"]!.GetValue<string>()));
        }

        // One union only; and a cooperative whose membership lapsed stops counting.
        var ouestOnly = (await client.ReadAsync($"/api/portal/targets/{year}?regionalUnion=urscop-ouest")).Expect(HttpStatusCode.OK).Body;
        Assert.Equal(1, Value(ouestOnly, "member-cooperatives"));
        Assert.Equal(0, Value(ouestOnly, "training-entries-employees"));
        await app.PublishAsync(new MembershipLapsed(Guid.NewGuid(), at.AddMonths(8), Guid.NewGuid(), ouest.CooperativeId, "urscop-ouest",
            DateOnly.FromDateTime(at.AddMonths(8).UtcDateTime)));
        var lapsed = await Feed.EventuallyAsync(() => DashboardAsync(year), d => Value(d, "member-cooperatives") == 1, "the lapse to count");
        Assert.Equal([0, 0, 1, 1, 2, 2, 2, 2, 2, 2, 1, 1], Target(lapsed, "member-cooperatives")["byMonth"]!.AsArray().Select(v => v!.GetValue<long>()));
    }

    [Fact]
    public async Task The_facts_behind_a_figure_are_for_staff_and_a_union_s_delegates()
    {
        var year = 2032;
        var at = new DateTimeOffset(year, 5, 1, 9, 0, 0, TimeSpan.Zero);
        var aura = Feed.Joined(at, union: "urscop-aura");
        var ouest = Feed.Joined(at, union: "urscop-ouest");
        var before = Value(await DashboardAsync(year), "member-cooperatives"); // cooperatives of earlier years still count
        await app.PublishAsync(aura);
        await app.PublishAsync(ouest);
        await Feed.EventuallyAsync(() => DashboardAsync(year), d => Value(d, "member-cooperatives") == before + 2, "both cooperatives counted");
        var path = $"/api/portal/targets/{year}/member-cooperatives/facts";

        var staff = (await client.ReadAsync(path, PortalApp.StaffToken)).Expect(HttpStatusCode.OK).Body;
        var delegateOfAura = (await client.ReadAsync(path, PortalApp.DelegateToken("urscop-aura"))).Expect(HttpStatusCode.OK).Body;

        var all = staff["items"]!.AsArray().Select(i => i!["subjectId"]!.GetValue<Guid>()).ToList();
        Assert.Contains(aura.CooperativeId, all);
        Assert.Contains(ouest.CooperativeId, all);
        var auraOnly = delegateOfAura["items"]!.AsArray().Select(i => i!["subjectId"]!.GetValue<Guid>()).ToList();
        Assert.Contains(aura.CooperativeId, auraOnly);
        Assert.DoesNotContain(ouest.CooperativeId, auraOnly);
        Assert.All(delegateOfAura["items"]!.AsArray(), i => Assert.Equal("urscop-aura", i!["regionalUnion"]!.GetValue<string>()));
        (await client.ReadAsync($"{path}?regionalUnion=urscop-ouest", PortalApp.DelegateToken("urscop-aura"))).Expect(HttpStatusCode.Forbidden);
        (await client.ReadAsync(path, PortalApp.MemberToken())).Expect(HttpStatusCode.Forbidden);
        (await client.ReadAsync(path)).Expect(HttpStatusCode.Unauthorized);
        (await client.ReadAsync($"/api/portal/targets/{year}/worker-members/facts", PortalApp.StaffToken)).Expect(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Takeovers_converted_and_jobs_kept_come_from_the_reprise_watch_s_events_each_once()
    {
        var year = 2034; // years of their own: nothing else in this database counts there
        var lastYear = year - 1;
        DateTimeOffset On(int y, int month, int day) => new(y, month, day, 9, 0, 0, TimeSpan.Zero);
        TakeoverOpportunityConverted Converted(DateTimeOffset at, string union) =>
            new(Guid.NewGuid(), at, Guid.NewGuid(), union, Guid.NewGuid(), 8, null, null);
        JobPremiumGranted Granted(DateTimeOffset at, int premiumYear, string union, int jobs) =>
            new(Guid.NewGuid(), at, Guid.NewGuid(), Guid.NewGuid(), "732829320", union, premiumYear, jobs, jobs * 1_000L, 0,
                "credit-cooperatif");
        var before = await DashboardAsync(year);

        var auraTakeover = Converted(On(year, 3, 10), "urscop-aura");
        var ouestTakeover = Converted(On(year, 5, 20), "urscop-ouest");
        var lastYearsTakeover = Converted(On(lastYear, 11, 2), "urscop-aura"); // arrives late: counts in its own year
        var auraPremium = Granted(On(year, 4, 15), year, "urscop-aura", 12);
        var ouestPremium = Granted(On(year, 6, 1), year, "urscop-ouest", 5);
        // 00:30 on 1 January in Paris, still 31 December in UTC: a premium of the new year, counted in its January.
        var newYearsPremium = Granted(new DateTimeOffset(lastYear, 12, 31, 23, 30, 0, TimeSpan.Zero), year, "urscop-ouest", 3);
        var lastYearsPremium = Granted(On(lastYear, 12, 5), lastYear, "urscop-aura", 7);
        foreach (var message in new object[] { auraTakeover, auraTakeover, ouestTakeover, lastYearsTakeover,
                     auraPremium, auraPremium, ouestPremium, newYearsPremium, lastYearsPremium })
        {
            await (message switch
            {
                TakeoverOpportunityConverted c => app.PublishAsync(c),
                JobPremiumGranted g => app.PublishAsync(g),
                _ => Task.CompletedTask,
            });
        }

        await Feed.EventuallyAsync(() => DashboardAsync(year),
            d => Value(d, "takeovers-converted") == 2 && Value(d, "jobs-kept") == 20, "the dashboard to count the events");
        await Feed.EventuallyAsync(() => Task.FromResult(app.ConsumedCount(auraPremium.EventId) + app.ConsumedCount(auraTakeover.EventId)),
            n => n >= 4, "both deliveries of each consumed");
        var dashboard = await DashboardAsync(year);

        var takeovers = Target(dashboard, "takeovers-converted");
        Assert.True(takeovers["fed"]!.GetValue<bool>());
        Assert.Null(takeovers["notFedBecause"]);
        Assert.Contains("TakeoverOpportunityConverted", takeovers["source"]!.GetValue<string>());
        Assert.Equal(0, takeovers["target"]!.GetValue<long>()); // the seed sets no figure: the count is the progress
        Assert.Equal(2, Value(dashboard, "takeovers-converted")); // delivered twice, counted once
        Assert.Equal([0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0], Months(takeovers));
        Assert.Equal(1, takeovers["byRegion"]!["urscop-aura"]!.GetValue<long>());
        Assert.Equal(1, takeovers["byRegion"]!["urscop-ouest"]!.GetValue<long>());

        var jobs = Target(dashboard, "jobs-kept");
        Assert.True(jobs["fed"]!.GetValue<bool>());
        Assert.Contains("JobPremiumGranted", jobs["source"]!.GetValue<string>());
        Assert.Equal(0, jobs["target"]!.GetValue<long>());
        Assert.Equal(12 + 5 + 3, Value(dashboard, "jobs-kept")); // jobs, not premiums; the twice-delivered premium's once
        Assert.Equal([3, 0, 0, 12, 0, 5, 0, 0, 0, 0, 0, 0], Months(jobs));
        Assert.Equal(12, jobs["byRegion"]!["urscop-aura"]!.GetValue<long>());
        Assert.Equal(5 + 3, jobs["byRegion"]!["urscop-ouest"]!.GetValue<long>());

        // The other targets give the same figures as before.
        foreach (var code in new[] { "member-cooperatives", "training-entries-employees", "training-entries-managers" })
        {
            Assert.Equal(Value(before, code), Value(dashboard, code));
            Assert.Equal(Months(Target(before, code)), Months(Target(dashboard, code)));
        }

        // One union only.
        var ouestOnly = (await client.ReadAsync($"/api/portal/targets/{year}?regionalUnion=urscop-ouest")).Expect(HttpStatusCode.OK).Body;
        Assert.Equal(1, Value(ouestOnly, "takeovers-converted"));
        Assert.Equal(5 + 3, Value(ouestOnly, "jobs-kept"));
        Assert.Equal([3, 0, 0, 0, 0, 5, 0, 0, 0, 0, 0, 0], Months(Target(ouestOnly, "jobs-kept")));

        // Last year's events count in last year, however late they came.
        var last = await DashboardAsync(lastYear);
        Assert.Equal(1, Value(last, "takeovers-converted"));
        Assert.Equal(1, Months(Target(last, "takeovers-converted"))[10]);
        Assert.Equal(7, Value(last, "jobs-kept"));
        Assert.Equal(7, Months(Target(last, "jobs-kept"))[11]);

        // Behind the jobs figure: the premiums, for staff.
        var facts = (await client.ReadAsync($"/api/portal/targets/{year}/jobs-kept/facts", PortalApp.StaffToken)).Expect(HttpStatusCode.OK).Body;
        Assert.Equal(
            new[] { auraPremium.PremiumId, ouestPremium.PremiumId, newYearsPremium.PremiumId }.Order(),
            facts["items"]!.AsArray().Select(i => i!["subjectId"]!.GetValue<Guid>()).Order());
    }

    [Fact]
    public async Task Labelled_Ambassades_count_from_their_first_day_until_suspended_withdrawn_or_expired_and_the_feed_says_so()
    {
        var year = 2037; // a year of its own: no other Ambassade counts there
        DateTimeOffset On(int month, int day) => new(year, month, day, 9, 0, 0, TimeSpan.Zero);
        AmbassadeLabelled Labelled(int month, string union, bool renewal = false, Guid? id = null) => new(Guid.NewGuid(), On(month, 2),
            id ?? Guid.NewGuid(), Guid.NewGuid(), union, $"Scop Ambassade {Guid.NewGuid():N}"[..24], "69123", "84",
            new DateOnly(year, month, 2), new DateOnly(year + 3, month, 1), renewal);
        var aura = Labelled(2, "urscop-aura");
        var ouest = Labelled(3, "urscop-ouest");
        var suspended = Labelled(4, "urscop-aura");
        var withdrawn = Labelled(5, "urscop-ouest");
        var expired = Labelled(1, "urscop-aura");
        var renewal = Labelled(9, "urscop-aura", renewal: true, id: aura.AmbassadeId); // counted when first granted
        foreach (var labelled in new[] { aura, aura, ouest, suspended, withdrawn, expired, renewal })
        {
            await app.PublishAsync(labelled);
        }

        await Feed.EventuallyAsync(() => DashboardAsync(year), d => Value(d, "ambassades") == 5, "the labels to count");
        await app.PublishAsync(new AmbassadeSuspended(Guid.NewGuid(), On(7, 10), suspended.AmbassadeId, suspended.CooperativeId,
            "urscop-aura", "Travaux."));
        await app.PublishAsync(new AmbassadeWithdrawn(Guid.NewGuid(), On(8, 10), withdrawn.AmbassadeId, withdrawn.CooperativeId,
            "urscop-ouest", "Fermeture."));
        await app.PublishAsync(new AmbassadeExpired(Guid.NewGuid(), On(10, 1), expired.AmbassadeId, expired.CooperativeId,
            "urscop-aura", new DateOnly(year, 10, 31)));
        var dashboard = await Feed.EventuallyAsync(() => DashboardAsync(year),
            d => Months(Target(d, "ambassades"))[10] == 2, "the ends to count");
        await Feed.EventuallyAsync(() => Task.FromResult(app.ConsumedCount(aura.EventId) + app.ConsumedCount(renewal.EventId)),
            n => n >= 3, "both deliveries and the renewal consumed");
        dashboard = await DashboardAsync(year);

        var ambassades = Target(dashboard, "ambassades");
        Assert.True(ambassades["fed"]!.GetValue<bool>());
        Assert.Equal(200, ambassades["target"]!.GetValue<long>());
        Assert.Contains("AmbassadeLabelled", ambassades["source"]!.GetValue<string>());
        // Jan: expired-to-be; Feb +aura; Mar +ouest; Apr +suspended; May +withdrawn; Jul the suspension; Aug the withdrawal;
        // the label ending on 31 October counts through October.
        Assert.Equal([1, 2, 3, 4, 5, 5, 4, 3, 3, 3, 2, 2], Months(ambassades));
        Assert.Equal(2, Value(dashboard, "ambassades"));
        Assert.Equal(1, ambassades["byRegion"]!["urscop-aura"]!.GetValue<long>());
        Assert.Equal(1, ambassades["byRegion"]!["urscop-ouest"]!.GetValue<long>());

        // Reinstated, it counts again.
        await app.PublishAsync(new AmbassadeReinstated(Guid.NewGuid(), On(11, 5), suspended.AmbassadeId, suspended.CooperativeId, "urscop-aura"));
        await Feed.EventuallyAsync(() => DashboardAsync(year), d => Value(d, "ambassades") == 3, "the reinstatement to count");

        // The watch feed tells each new Ambassade once; the renewal is no news.
        var feed = (await client.ReadAsync("/api/portal/feed?kind=ambassade-labelled&limit=100")).Expect(HttpStatusCode.OK).Body;
        var titles = feed["items"]!.AsArray().Select(i => i!["title"]!.GetValue<string>()).ToList();
        Assert.Single(titles, t => t == $"{aura.Name} devient SCOP Ambassade");
        Assert.Contains($"{ouest.Name} devient SCOP Ambassade", titles);
    }

    [Fact]
    public async Task Clubs_count_from_their_opening_day_until_closed_and_the_feed_tells_each_new_one()
    {
        var year = 2038; // a year of its own: no other club counts there
        ClubOpened Opened(int month, string union, string name) => new(Guid.NewGuid(), new DateTimeOffset(year, month, 3, 9, 0, 0, TimeSpan.Zero),
            Guid.NewGuid(), name, "200046977", "Métropole de Lyon", "84", union, new DateOnly(year, month, 3));
        var lyon = Opened(2, "urscop-aura", "Club inter-SCOP de la Métropole de Lyon");
        var rennes = Opened(4, "urscop-ouest", "Club inter-SCOP de Rennes Métropole");
        foreach (var opened in new[] { lyon, lyon, rennes })
        {
            await app.PublishAsync(opened);
        }

        await Feed.EventuallyAsync(() => DashboardAsync(year), d => Value(d, "clubs") == 2, "the clubs to count");
        await app.PublishAsync(new ClubClosed(Guid.NewGuid(), new DateTimeOffset(year, 9, 20, 9, 0, 0, TimeSpan.Zero), rennes.ClubId,
            "urscop-ouest", "53", new DateOnly(year, 9, 20), "Plus d'animateur."));
        var dashboard = await Feed.EventuallyAsync(() => DashboardAsync(year), d => Value(d, "clubs") == 1, "the closing to count");
        await Feed.EventuallyAsync(() => Task.FromResult(app.ConsumedCount(lyon.EventId)), n => n >= 2, "both deliveries consumed");
        dashboard = await DashboardAsync(year);

        var clubs = Target(dashboard, "clubs");
        Assert.True(clubs["fed"]!.GetValue<bool>());
        Assert.Equal(50, clubs["target"]!.GetValue<long>());
        Assert.Contains("ClubOpened", clubs["source"]!.GetValue<string>());
        Assert.Equal([0, 1, 1, 2, 2, 2, 2, 2, 1, 1, 1, 1], Months(clubs));
        Assert.Equal(1, clubs["byRegion"]!["urscop-aura"]!.GetValue<long>());

        var feed = (await client.ReadAsync("/api/portal/feed?kind=club-opened&limit=100")).Expect(HttpStatusCode.OK).Body;
        var titles = feed["items"]!.AsArray().Select(i => i!["title"]!.GetValue<string>()).ToList();
        Assert.Single(titles, t => t == "Nouveau club inter-SCOP : Club inter-SCOP de la Métropole de Lyon (Métropole de Lyon)");
        Assert.Contains(titles, t => t.Contains("Rennes Métropole", StringComparison.Ordinal));
    }

    private static long[] Months(JsonNode target) => target["byMonth"]!.AsArray().Select(v => v!.GetValue<long>()).ToArray();

    private async Task<JsonNode> DashboardAsync(int year) =>
        (await client.ReadAsync($"/api/portal/targets/{year}")).Expect(HttpStatusCode.OK).Body;

    private static JsonNode Target(JsonNode dashboard, string code) =>
        dashboard["targets"]!.AsArray().Single(t => t!["code"]!.GetValue<string>() == code)!;

    private static long Value(JsonNode dashboard, string code) => Target(dashboard, code)["value"]?.GetValue<long>() ?? -1;
}
