using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Duende.IdentityModel.Client;
using Duende.IdentityModel.OidcClient;
using Npgsql;
using Scop.Aspire.Bench;
using Scop.Aspire.ServiceDefaults;

namespace Scop.Aspire.EndToEnd.Tests;

/// <summary>
/// Two processes of every service and of the gateway: what one replica starts another finishes, and work the replicas
/// share is done once — relays, webhook senders, durable timers.
/// </summary>
[Collection(ReplicatedPlatformCollection.Name)]
public sealed class ReplicasTests(ReplicatedPlatformFixture platform)
{
    private const string Scopes = "openid membership portal training partner-hooks";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public void Every_service_and_the_gateway_run_as_two_processes()
    {
        foreach (var project in platform.Platform.Projects)
        {
            var instances = platform.Platform.Instances(project);
            Assert.True(instances.Count == 2, $"{project}: {instances.Count} processes");
            Assert.All(instances, i => Assert.True(i.IsRunning && i.ProcessId is not null, $"{i.Id}: {i.State}"));
            Assert.Equal(2, instances.Select(i => i.ProcessId).Distinct().Count());
        }
    }

    [Fact]
    public async Task A_sign_in_page_served_by_one_identity_process_is_posted_to_the_other_and_each_honours_the_others_cookie_and_code()
    {
        var identities = platform.Platform.Instances(ResourceNames.Identity).Select(i => i.Address!).ToArray();
        Assert.Equal(2, identities.Length);
        var (first, second) = (identities[0], identities[1]);
        var oidc = new OidcClient(new OidcClientOptions
        {
            Authority = platform.Gateway.BaseAddress!.ToString(),
            ClientId = "scop-web",
            RedirectUri = "http://127.0.0.1/callback",
            Scope = "openid membership",
            LoadProfile = false,
            DisablePushedAuthorization = true,
            Policy = new Policy { Discovery = new DiscoveryPolicy { RequireHttps = false } },
        });
        var state = await oidc.PrepareLoginAsync();
        var authorize = new Uri(state.StartUrl).PathAndQuery;
        using var browser = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() });

        // The authorization request at the first process, its sign-in page from the second.
        using var toLogin = await browser.GetAsync(new Uri(first, authorize));
        Assert.Equal(HttpStatusCode.Redirect, toLogin.StatusCode);
        using var page = await browser.GetAsync(new Uri(second, toLogin.Headers.Location!.ToString()));
        var html = await page.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);

        // The form, with the antiforgery token and cookie the second made, posted to the first.
        using var signedIn = await browser.PostAsync(new Uri(first, "/account/login"), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(Field("__RequestVerificationToken").Match(html).Groups[1].Value),
            ["returnUrl"] = WebUtility.HtmlDecode(Field("returnUrl").Match(html).Groups[1].Value),
            ["username"] = "admin",
            ["password"] = PlatformTokens.Credentials(platform).GetProperty("Passwords").GetProperty("admin").GetString()!,
        }));
        Assert.True(signedIn.StatusCode == HttpStatusCode.Redirect, await signedIn.Content.ReadAsStringAsync());

        // The sign-in cookie the first set, read by the second, which issues the code; the first redeems it.
        using var back = await browser.GetAsync(new Uri(second, signedIn.Headers.Location!.ToString()));
        Assert.Equal(HttpStatusCode.Redirect, back.StatusCode);
        var callback = back.Headers.Location!.ToString();
        Assert.StartsWith("http://127.0.0.1/callback?code=", callback);
        var code = Regex.Match(callback, "[?&]code=([^&]+)").Groups[1].Value;
        using var token = await browser.PostAsync(new Uri(first, "/connect/token"), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["client_id"] = "scop-web",
            ["redirect_uri"] = "http://127.0.0.1/callback",
            ["code"] = Uri.UnescapeDataString(code),
            ["code_verifier"] = state.CodeVerifier,
        }));
        var tokens = await token.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(token.StatusCode == HttpStatusCode.OK, tokens.ToString());

        // A token that every service takes, through the gateway.
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/membership/cooperatives?pageSize=1")
            .WithToken(tokens.GetProperty("access_token").GetString()!);
        using var cooperatives = await platform.Gateway.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, cooperatives.StatusCode);
    }

    [Fact]
    public async Task Registrations_reach_the_feed_once_and_their_webhooks_are_sent_once()
    {
        const int count = 20;
        var admin = await PlatformTokens.SignInAsync(platform, "admin", Scopes);
        await using var receiver = await WebhookReceiver.StartAsync(CancellationToken.None);
        var partner = await CreatedIdAsync(Send(HttpMethod.Post, "/api/partner-hooks/partners", admin,
            new { code = $"replicas-{Guid.NewGuid():N}"[..30], name = "Banque des répliques" }));
        using (var endpoint = await platform.Gateway.SendAsync(Send(HttpMethod.Post, $"/api/partner-hooks/partners/{partner}/endpoints", admin,
                   new { url = receiver.Url, eventTypes = new[] { WebhookDelivery.EventType } })))
        {
            var created = await endpoint.Content.ReadFromJsonAsync<JsonElement>();
            Assert.True(endpoint.StatusCode == HttpStatusCode.Created, created.ToString());
            receiver.Secret = created.GetProperty("secret").GetString()!;
        }

        var factory = new CooperativeFactory("replicas");
        var cooperatives = new Dictionary<Guid, DateTimeOffset>();
        using var registering = platform.Platform.CreateGatewayClient();
        registering.DefaultRequestHeaders.Authorization = new("Bearer", admin);
        for (var i = 0; i < count; i++)
        {
            var (answer, cooperative) = await Requests.RegisterAsync(registering, factory.Next(), CancellationToken.None);
            Assert.True(cooperative is not null, answer.ToString());
            cooperatives[cooperative.Id] = cooperative.RegisteredAt;
        }

        await Until(() => Task.FromResult(cooperatives.Keys.All(receiver.HasCooperative)), "every webhook arrived");
        await using var portal = await OpenAsync(ResourceNames.PortalDatabase);
        await Until(async () => await CountAsync(portal, "SELECT count(*) FROM feed_items WHERE subject_id = ANY(@ids)", cooperatives.Keys) == count,
            "every registration reached the feed");

        // Whatever the relays and senders still had in hand meanwhile has been done by now.
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.Equal(count, await CountAsync(portal, "SELECT count(*) FROM feed_items WHERE subject_id = ANY(@ids)", cooperatives.Keys));
        Assert.Equal(count, await CountAsync(portal,
            "SELECT count(DISTINCT subject_id) FROM feed_items WHERE subject_id = ANY(@ids)", cooperatives.Keys));
        var outcome = receiver.Summarize(cooperatives, DateTimeOffset.MinValue);
        Assert.Equal(count, outcome.Delivered);
        Assert.Equal(0, outcome.Duplicates); // no webhook-id twice, no cooperative under two

        // Each event left membership's outbox once, and each delivery took one attempt.
        await using var membership = await OpenAsync(ResourceNames.MembershipDatabase);
        Assert.Equal(count, await CountAsync(membership,
            "SELECT count(*) FROM outbox_messages WHERE id = ANY(@ids) AND sent_at IS NOT NULL AND attempts = 1", outcome.EventIds.Keys));
        await using var hooks = await OpenAsync(ResourceNames.PartnerHooksDatabase);
        Assert.Equal(count, await CountAsync(hooks,
            "SELECT count(*) FROM delivery_attempts a JOIN deliveries d ON d.id = a.delivery_id WHERE d.event_id = ANY(@ids)",
            outcome.EventIds.Keys));
    }

    [Fact]
    public async Task Durable_timers_fire_once_whichever_relay_claims_them()
    {
        const int count = 12;
        var admin = await PlatformTokens.SignInAsync(platform, "admin", Scopes);
        var cooperative = await CreatedIdAsync(Send(HttpMethod.Post, "/api/membership/cooperatives", admin,
            new { name = "Scop des Minuteries", siren = new CooperativeFactory("timers").Next().Siren, legalForm = "SCOP", communeCode = "69123", nafCode = "13.20Z" }));
        var people = new List<Guid>();
        for (var i = 0; i < count; i++)
        {
            people.Add(await CreatedIdAsync(Send(HttpMethod.Post, $"/api/membership/cooperatives/{cooperative}/people", admin,
                new { givenName = "Camille", familyName = $"Minuterie {i}", role = "employee", hiredOn = "2025-09-01" })));
        }

        var course = await CreatedIdAsync(Send(HttpMethod.Post, "/api/training/courses", admin,
            new { title = "Le temps des coopératives", path = "Cooperative", durationHours = 7 }));
        var session = await CreatedIdAsync(Send(HttpMethod.Post, "/api/training/sessions", admin, new
        {
            courseId = course, startsOn = FrenchHolidays.WorkingDayFrom(ParisCalendar.Today(TimeProvider.System).AddDays(90)).ToString("yyyy-MM-dd"),
            regionalUnion = "urscop-aura", communeCode = "69123", capacity = count, priceCents = 0, status = "Open",
        }));
        await using var training = await OpenAsync(ResourceNames.TrainingDatabase);
        await Until(async () => await CountAsync(training, "SELECT count(*) FROM people WHERE id = ANY(@ids)", people) == count,
            "training knows every person hired");

        var bookings = new List<Guid>();
        foreach (var person in people)
        {
            bookings.Add(await CreatedIdAsync(Send(HttpMethod.Post, $"/api/training/sessions/{session}/bookings", admin,
                new { attendees = new[] { new { personId = person, role = "Employee" } } })));
        }

        // Every hold expires once: each timer published once, its consumer's effect applied once, every seat back.
        await Until(async () => await CountAsync(training,
            "SELECT count(*) FROM bookings WHERE id = ANY(@ids) AND status = 'Expired'", bookings) == count, "every hold expired");
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.Equal(count, await CountAsync(training,
            """
            SELECT count(*) FROM outbox_messages
            WHERE message_type LIKE '%HoldExpiryDue%' AND body::jsonb ->> 'bookingId' = ANY(@ids::text[])
              AND sent_at IS NOT NULL AND attempts = 1
            """, bookings));
        Assert.Equal(0, await CountAsync(training,
            "SELECT seats_taken FROM sessions WHERE id = ANY(@ids)", [session]));
        Assert.Equal(count, await CountAsync(training,
            "SELECT count(*) FROM inbox_messages WHERE consumer LIKE '%HoldExpiryConsumer' AND message_id IN (SELECT id FROM outbox_messages WHERE message_type LIKE '%HoldExpiryDue%' AND body::jsonb ->> 'bookingId' = ANY(@ids::text[]))",
            bookings));
    }

    private HttpRequestMessage Send(HttpMethod method, string path, string token, object? body = null) =>
        new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) }.WithToken(token);

    private async Task<Guid> CreatedIdAsync(HttpRequestMessage request)
    {
        using (request)
        using (var response = await platform.Gateway.SendAsync(request))
        {
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.Created, $"{request.RequestUri}: {(int)response.StatusCode} {body}");
            return JsonDocument.Parse(body).RootElement.GetProperty("id").GetGuid();
        }
    }

    private async Task<NpgsqlConnection> OpenAsync(string database)
    {
        var connection = new NpgsqlConnection(await platform.Platform.ConnectionStringAsync(database));
        await connection.OpenAsync();
        return connection;
    }

    private static async Task<long> CountAsync(NpgsqlConnection connection, string sql, IEnumerable<Guid> ids)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("ids", ids.ToArray());
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }

    private static async Task Until(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Not within {Patience.TotalSeconds} s: {what}");
            await Task.Delay(200);
        }
    }

    private static Regex Field(string name) => new($"name=\"{Regex.Escape(name)}\" value=\"([^\"]*)\"");
}
