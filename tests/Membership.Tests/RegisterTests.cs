using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Scop.Aspire.Contracts.Ambassadors;
using Scop.Aspire.Contracts.Membership;
using Scop.Aspire.Contracts.Training;
using Scop.Aspire.Membership.Tests.Support;
using Scop.Aspire.ServiceDefaults.Security;
using Scop.Aspire.Testing;
using Scop.Aspire.ServiceDefaults;

namespace Scop.Aspire.Membership.Tests;

/// <summary>
/// The register beyond registration, on the real service: details and EPCI, optimistic concurrency, search, people,
/// cards, benefits, kits, mandates, personal data and the regional scope of delegates.
/// </summary>
[Collection(MembershipServersCollection.Name)]
public sealed class RegisterTests(MembershipServers servers, MembershipAppPerClass perClass)
    : IClassFixture<MembershipAppPerClass>, IAsyncLifetime
{
    private MembershipApp app = null!;
    private HttpClient admin = null!;

    public async Task InitializeAsync()
    {
        app = await perClass.GetAsync(servers);
        admin = app.CreateClient(Token(PlatformRoles.ConfederationAdmin));
    }

    public Task DisposeAsync()
    {
        admin.Dispose();
        return Task.CompletedTask;
    }

    private static string Token(string role, string? union = null) =>
        TestTokens.For(PlatformAudiences.Membership, role, regionalUnion: union);

    private async Task<JsonElement> RegisterAsync(JsonObject? extra = null, string communeCode = "69123", string nafCode = "62.01Z")
    {
        var body = TestData.Registration(communeCode: communeCode, nafCode: nafCode);
        foreach (var (key, value) in extra ?? new JsonObject())
        {
            body[key] = value?.DeepClone();
        }

        using var response = await admin.SendAsync(TestData.Post(body));
        var json = await response.ReadJsonAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, json.ToString());
        return json;
    }

    private async Task<JsonElement> HireAsync(Guid cooperativeId, string role = "employee", string hiredOn = "2024-02-01")
    {
        using var response = await admin.PostAsJsonAsync($"/api/membership/cooperatives/{cooperativeId}/people", new
        {
            givenName = "Camille", familyName = "Durand", email = "camille.durand@example.coop", phone = "+33 6 12 34 56 78",
            birthDate = "1985-04-02", role, hiredOn,
        });
        var json = await response.ReadJsonAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, json.ToString());
        return json;
    }

    private Task<long> OutboxCountAsync(string type) =>
        app.QueryScalarAsync<long>("SELECT count(*) FROM outbox_messages WHERE message_type LIKE @type", ("type", $"%.{type},%"));

    [Fact]
    public async Task A_cooperative_carries_its_details_and_its_commune_resolves_to_departement_region_and_epci()
    {
        var created = await RegisterAsync(new JsonObject
        {
            ["street"] = "12 rue de la République", ["postalCode"] = "69002", ["tradeFederations"] = new JsonArray("scop-btp"),
            ["headcount"] = 25, ["workerMembers"] = 18, ["profitSharingAgreement"] = true, ["foundedOn"] = "1998-06-01",
        });
        Assert.Equal("69", created.GetProperty("departement").GetString());
        Assert.Equal("84", created.GetProperty("region").GetString());
        Assert.Equal("200046977", created.GetProperty("epciCode").GetString()); // Métropole de Lyon
        Assert.Contains("Lyon", created.GetProperty("epciName").GetString());
        Assert.Equal(18, created.GetProperty("workerMembers").GetInt32());
        Assert.Equal("scop-btp", created.GetProperty("tradeFederations")[0].GetString());

        var before = await app.CountAsync("cooperatives");
        using var bad = await admin.SendAsync(TestData.Post(TestData.Registration().Also(b =>
        {
            b["headcount"] = 3;
            b["workerMembers"] = 5;
            b["tradeFederations"] = new JsonArray("unknown");
            b["postalCode"] = "6900";
        })));
        var problem = await bad.ReadJsonAsync();
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        foreach (var field in new[] { "workerMembers", "tradeFederations", "postalCode" })
        {
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
        }

        Assert.Equal(before, await app.CountAsync("cooperatives"));
    }

    [Fact]
    public async Task Updates_need_the_current_etag_a_stale_one_is_412_and_none_is_428()
    {
        var created = await RegisterAsync();
        var id = created.GetProperty("id").GetGuid();
        using var read = await admin.GetAsync($"/api/membership/cooperatives/{id}");
        var etag = read.Headers.ETag!.ToString();
        var change = new { name = "Renamed", communeCode = "69123", nafCode = "62.01Z", headcount = 12 };

        using var missing = await admin.PutAsJsonAsync($"/api/membership/cooperatives/{id}", change);
        Assert.Equal(HttpStatusCode.PreconditionRequired, missing.StatusCode);

        using var first = await Put(id, change, etag);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.NotEqual(etag, first.Headers.ETag!.ToString());

        using var stale = await Put(id, change with { }, etag); // the version read before the first update
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
        Assert.Equal("application/problem+json", stale.Content.Headers.ContentType?.MediaType);

        using var after = await admin.GetAsync($"/api/membership/cooperatives/{id}");
        var current = await after.ReadJsonAsync();
        Assert.Equal("Renamed", current.GetProperty("name").GetString());
        Assert.Equal(12, current.GetProperty("headcount").GetInt32());
    }

    private Task<HttpResponseMessage> Put(Guid id, object body, string etag)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, $"/api/membership/cooperatives/{id}") { Content = JsonContent.Create(body) };
        request.Headers.TryAddWithoutValidation("If-Match", etag);
        return admin.SendAsync(request);
    }

    [Fact]
    public async Task Search_filters_by_union_sector_and_legal_form()
    {
        var marker = $"Search{Guid.NewGuid():N}"[..20];
        await RegisterAsync(new JsonObject { ["name"] = $"{marker} Lyon" }, communeCode: "69123", nafCode: "43.21A");
        await RegisterAsync(new JsonObject { ["name"] = $"{marker} Rennes", ["legalForm"] = "SCIC" }, communeCode: "35238", nafCode: "62.01Z");

        async Task<string[]> Names(string query)
        {
            using var response = await admin.GetAsync($"/api/membership/cooperatives?name={marker}&{query}");
            var page = await response.ReadJsonAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, page.ToString());
            return page.GetProperty("items").EnumerateArray().Select(c => c.GetProperty("name").GetString()!).ToArray();
        }

        Assert.Equal([$"{marker} Lyon"], await Names("union=urscop-aura"));
        Assert.Equal([$"{marker} Rennes"], await Names("union=urscop-ouest"));
        Assert.Equal([$"{marker} Lyon"], await Names("sector=43"));
        Assert.Equal([$"{marker} Rennes"], await Names("sector=62.01Z"));
        Assert.Equal([$"{marker} Rennes"], await Names("legalForm=scic"));
        using var bad = await admin.GetAsync("/api/membership/cooperatives?sector=zz");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }

    [Fact]
    public async Task The_name_search_ignores_capitals_and_accents_and_follows_a_rename()
    {
        var marker = $"Fold{Guid.NewGuid():N}"[..16];
        var created = await RegisterAsync(new JsonObject { ["name"] = $"Œuvres Énergétiques {marker}" }, communeCode: "69123", nafCode: "43.21A");
        var id = created.GetProperty("id").GetGuid();

        async Task<Guid[]> Found(string words)
        {
            using var response = await admin.GetAsync($"/api/membership/cooperatives?name={Uri.EscapeDataString(words)}");
            var page = await response.ReadJsonAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, page.ToString());
            return page.GetProperty("items").EnumerateArray().Select(c => c.GetProperty("id").GetGuid()).ToArray();
        }

        Assert.Equal([id], await Found($"oeuvres energetiques {marker}"));
        Assert.Equal([id], await Found($"ŒUVRES ÉNERGÉTIQUES {marker.ToUpperInvariant()}"));
        Assert.Equal([id], await Found($"énergétiques {marker}"));

        // Renamed and moved to another NAF division: found by the new name and division, no longer by the old ones.
        using var read = await admin.GetAsync($"/api/membership/cooperatives/{id}");
        using var renamed = await Put(id, new { name = $"Atelier Hélène {marker}", communeCode = "69123", nafCode = "62.01Z" },
            read.Headers.ETag!.ToString());
        Assert.Equal(HttpStatusCode.OK, renamed.StatusCode);
        Assert.Equal([id], await Found($"helene {marker}"));
        Assert.Empty(await Found($"energetiques {marker}"));

        using var division = await admin.GetAsync($"/api/membership/cooperatives?name={marker}&sector=62");
        Assert.Single((await division.ReadJsonAsync()).GetProperty("items").EnumerateArray());
        using var oldDivision = await admin.GetAsync($"/api/membership/cooperatives?name={marker}&sector=43");
        Assert.Empty((await oldDivision.ReadJsonAsync()).GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task A_hire_publishes_person_hired_and_leaving_ends_roles_and_revokes_the_card()
    {
        var cooperative = (await RegisterAsync()).GetProperty("id").GetGuid();
        var hiredBefore = await OutboxCountAsync("PersonHired");
        var person = await HireAsync(cooperative);
        var id = person.GetProperty("id").GetGuid();
        Assert.Equal(hiredBefore + 1, await OutboxCountAsync("PersonHired"));
        Assert.Equal(16, person.GetProperty("cardNumber").GetString()!.Length);

        using var role = await admin.PostAsJsonAsync($"/api/membership/people/{id}/roles", new { role = "worker-member", startsOn = "2025-01-01" });
        var withRole = await role.ReadJsonAsync();
        Assert.Equal(HttpStatusCode.OK, role.StatusCode);
        Assert.Equal(2, withRole.GetProperty("roles").GetArrayLength());

        using var leave = await admin.PostAsJsonAsync($"/api/membership/people/{id}/leave", new { leftOn = "2025-06-30" });
        var left = await leave.ReadJsonAsync();
        Assert.Equal(HttpStatusCode.OK, leave.StatusCode);
        Assert.Equal("2025-06-30", left.GetProperty("cardRevokedOn").GetString());
        Assert.All(left.GetProperty("roles").EnumerateArray(), r => Assert.Equal("2025-06-30", r.GetProperty("endsOn").GetString()));

        using var invalid = await admin.PostAsJsonAsync($"/api/membership/cooperatives/{cooperative}/people", new { givenName = "", role = "boss" });
        var problem = await invalid.ReadJsonAsync();
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        Assert.True(problem.GetProperty("errors").TryGetProperty("role", out _));
        Assert.True(problem.GetProperty("errors").TryGetProperty("hiredOn", out _));
    }

    [Fact]
    public async Task A_partner_learns_only_whether_a_card_is_valid_today()
    {
        var cooperative = (await RegisterAsync()).GetProperty("id").GetGuid();
        var person = await HireAsync(cooperative);
        var card = person.GetProperty("cardNumber").GetString()!;
        using var partner = app.CreateClient(Token(PlatformRoles.Partner));

        async Task<bool> Valid()
        {
            using var response = await partner.GetAsync($"/api/membership/cards/{card}/validity");
            var json = await response.ReadJsonAsync();
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(["valid", "on"], json.EnumerateObject().Select(p => p.Name)); // nothing else
            return json.GetProperty("valid").GetBoolean();
        }

        Assert.False(await Valid()); // the cooperative is not a member yet
        using (var apply = await admin.PostAsJsonAsync($"/api/membership/cooperatives/{cooperative}/membership", new { termKind = "rolling", duesCents = 50_000 }))
        {
            Assert.Equal(HttpStatusCode.Created, apply.StatusCode);
            Assert.Equal("Pending", (await apply.ReadJsonAsync()).GetProperty("status").GetString());
        }

        using (var pay = await admin.PostAsJsonAsync($"/api/membership/cooperatives/{cooperative}/membership/payments", new { amountCents = 50_000 }))
        {
            Assert.Equal("New", (await pay.ReadJsonAsync()).GetProperty("status").GetString());
        }

        Assert.True(await Valid());
        using (await admin.PostAsJsonAsync($"/api/membership/people/{person.GetProperty("id").GetGuid()}/leave",
                   new { leftOn = ParisCalendar.Today(TimeProvider.System).ToString("yyyy-MM-dd") }))
        {
        }

        Assert.False(await Valid());
        using var malformed = await partner.GetAsync("/api/membership/cards/1234567890123456/validity");
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        using var notPartner = await app.CreateClient(Token(PlatformRoles.Member)).GetAsync($"/api/membership/cards/{card}/validity");
        Assert.Equal(HttpStatusCode.Forbidden, notPartner.StatusCode);
    }

    [Fact]
    public async Task An_enrolment_shares_only_the_consented_fields_with_the_partner()
    {
        var cooperative = (await RegisterAsync()).GetProperty("id").GetGuid();
        var id = (await HireAsync(cooperative)).GetProperty("id").GetGuid();
        var enrol = new { benefitCode = "scop-agir-card", consentedFields = new[] { "givenName", "familyName" } };
        using var first = await admin.PostAsJsonAsync($"/api/membership/people/{id}/benefit-enrolments", enrol);
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var body = await app.QueryScalarAsync<string>(
            "SELECT body::text FROM outbox_messages WHERE message_type LIKE '%BenefitEnrolmentRequested%' AND body->>'personId' = @id",
            ("id", id.ToString()));
        Assert.Contains("credit-cooperatif", body);
        Assert.Contains("Camille", body);
        Assert.DoesNotContain("camille.durand@example.coop", body);

        using var again = await admin.PostAsJsonAsync($"/api/membership/people/{id}/benefit-enrolments", enrol);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        using var noConsent = await admin.PostAsJsonAsync($"/api/membership/people/{id}/benefit-enrolments", new { benefitCode = "mutual-health" });
        Assert.Equal(HttpStatusCode.BadRequest, noConsent.StatusCode);
    }

    [Fact]
    public async Task One_welcome_kit_per_event_even_when_declared_twice()
    {
        var cooperative = (await RegisterAsync()).GetProperty("id").GetGuid();
        var declare = new { kind = "agm", heldOn = ParisCalendar.Today(TimeProvider.System).AddDays(30).ToString("yyyy-MM-dd") };
        using var first = await admin.PostAsJsonAsync($"/api/membership/cooperatives/{cooperative}/events", declare);
        using var second = await admin.PostAsJsonAsync($"/api/membership/cooperatives/{cooperative}/events", declare);
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        var kit = (await first.ReadJsonAsync()).GetProperty("kitId").GetGuid();
        Assert.Equal(kit, (await second.ReadJsonAsync()).GetProperty("kitId").GetGuid());
        Assert.Equal(1L, await app.QueryScalarAsync<long>(
            "SELECT count(*) FROM kit_shipments k JOIN cooperative_events e ON e.id = k.event_id WHERE e.cooperative_id = @c",
            ("c", cooperative)));

        using var skip = await admin.PutAsJsonAsync($"/api/membership/kits/{kit}/status", new { status = "delivered" });
        Assert.Equal(HttpStatusCode.Conflict, skip.StatusCode);
        using var shipped = await admin.PutAsJsonAsync($"/api/membership/kits/{kit}/status", new { status = "shipped" });
        Assert.Equal("Shipped", (await shipped.ReadJsonAsync()).GetProperty("kitStatus").GetString());
    }

    [Fact]
    public async Task A_labelled_ambassade_gets_its_signage_kit_once_and_no_manager_declares_one_by_hand()
    {
        var cooperative = (await RegisterAsync()).GetProperty("id").GetGuid();
        var ordered = new SignageKitOrdered(Guid.NewGuid(), DateTimeOffset.UtcNow, cooperative, Guid.NewGuid(), "urscop-aura",
            "Atelier du Rhône", "69123", "Lyon", "69", "84");
        var bus = app.Services.GetRequiredService<IBus>();
        await bus.Publish(ordered, context => context.MessageId = ordered.EventId);
        await bus.Publish(ordered, context => context.MessageId = ordered.EventId); // delivered twice
        var again = ordered with { EventId = Guid.NewGuid() }; // ordered twice the same day
        await bus.Publish(again, context => context.MessageId = again.EventId);

        await Eventually(async () => await app.QueryScalarAsync<long>(
            "SELECT count(*) FROM inbox_messages WHERE message_id = ANY(@m)", ("m", new[] { ordered.EventId, again.EventId })) == 2);
        var events = (await (await admin.GetAsync($"/api/membership/cooperatives/{cooperative}/events")).ReadJsonAsync())
            .GetProperty("items");
        var signage = Assert.Single(events.EnumerateArray());
        Assert.Equal("AmbassadeLabel", signage.GetProperty("kind").GetString());
        Assert.Equal("Requested", signage.GetProperty("kitStatus").GetString());

        using var byHand = await admin.PostAsJsonAsync($"/api/membership/cooperatives/{cooperative}/events",
            new { kind = "ambassadeLabel", heldOn = ParisCalendar.Today(TimeProvider.System).ToString("yyyy-MM-dd") });
        Assert.Equal(HttpStatusCode.BadRequest, byHand.StatusCode);
    }

    [Fact]
    public async Task An_untrained_official_gets_a_409_naming_the_missing_path_and_succeeds_once_training_reports_it()
    {
        var cooperative = (await RegisterAsync()).GetProperty("id").GetGuid();
        var id = (await HireAsync(cooperative)).GetProperty("id").GetGuid();
        var mandate = new { level = "regional", title = "Administrateur URSCOP", startsOn = "2026-01-01", endsOn = "2029-12-31" };

        using var refused = await admin.PostAsJsonAsync($"/api/membership/people/{id}/mandates", mandate);
        var problem = await refused.ReadJsonAsync();
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Equal("ElectedOfficials", problem.GetProperty("missing")[0].GetString());
        Assert.Equal(0, await app.CountAsync("mandates"));

        var bus = app.Services.GetRequiredService<IBus>();
        await bus.Publish(new TrainingCompleted(Guid.NewGuid(), DateTimeOffset.UtcNow, id, Guid.NewGuid(), "Parcours des élus",
            "ElectedOfficials", Guid.NewGuid(), "CERT-0001", new DateOnly(2025, 11, 20), "Employee", "urscop-aura", cooperative));
        await Eventually(async () => await app.QueryScalarAsync<long>(
            "SELECT count(*) FROM training_completions WHERE person_id = @p", ("p", id)) == 1);

        var startedBefore = await OutboxCountAsync("MandateStarted");
        using var accepted = await admin.PostAsJsonAsync($"/api/membership/people/{id}/mandates", mandate);
        Assert.Equal(HttpStatusCode.Created, accepted.StatusCode);
        Assert.Equal(startedBefore + 1, await OutboxCountAsync("MandateStarted"));
    }

    [Fact]
    public async Task Export_holds_everything_and_erasure_anonymises_the_person_but_keeps_the_aggregates()
    {
        var cooperative = (await RegisterAsync()).GetProperty("id").GetGuid();
        var id = (await HireAsync(cooperative)).GetProperty("id").GetGuid();
        using (await admin.PostAsJsonAsync($"/api/membership/people/{id}/benefit-enrolments", new { benefitCode = "union-sociale" }))
        {
        }

        using var export = await admin.GetAsync($"/api/membership/people/{id}/export");
        var exported = await export.ReadJsonAsync();
        Assert.Equal(HttpStatusCode.OK, export.StatusCode);
        Assert.Equal("camille.durand@example.coop", exported.GetProperty("person").GetProperty("email").GetString());
        Assert.Equal(1, exported.GetProperty("benefitEnrolments").GetArrayLength());

        var published = new PublishedErasures(id);
        using var observing = app.Services.GetRequiredService<IBus>().ConnectPublishObserver(published);
        using var erase = await admin.PostAsync($"/api/membership/people/{id}/erasure", null);
        Assert.Equal(HttpStatusCode.OK, erase.StatusCode);
        using var twice = await admin.PostAsync($"/api/membership/people/{id}/erasure", null);
        Assert.Equal(HttpStatusCode.OK, twice.StatusCode);
        // PersonErased leaves once; the outbox keeps no copy of it, nor of any event about the person.
        await Eventually(async () => published.Count == 1 && await app.QueryScalarAsync<long>(
            "SELECT count(*) FROM outbox_messages WHERE body::text LIKE @p", ("p", $"%{id}%")) == 0);
        await Task.Delay(500);
        Assert.Equal(1, published.Count);

        using var after = await admin.GetAsync($"/api/membership/people/{id}/export");
        var text = await after.Content.ReadAsStringAsync();
        Assert.DoesNotContain("Camille", text);
        Assert.DoesNotContain("Durand", text);
        Assert.DoesNotContain("example.coop", text);
        Assert.DoesNotContain("1985-04-02", text); // the birth date; four digits alone can stand in a random card number
        var person = (await after.ReadJsonAsync()).GetProperty("person");
        Assert.True(person.GetProperty("erased").GetBoolean());
        Assert.Equal(1, person.GetProperty("roles").GetArrayLength()); // the role and its dates stay, for the statistics
        Assert.Equal(1L, await app.QueryScalarAsync<long>("SELECT count(*) FROM benefit_enrolments WHERE person_id = @p", ("p", id)));
    }

    [Fact]
    public async Task A_delegate_sees_and_changes_nothing_outside_their_regional_union()
    {
        var lyon = (await RegisterAsync()).GetProperty("id").GetGuid();
        var person = (await HireAsync(lyon)).GetProperty("id").GetGuid();
        using var ouest = app.CreateClient(Token(PlatformRoles.Delegate, "urscop-ouest"));
        using var aura = app.CreateClient(Token(PlatformRoles.Delegate, "urscop-aura"));

        var peopleBefore = await app.CountAsync("people");
        foreach (var response in new[]
                 {
                     await ouest.GetAsync($"/api/membership/people/{person}"),
                     await ouest.GetAsync($"/api/membership/people/{person}/export"),
                     await ouest.GetAsync($"/api/membership/cooperatives/{lyon}/people"),
                     await ouest.PostAsJsonAsync($"/api/membership/cooperatives/{lyon}/people",
                         new { givenName = "A", familyName = "B", role = "employee", hiredOn = "2025-01-01" }),
                     await ouest.PostAsync($"/api/membership/people/{person}/erasure", null),
                     await ouest.PostAsJsonAsync($"/api/membership/cooperatives/{lyon}/events", new { kind = "agm", heldOn = "2026-06-01" }),
                 })
        {
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Forbidden, $"{(int)response.StatusCode} {body}");
            Assert.DoesNotContain("Camille", body);
            response.Dispose();
        }

        Assert.Equal(peopleBefore, await app.CountAsync("people"));
        using var own = await aura.GetAsync($"/api/membership/people/{person}");
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
    }

    private static async Task Eventually(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "The condition did not hold within 30 s.");
            await Task.Delay(100);
        }
    }
}

internal static class JsonObjectExtensions
{
    public static JsonObject Also(this JsonObject body, Action<JsonObject> change)
    {
        change(body);
        return body;
    }
}

/// <summary>Counts the publications of one person's <see cref="PersonErased"/>.</summary>
internal sealed class PublishedErasures(Guid person) : IPublishObserver
{
    private int count;

    public int Count => Volatile.Read(ref count);

    public Task PrePublish<T>(PublishContext<T> context) where T : class => Task.CompletedTask;

    public Task PostPublish<T>(PublishContext<T> context) where T : class
    {
        if (context.Message is PersonErased erased && erased.PersonId == person)
        {
            Interlocked.Increment(ref count);
        }

        return Task.CompletedTask;
    }

    public Task PublishFault<T>(PublishContext<T> context, Exception exception) where T : class => Task.CompletedTask;
}
