using System.Net.Http.Json;
using System.Text.Json;
using MassTransit;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Scop.Aspire.Contracts;
using Scop.Aspire.Contracts.Membership;
using Scop.Aspire.ReferenceData;
using Scop.Aspire.ServiceDefaults;
using Scop.Aspire.ServiceDefaults.Messaging;
using Scop.Aspire.ServiceDefaults.Security;
using Scop.Aspire.Testing;

namespace Scop.Aspire.Ambassadors.Tests.Support;

/// <summary>
/// The real ambassadors service (its own Program) on real PostgreSQL with PostGIS, RabbitMQ and Redis, with a fake
/// clock: labels' years, enquiries' deadlines and clubs' dormancy follow <see cref="Time"/>, which the tests move.
/// </summary>
public sealed class AmbassadorsApp(string databaseConnectionString, PlatformServers servers)
    : ServiceApp<Program>(ResourceNames.AmbassadorsDatabase, databaseConnectionString, servers)
{
    public const string Aura = "urscop-aura";
    public const string Ouest = "urscop-ouest";

    /// <summary>The service's clock, on a whole second: PostgreSQL keeps microseconds, .NET ticks are finer.</summary>
    public FakeTimeProvider Time { get; } = new(DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds()));

    public static string StaffToken => TestTokens.For(PlatformAudiences.Ambassadors, PlatformRoles.ConfederationAdmin);

    public static string FederationToken => TestTokens.For(PlatformAudiences.Ambassadors, PlatformRoles.Federation);

    public static string ManagerToken(Guid cooperative, Guid? person = null) =>
        TestTokens.For(PlatformAudiences.Ambassadors, PlatformRoles.CooperativeManager, cooperativeId: cooperative,
            personId: person ?? Guid.NewGuid());

    public static string DelegateToken(string union, Guid? person = null) =>
        TestTokens.For(PlatformAudiences.Ambassadors, PlatformRoles.Delegate, regionalUnion: union, personId: person ?? Guid.NewGuid());

    public static string MemberToken(Guid? person) => TestTokens.For(PlatformAudiences.Ambassadors, PlatformRoles.Member, personId: person);

    public static string ElectedToken(Guid? person) => TestTokens.For(PlatformAudiences.Ambassadors, PlatformRoles.Elected, personId: person);

    public FrenchPlaces Places => Services.GetRequiredService<FrenchPlaces>();

    public ErrorLog Errors { get; } = new();

    public IBus Bus => Services.GetRequiredService<IBus>();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton<TimeProvider>(Time);
            services.AddSingleton<ILoggerProvider>(Errors);
        });
    }

    /// <summary>Moves the service's clock and lets the outbox relay look at the timers that fell due.</summary>
    public void Advance(TimeSpan by)
    {
        Time.Advance(by);
        Services.GetRequiredService<OutboxRelay>().Wake();
    }

    /// <summary>Publishes an event as its publisher's outbox does: the event id is the message id.</summary>
    public Task PublishAsync<T>(T message)
        where T : class, IIntegrationEvent =>
        Bus.Publish(message, context => context.MessageId = message.EventId);

    public Task<long> ScalarAsync(string sql, params (string Name, object Value)[] parameters) =>
        QueryScalarAsync<long>(sql, parameters);

    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    public const string Lyon = "69123";
    public const string Rennes = "35238";

    public DateOnly Today => ParisCalendar.Today(Time);

    /// <summary>Polls until <paramref name="condition"/> holds, failing with <paramref name="what"/> after the patience.</summary>
    public static Task WaitUntilAsync(Func<Task<bool>> condition, string what) => Eventually.HoldsAsync(condition, ok => ok, Patience, what);

    /// <summary>
    /// A cooperative of the register, in Lyon (Aura) or Rennes (Ouest), as membership's <c>CooperativeJoined</c> tells
    /// it, and its first dues paid (<c>MembershipActivated</c>) unless <paramref name="membershipCurrent"/> is false.
    /// </summary>
    public async Task<Guid> CooperativeAsync(string union = Aura, bool membershipCurrent = true, string? name = null)
    {
        var cooperative = Guid.CreateVersion7();
        await PublishAsync(new CooperativeJoined(Guid.NewGuid(), Time.GetUtcNow(), cooperative,
            name ?? $"Scop des Canuts {cooperative.ToString("N")[^6..]}", "356000000", "SCOP", union == Aura ? Lyon : Rennes,
            "62.01Z", union, 12));
        await WaitUntilAsync(async () => await ScalarAsync("SELECT count(*) FROM cooperatives WHERE id = @c AND name <> ''",
            ("c", cooperative)) == 1, "the service knows the cooperative");
        if (membershipCurrent)
        {
            await ActivateMembershipAsync(cooperative, union);
        }

        return cooperative;
    }

    /// <summary>Membership tells the service that the cooperative paid its dues: its membership is current.</summary>
    public async Task ActivateMembershipAsync(Guid cooperative, string union = Aura)
    {
        await PublishAsync(new MembershipActivated(Guid.NewGuid(), Time.GetUtcNow(), Guid.NewGuid(), cooperative, union, Today,
            Today.AddYears(1).AddDays(-1)));
        await WaitUntilAsync(async () => await ScalarAsync(
            "SELECT count(*) FROM cooperatives WHERE id = @c AND membership_term_ends_on IS NOT NULL AND NOT membership_lapsed",
            ("c", cooperative)) == 1, "the service knows the cooperative's membership is current");
    }

    public HttpClient ManagerClient(Guid cooperative) => CreateClient(ManagerToken(cooperative));

    public static Task<HttpResponseMessage> ApplyAsync(HttpClient manager, string motivation = "Nous accueillons les porteurs de projet chaque jeudi.") =>
        manager.PostAsJsonAsync("/api/ambassadors/me/ambassade", new { motivation });

    /// <summary>A cooperative's application, made by its manager: the Ambassade's id.</summary>
    public async Task<Guid> ApplicationAsync(Guid cooperative)
    {
        using var manager = ManagerClient(cooperative);
        return (await (await ApplyAsync(manager)).ExpectAsync(201)).GetProperty("id").GetGuid();
    }

    public object Checklist(bool signage = true, bool welcome = true, bool representation = true) => new
    {
        visitOn = Today.AddDays(-1).ToString("yyyy-MM-dd"),
        signageInPlace = signage,
        canWelcomeAndInform = welcome,
        localRepresentation = representation,
    };

    /// <summary>A cooperative of <paramref name="union"/> labelled through the workflow (applied, reviewed, approved by staff).</summary>
    public async Task<(Guid Cooperative, Guid Ambassade)> LabelledAsync(HttpClient staff, string union = Aura)
    {
        var cooperative = await CooperativeAsync(union);
        var id = await ApplicationAsync(cooperative);
        await (await StepAsync(staff, id, "review", Checklist())).ExpectAsync(200);
        await (await StepAsync(staff, id, "approve", new { })).ExpectAsync(200);
        return (cooperative, id);
    }

    public static async Task<string> ETagAsync(HttpClient client, Guid id)
    {
        using var response = await client.GetAsync($"/api/ambassadors/ambassades/{id}");
        await response.ExpectAsync(200);
        return response.Headers.ETag!.Tag;
    }

    /// <summary>A step (<c>review</c>, <c>approve</c>, <c>refuse</c>, <c>suspend</c>, <c>reinstate</c>, <c>withdraw</c>) on the version <paramref name="etag"/>, or the current one.</summary>
    public static async Task<HttpResponseMessage> StepAsync(HttpClient client, Guid id, string step, object body, string? etag = null)
    {
        etag ??= await ETagAsync(client, id);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/ambassadors/ambassades/{id}/{step}") { Content = JsonContent.Create(body) };
        request.Headers.TryAddWithoutValidation("If-Match", etag);
        return await client.SendAsync(request);
    }

    /// <summary>A valid enquiry's body, to <paramref name="ambassade"/> (an id, or "nearest"), with overrides.</summary>
    public static Dictionary<string, object?> Enquiry(object ambassade, string project = "Reprise d'une menuiserie en SCOP, six salariés.",
        string communeCode = Lyon) => new()
    {
        ["ambassade"] = ambassade.ToString(),
        ["project"] = project,
        ["sector"] = "16",
        ["communeCode"] = communeCode,
        ["name"] = "Camille Porteur",
        ["email"] = "camille@example.fr",
        ["phone"] = "+33 6 12 34 56 78",
        ["consentToContact"] = true,
    };

    /// <summary>Sends an enquiry anonymously; returns its id and follow-up token.</summary>
    public async Task<(Guid Id, string Token)> SendEnquiryAsync(Guid ambassade, string project = "Reprise d'une menuiserie en SCOP.")
    {
        using var anonymous = CreateClient(token: null);
        var sent = await (await anonymous.PostAsJsonAsync("/api/ambassadors/enquiries", Enquiry(ambassade, project))).ExpectAsync(201);
        return (sent.GetProperty("id").GetGuid(), sent.GetProperty("followToken").GetString()!);
    }

    /// <summary>The EPCIs lying wholly in Auvergne-Rhône-Alpes (région 84), by SIREN: each a club's area.</summary>
    public IReadOnlyList<string> AuraEpcis()
    {
        var communes = Services.GetRequiredService<FrenchReferenceData>().Communes;
        return communes.Where(c => c.Epci.Length == 9).GroupBy(c => c.Epci).Where(g => g.All(c => c.Region == "84"))
            .Select(g => g.Key).Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>A person who completed the animators' module: training's <c>TrainingCompleted</c>, published on the bus.</summary>
    public async Task<Guid> QualifiedAnimatorAsync(string title = "Animer un club inter-SCOP")
    {
        var person = Guid.NewGuid();
        await PublishAsync(AnimatorModuleCompleted(person, title, "ElectedOfficials"));
        await WaitUntilAsync(async () => await ScalarAsync(
            "SELECT count(*) FROM qualified_animators WHERE person_id = @id", ("id", person)) == 1, "the animator is qualified");
        return person;
    }

    public static Contracts.Training.TrainingCompleted AnimatorModuleCompleted(Guid person, string title, string path) => new(
        Guid.NewGuid(), DateTimeOffset.UtcNow, person, Guid.NewGuid(), title, path, Guid.NewGuid(), $"CERT-{Guid.NewGuid():N}"[..16],
        new DateOnly(2026, 11, 20), "Employee", Aura, null);

    /// <summary>A club opened by <paramref name="client"/> (staff or the area's delegate) in <paramref name="epci"/>.</summary>
    public static async Task<Guid> OpenClubAsync(HttpClient client, string epci, Guid animator, string? name = null) =>
        (await (await client.PostAsJsonAsync("/api/ambassadors/clubs", new { name = name ?? $"Club {epci}", epci, animators = new[] { animator } }))
            .ExpectAsync(201)).GetProperty("id").GetGuid();

    /// <summary>Outbox rows of one event type about one Ambassade.</summary>
    public Task<long> EventsAsync(string type, Guid ambassade) => ScalarAsync(
        "SELECT count(*) FROM outbox_messages WHERE message_type LIKE @type AND body->>'ambassadeId' = @id",
        ("type", $"Scop.Aspire.Contracts.Ambassadors.{type},%"), ("id", ambassade.ToString()));

    /// <summary>What one Ambassade left behind: its history lines and its outbox rows (events and timers).</summary>
    public async Task<(long History, long Outbox)> TracesAsync(Guid ambassade) => (
        await ScalarAsync("SELECT count(*) FROM ambassade_history WHERE ambassade_id = @id", ("id", ambassade)),
        await ScalarAsync("SELECT count(*) FROM outbox_messages WHERE body->>'ambassadeId' = @id", ("id", ambassade.ToString())));

    /// <summary>
    /// An Ambassade written straight into the table at <paramref name="status"/> (reviewed with every criterion met when
    /// <paramref name="reviewed"/>), its cooperative a current member: the access matrix's fresh record for each caller.
    /// </summary>
    public async Task<Guid> AmbassadeAtAsync(string status, bool reviewed, string name)
    {
        var id = (await InsertAmbassadesAsync([(Lyon, "62.01Z")], status, namePrefix: name))[0];
        await using var connection = new NpgsqlConnection(DatabaseConnectionString);
        await connection.OpenAsync();
        await using var update = new NpgsqlCommand(
            """
            UPDATE ambassades SET name = @name, visit_on = CASE WHEN @reviewed THEN current_date - 1 END,
                signage_in_place = CASE WHEN @reviewed THEN true END, can_welcome_and_inform = CASE WHEN @reviewed THEN true END,
                local_representation = CASE WHEN @reviewed THEN true END, membership_current = CASE WHEN @reviewed THEN true END,
                reviewed_at = CASE WHEN @reviewed THEN now() END,
                labelled_on = CASE WHEN status IN ('Labelled', 'Suspended') THEN labelled_on END,
                label_ends_on = CASE WHEN status IN ('Labelled', 'Suspended') THEN label_ends_on END
            WHERE id = @id;
            INSERT INTO cooperatives (id, name, legal_form, commune_code, naf_code, regional_union, details_stated_at,
                membership_term_ends_on, membership_lapsed, membership_stated_at)
            SELECT cooperative_id, name, 'SCOP', commune_code, naf_code, regional_union, now(), current_date + 300, false, now()
            FROM ambassades WHERE id = @id
            """, connection);
        update.Parameters.AddWithValue("id", id);
        update.Parameters.AddWithValue("name", name);
        update.Parameters.AddWithValue("reviewed", reviewed);
        await update.ExecuteNonQueryAsync();
        return id;
    }

    /// <summary>
    /// Labelled Ambassades at the given communes, written straight into the service's table as a label decision
    /// leaves them (for the directory's and the search's tests, which are about what is found, not how it was
    /// labelled). Returns their ids in the order given.
    /// </summary>
    public async Task<Guid[]> InsertAmbassadesAsync(IEnumerable<(string CommuneCode, string NafCode)> places,
        string status = "Labelled", string? namePrefix = null)
    {
        await using var connection = new NpgsqlConnection(DatabaseConnectionString);
        await connection.OpenAsync();
        var ids = new List<Guid>();
        var reference = Places;
        var today = ParisCalendar.Today(Time);
        var i = 0;
        foreach (var (communeCode, nafCode) in places)
        {
            var commune = reference.FindCommune(communeCode) ?? throw new ArgumentException($"No commune {communeCode}");
            var id = Guid.CreateVersion7();
            await using var insert = new NpgsqlCommand(
                """
                INSERT INTO ambassades (id, cooperative_id, name, legal_form, naf_code, naf_division, commune_code, departement,
                    region, regional_union, latitude, longitude, position_source, status, applied_at, labelled_on, label_ends_on)
                VALUES (@id, @cooperative, @name, 'SCOP', @naf, @division, @commune, @departement, @region, @union, @lat, @lon,
                    'Commune', @status, now(), @today, @ends)
                """, connection);
            insert.Parameters.AddWithValue("id", id);
            insert.Parameters.AddWithValue("cooperative", Guid.CreateVersion7());
            insert.Parameters.AddWithValue("name", $"{namePrefix ?? "Scop"} {commune.Name} {i++:D4}");
            insert.Parameters.AddWithValue("naf", nafCode);
            insert.Parameters.AddWithValue("division", nafCode[..2]);
            insert.Parameters.AddWithValue("commune", commune.Code);
            insert.Parameters.AddWithValue("departement", commune.Departement);
            insert.Parameters.AddWithValue("region", commune.Region);
            insert.Parameters.AddWithValue("union", commune.Region == "84" ? Aura : Ouest);
            insert.Parameters.AddWithValue("lat", (object?)commune.Position?.Latitude ?? DBNull.Value);
            insert.Parameters.AddWithValue("lon", (object?)commune.Position?.Longitude ?? DBNull.Value);
            insert.Parameters.AddWithValue("status", status);
            insert.Parameters.AddWithValue("today", today);
            insert.Parameters.AddWithValue("ends", today.AddYears(3));
            await insert.ExecuteNonQueryAsync();
            ids.Add(id);
        }

        return [.. ids];
    }
}

public static class HttpExtensions
{
    /// <summary>A refusal by a rule: 409 naming <paramref name="rule"/>.</summary>
    public static async Task<JsonElement> ExpectRuleAsync(this HttpResponseMessage response, string rule)
    {
        var problem = await response.ExpectAsync(409);
        Assert.Equal(rule, problem.GetProperty("rule").GetString());
        return problem;
    }

    /// <summary>A 400 whose errors name each of <paramref name="fields"/>.</summary>
    public static async Task ExpectInvalidAsync(this HttpResponseMessage response, params string[] fields)
    {
        var problem = await response.ExpectAsync(400);
        var errors = problem.GetProperty("errors");
        foreach (var field in fields)
        {
            Assert.True(errors.TryGetProperty(field, out _), $"no error for {field}: {errors}");
        }
    }

    public static async Task<JsonElement> ExpectAsync(this HttpResponseMessage response, int status)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == status,
            $"expected {status}, got {(int)response.StatusCode} {response.Content.Headers.ContentType}: {text}");
        if (text.Length == 0)
        {
            return default;
        }

        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }
}
