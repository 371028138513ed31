using System.Net.Http.Json;
using System.Text.Json;
using Scop.Aspire.Membership.Tests.Support;
using Scop.Aspire.ServiceDefaults.Security;
using Scop.Aspire.Testing;
using Scop.Aspire.ServiceDefaults;

namespace Scop.Aspire.Membership.Tests;

/// <summary>
/// A cooperative's manager runs their own cooperative: hires, records roles and departures, applies for membership
/// and pays its dues, declares its events — and gets 404 on another cooperative's, and 403 on what only its union's
/// delegates and the confederation do (register a cooperative, change its register entry, erase a person).
/// </summary>
[Collection(MembershipServersCollection.Name)]
public sealed class ManagerSelfServiceTests(MembershipServers servers, MembershipAppPerClass perClass)
    : IClassFixture<MembershipAppPerClass>, IAsyncLifetime
{
    private const string Api = "/api/membership";
    private MembershipApp app = null!;
    private HttpClient admin = null!;

    public async Task InitializeAsync()
    {
        app = await perClass.GetAsync(servers);
        admin = app.CreateClient(TestTokens.For(PlatformAudiences.Membership, PlatformRoles.ConfederationAdmin));
    }

    public Task DisposeAsync()
    {
        admin.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task A_manager_runs_their_own_cooperative()
    {
        var own = await RegisterAsync();
        using var manager = app.CreateClient(TestTokens.For(PlatformAudiences.Membership, PlatformRoles.CooperativeManager,
            cooperativeId: own, personId: Guid.NewGuid()));

        await HttpAnswers.ExpectAsync(manager.PostAsJsonAsync($"{Api}/cooperatives/{own}/membership", new { termKind = "rolling", duesCents = 50_000 }), 201);
        var paid = await HttpAnswers.ExpectAsync(manager.PostAsJsonAsync($"{Api}/cooperatives/{own}/membership/payments",
            new { amountCents = 50_000, paidOn = Day(0) }), 200);
        Assert.Equal("New", paid.GetProperty("status").GetString());
        var renewed = await HttpAnswers.ExpectAsync(manager.PostAsJsonAsync($"{Api}/cooperatives/{own}/membership/payments",
            new { amountCents = 50_000, paidOn = Day(0) }), 200);
        Assert.Equal(2, renewed.GetProperty("terms").GetArrayLength());

        var email = $"c{Guid.NewGuid():N}@example.coop";
        var hired = await HttpAnswers.ExpectAsync(manager.PostAsJsonAsync($"{Api}/cooperatives/{own}/people",
            new { givenName = "Camille", familyName = "Tisserand", email, role = "employee", hiredOn = Day(-10) }), 201);
        var person = hired.GetProperty("id").GetGuid();
        await HttpAnswers.ExpectAsync(manager.PostAsJsonAsync($"{Api}/people/{person}/roles", new { role = "manager", startsOn = Day(-1) }), 200);
        await HttpAnswers.ExpectAsync(manager.PostAsJsonAsync($"{Api}/cooperatives/{own}/events", new { kind = "agm", heldOn = Day(30) }), 201);
        await HttpAnswers.ExpectAsync(manager.PostAsJsonAsync($"{Api}/people/{person}/leave", new { leftOn = Day(0) }), 200);

        // The register told the other services: the hire with its role and address, the new role.
        var hire = JsonDocument.Parse(await app.QueryScalarAsync<string>(
            "SELECT body::text FROM outbox_messages WHERE message_type LIKE '%.PersonHired,%' AND body->>'personId' = @p",
            ("p", person.ToString()))).RootElement;
        Assert.Equal("employee", hire.GetProperty("role").GetString());
        Assert.Equal(email, hire.GetProperty("email").GetString());
        var role = JsonDocument.Parse(await app.QueryScalarAsync<string>(
            "SELECT body::text FROM outbox_messages WHERE message_type LIKE '%.PersonRoleStarted,%' AND body->>'personId' = @p",
            ("p", person.ToString()))).RootElement;
        Assert.Equal("manager", role.GetProperty("role").GetString());
        Assert.Equal(own, role.GetProperty("cooperativeId").GetGuid());
    }

    [Fact]
    public async Task Another_cooperative_does_not_exist_for_a_manager_and_the_unions_work_is_not_theirs()
    {
        var own = await RegisterAsync();
        var other = await RegisterAsync();
        await HttpAnswers.ExpectAsync(admin.PostAsJsonAsync($"{Api}/cooperatives/{other}/membership", new { termKind = "rolling", duesCents = 50_000 }), 201);
        var theirs = (await HttpAnswers.ExpectAsync(admin.PostAsJsonAsync($"{Api}/cooperatives/{other}/people",
            new { givenName = "Dominique", familyName = "Autre", role = "employee", hiredOn = Day(-10) }), 201)).GetProperty("id").GetGuid();
        var mine = (await HttpAnswers.ExpectAsync(admin.PostAsJsonAsync($"{Api}/cooperatives/{own}/people",
            new { givenName = "Camille", familyName = "Mienne", role = "employee", hiredOn = Day(-10) }), 201)).GetProperty("id").GetGuid();
        var outboxBefore = await app.CountAsync("outbox_messages");
        using var manager = app.CreateClient(TestTokens.For(PlatformAudiences.Membership, PlatformRoles.CooperativeManager, cooperativeId: own));

        // Another cooperative's: 404, whatever the request.
        await HttpAnswers.ExpectAsync(manager.PostAsJsonAsync($"{Api}/cooperatives/{other}/people",
            new { givenName = "Intrus", familyName = "Intrus", role = "employee", hiredOn = Day(-1) }), 404);
        await HttpAnswers.ExpectAsync(manager.PostAsJsonAsync($"{Api}/cooperatives/{other}/membership/payments", new { amountCents = 50_000, paidOn = Day(0) }), 404);
        await HttpAnswers.ExpectAsync(manager.PostAsJsonAsync($"{Api}/cooperatives/{other}/membership", new { termKind = "rolling", duesCents = 1 }), 404);
        await HttpAnswers.ExpectAsync(manager.PostAsJsonAsync($"{Api}/cooperatives/{other}/events", new { kind = "agm", heldOn = Day(30) }), 404);
        await HttpAnswers.ExpectAsync(manager.PostAsJsonAsync($"{Api}/people/{theirs}/roles", new { role = "manager", startsOn = Day(0) }), 404);
        await HttpAnswers.ExpectAsync(manager.PostAsJsonAsync($"{Api}/people/{theirs}/leave", new { leftOn = Day(0) }), 404);
        await HttpAnswers.ExpectAsync(manager.GetAsync($"{Api}/people/{theirs}"), 404);
        await HttpAnswers.ExpectAsync(manager.GetAsync($"{Api}/people/{theirs}/export"), 404);
        await HttpAnswers.ExpectAsync(manager.PostAsync($"{Api}/people/{theirs}/erasure", null), 404);

        // The union's and the confederation's work: 403, even on their own cooperative.
        await HttpAnswers.ExpectAsync(manager.SendAsync(TestData.Post(TestData.Registration(communeCode: "69123"))), 403);
        await HttpAnswers.ExpectAsync(manager.PutAsJsonAsync($"{Api}/cooperatives/{own}", new { name = "Renommée", communeCode = "69123", nafCode = "13.20Z" }), 403);
        await HttpAnswers.ExpectAsync(manager.PostAsJsonAsync($"{Api}/people/{mine}/mandates",
            new { level = "regional", title = "Administrateur", startsOn = "2026-01-01" }), 403);

        Assert.Equal(outboxBefore, await app.CountAsync("outbox_messages")); // nothing written
        Assert.Equal(0, await app.QueryScalarAsync<long>("SELECT count(*) FROM people WHERE family_name = 'Intrus'"));
        Assert.Equal("Autre", await app.QueryScalarAsync<string>("SELECT family_name FROM people WHERE id = @id", ("id", theirs)));
    }

    private static string Day(int fromToday) => ParisCalendar.Today(TimeProvider.System).AddDays(fromToday).ToString("yyyy-MM-dd");

    private async Task<Guid> RegisterAsync() =>
        (await HttpAnswers.ExpectAsync(admin.SendAsync(TestData.Post(TestData.Registration(communeCode: "69123"))), 201)).GetProperty("id").GetGuid();
}
