using System.Net.Http.Json;
using Scop.Aspire.Membership.Tests.Support;
using Scop.Aspire.ServiceDefaults.Security;
using Scop.Aspire.Testing;
using Scop.Aspire.ServiceDefaults;

namespace Scop.Aspire.Membership.Tests;

/// <summary>
/// A worker-member reads their own record — their cooperative, its membership, their card and whether a partner would
/// take it today — and enrols in a benefit with the fields they consent to share; their token names them, and nothing
/// in the path or the body can name anyone else.
/// </summary>
[Collection(MembershipServersCollection.Name)]
public sealed class MeTests(MembershipServers servers, MembershipAppPerClass perClass)
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
    public async Task A_member_reads_their_record_and_their_card_turns_valid_when_the_dues_are_paid()
    {
        var (cooperative, person) = await HireAsync("Aurore", "Canut");
        using var member = MemberClient(person);

        var before = await member.GetAsync($"{Api}/me").ExpectAsync(200);
        Assert.Equal(person, before.GetProperty("person").GetProperty("id").GetGuid());
        Assert.Equal("Canut", before.GetProperty("person").GetProperty("familyName").GetString());
        Assert.Equal(cooperative, before.GetProperty("cooperative").GetProperty("id").GetGuid());
        Assert.Equal("Pending", before.GetProperty("membership").GetProperty("status").GetString());
        var card = before.GetProperty("card");
        Assert.Matches("^[0-9]{16}$", card.GetProperty("number").GetString());
        Assert.False(card.GetProperty("valid").GetBoolean()); // dues not paid: a partner would refuse it

        await admin.PostAsJsonAsync($"{Api}/cooperatives/{cooperative}/membership/payments", new { amountCents = 50_000, paidOn = Today }).ExpectAsync(200);
        var after = await member.GetAsync($"{Api}/me").ExpectAsync(200);
        Assert.Equal("New", after.GetProperty("membership").GetProperty("status").GetString());
        Assert.True(after.GetProperty("card").GetProperty("valid").GetBoolean());

        // What the member sees is what a partner is told.
        using var partner = app.CreateClient(TestTokens.For(PlatformAudiences.Membership, PlatformRoles.Partner));
        var validity = await partner.GetAsync($"{Api}/cards/{card.GetProperty("number").GetString()}/validity").ExpectAsync(200);
        Assert.True(validity.GetProperty("valid").GetBoolean());
    }

    [Fact]
    public async Task A_member_enrols_themselves_with_their_consent_and_nobody_else()
    {
        var (_, person) = await HireAsync("Bastien", "Soyeux");
        var (_, colleague) = await HireAsync("Chloé", "Voisine");
        using var member = MemberClient(person);

        // Naming someone else in the body is refused, not ignored.
        var naming = await member.PostAsJsonAsync($"{Api}/me/benefit-enrolments",
            new { benefitCode = "scop-agir-card", consentedFields = new[] { "givenName" }, personId = colleague }).ExpectAsync(400);
        Assert.True(naming.GetProperty("errors").TryGetProperty("personId", out _), naming.ToString());

        var enrolment = await member.PostAsJsonAsync($"{Api}/me/benefit-enrolments",
            new { benefitCode = "scop-agir-card", consentedFields = new[] { "givenName", "email" } }).ExpectAsync(201);
        Assert.Equal(person, enrolment.GetProperty("personId").GetGuid());
        var published = await app.QueryScalarAsync<string>(
            "SELECT body::text FROM outbox_messages WHERE message_type LIKE '%.BenefitEnrolmentRequested,%' AND body->>'personId' = @p",
            ("p", person.ToString()));
        Assert.Contains("Bastien", published);
        Assert.DoesNotContain("Soyeux", published); // the family name was not consented to

        var mine = await member.GetAsync($"{Api}/me/benefit-enrolments").ExpectAsync(200);
        Assert.Equal(1, mine.GetProperty("totalCount").GetInt64());
        Assert.Equal("scop-agir-card", mine.GetProperty("items")[0].GetProperty("benefitCode").GetString());
        Assert.Equal(0, await app.QueryScalarAsync<long>("SELECT count(*) FROM benefit_enrolments WHERE person_id = @p", ("p", colleague)));

        // Again: already enrolled. A partner's benefit without consent, or an unknown field: said, and nothing written.
        await member.PostAsJsonAsync($"{Api}/me/benefit-enrolments", new { benefitCode = "scop-agir-card", consentedFields = new[] { "email" } })
            .ExpectAsync(409);
        var outbox = await app.CountAsync("outbox_messages");
        var refused = await member.PostAsJsonAsync($"{Api}/me/benefit-enrolments", new { benefitCode = "mutual-health", consentedFields = Array.Empty<string>() })
            .ExpectAsync(400);
        Assert.True(refused.GetProperty("errors").TryGetProperty("consentedFields", out _), refused.ToString());
        var unknown = await member.PostAsJsonAsync($"{Api}/me/benefit-enrolments", new { benefitCode = "mutual-health", consentedFields = new[] { "salary" } })
            .ExpectAsync(400);
        Assert.Contains("salary", unknown.GetProperty("errors").GetProperty("consentedFields")[0].GetString());
        Assert.Equal(outbox, await app.CountAsync("outbox_messages"));
        Assert.Equal(1, await app.QueryScalarAsync<long>("SELECT count(*) FROM benefit_enrolments WHERE person_id = @p", ("p", person)));
    }

    [Fact]
    public async Task An_account_linked_to_nobody_or_to_an_erased_person_is_told_so()
    {
        using var unlinked = app.CreateClient(TestTokens.For(PlatformAudiences.Membership, PlatformRoles.Member));
        var problem = await unlinked.GetAsync($"{Api}/me").ExpectAsync(404);
        Assert.Equal("Not in the register", problem.GetProperty("title").GetString());
        await unlinked.PostAsJsonAsync($"{Api}/me/benefit-enrolments", new { benefitCode = "union-sociale" }).ExpectAsync(404);

        var (_, person) = await HireAsync("Denis", "Effacé");
        await admin.PostAsync($"{Api}/people/{person}/erasure", null).ExpectAsync(200);
        using var erased = MemberClient(person);
        await erased.GetAsync($"{Api}/me").ExpectAsync(404);
        await erased.GetAsync($"{Api}/me/benefit-enrolments").ExpectAsync(404);

        using var machine = app.CreateClient(TestTokens.For(PlatformAudiences.Membership, PlatformRoles.Partner));
        await machine.GetAsync($"{Api}/me").ExpectAsync(403);
    }

    private static string Today => ParisCalendar.Today(TimeProvider.System).ToString("yyyy-MM-dd");

    private HttpClient MemberClient(Guid person) =>
        app.CreateClient(TestTokens.For(PlatformAudiences.Membership, PlatformRoles.Member, personId: person));

    /// <summary>A cooperative of Lyon applying for membership (dues not paid), and a worker-member hired there.</summary>
    private async Task<(Guid Cooperative, Guid Person)> HireAsync(string givenName, string familyName)
    {
        var cooperative = (await admin.SendAsync(TestData.Post(TestData.Registration(communeCode: "69123"))).ExpectAsync(201)).GetProperty("id").GetGuid();
        await admin.PostAsJsonAsync($"{Api}/cooperatives/{cooperative}/membership", new { termKind = "rolling", duesCents = 50_000 }).ExpectAsync(201);
        var person = (await admin.PostAsJsonAsync($"{Api}/cooperatives/{cooperative}/people", new
        {
            givenName, familyName, email = $"{Guid.NewGuid():N}@example.coop", role = "worker-member",
            hiredOn = ParisCalendar.Today(TimeProvider.System).AddDays(-30).ToString("yyyy-MM-dd"),
        }).ExpectAsync(201)).GetProperty("id").GetGuid();
        return (cooperative, person);
    }
}
