using System.Net;
using System.Text.Json.Nodes;
using Scop.Aspire.Contracts.Membership;
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
        foreach (var code in new[] { "ambassades", "clubs", "worker-members", "takeovers-converted", "jobs-kept" })
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
        (await client.ReadAsync($"/api/portal/targets/{year}/ambassades/facts", PortalApp.StaffToken)).Expect(HttpStatusCode.NotFound);
    }

    private async Task<JsonNode> DashboardAsync(int year) =>
        (await client.ReadAsync($"/api/portal/targets/{year}")).Expect(HttpStatusCode.OK).Body;

    private static JsonNode Target(JsonNode dashboard, string code) =>
        dashboard["targets"]!.AsArray().Single(t => t!["code"]!.GetValue<string>() == code)!;

    private static long Value(JsonNode dashboard, string code) => Target(dashboard, code)["value"]?.GetValue<long>() ?? -1;
}
