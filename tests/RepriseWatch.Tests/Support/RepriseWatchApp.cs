using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using MassTransit;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Scop.Aspire.Contracts;
using Scop.Aspire.Contracts.Membership;
using Scop.Aspire.ReferenceData;
using Scop.Aspire.ServiceDefaults;
using Scop.Aspire.ServiceDefaults.Messaging;
using Scop.Aspire.ServiceDefaults.Security;
using Scop.Aspire.Testing;

namespace Scop.Aspire.RepriseWatch.Tests.Support;

/// <summary>
/// The real watch service (its own Program) on real PostgreSQL, RabbitMQ and Redis, with a fake clock: the stale
/// timers follow <see cref="Time"/>, which the tests move. The register's people and cooperatives are made known to it
/// as membership does, by their events through the broker.
/// </summary>
public sealed class RepriseWatchApp(string databaseConnectionString, PlatformServers servers,
    IReadOnlyDictionary<string, string>? settings = null)
    : ServiceApp<Program>(ResourceNames.RepriseWatchDatabase, databaseConnectionString, servers)
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    public const string Aura = "urscop-aura";
    public const string Ouest = "urscop-ouest";

    /// <summary>Lyon (Auvergne-Rhône-Alpes) and Rennes (Bretagne, in the union of the Ouest).</summary>
    public const string Lyon = "69123";
    public const string Rennes = "35238";

    /// <summary>The service's clock, on a whole second: PostgreSQL keeps microseconds, .NET ticks are finer.</summary>
    public FakeTimeProvider Time { get; } = new(DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds()));

    public DateOnly Today => ParisCalendar.Today(Time);

    /// <summary>Every error the service logged (an unhandled exception behind a 500 among them), for tests to show.</summary>
    public ErrorLog Errors { get; } = Started(new ErrorLog());

    /// <summary>The errors of the services started by this test run: an unexpected answer shows them (the classes run one at a time).</summary>
    public static IEnumerable<string> ErrorsLogged => Logs.SelectMany(log => log.Entries);

    private static readonly System.Collections.Concurrent.ConcurrentBag<ErrorLog> Logs = [];

    private static ErrorLog Started(ErrorLog log)
    {
        Logs.Add(log);
        return log;
    }

    public static string StaffToken => TestTokens.For(PlatformAudiences.RepriseWatch, PlatformRoles.ConfederationAdmin);

    public static string FederationToken => TestTokens.For(PlatformAudiences.RepriseWatch, PlatformRoles.Federation);

    public static string MemberToken(Guid? person) =>
        TestTokens.For(PlatformAudiences.RepriseWatch, PlatformRoles.Member, personId: person);

    public static string ManagerToken(Guid cooperative, Guid? person = null) =>
        TestTokens.For(PlatformAudiences.RepriseWatch, PlatformRoles.CooperativeManager, cooperativeId: cooperative, personId: person);

    public static string DelegateToken(string union = Aura) =>
        TestTokens.For(PlatformAudiences.RepriseWatch, PlatformRoles.Delegate, regionalUnion: union);

    public static string PartnerToken(string clientId = "credit-cooperatif") =>
        TestTokens.For(PlatformAudiences.RepriseWatch, PlatformRoles.Partner, clientId: clientId);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton<TimeProvider>(Time);
            services.AddSingleton<ILoggerProvider>(Errors);
        });
    }

    public IBus Bus => Services.GetRequiredService<IBus>();

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

    private static int nextSiren = Random.Shared.Next(10_000_000, 80_000_000);

    /// <summary>A SIREN with its Luhn key, a new one at each call.</summary>
    public static string NewSiren()
    {
        var digits = Interlocked.Increment(ref nextSiren).ToString("D8", CultureInfo.InvariantCulture);
        return digits + Siren.LuhnKey(digits);
    }

    /// <summary>
    /// <paramref name="count"/> people hired by a new cooperative of <paramref name="union"/>, made known to the service as
    /// the register does (<c>CooperativeJoined</c>, then one <c>PersonHired</c> each). Returns once the service knows them
    /// all, the cooperative's SIREN included (a hire may arrive before the cooperative's own event).
    /// </summary>
    public async Task<(Guid Cooperative, Guid[] People)> HireAsync(int count = 1, string union = Aura)
    {
        var now = Time.GetUtcNow();
        var cooperative = Guid.CreateVersion7();
        await PublishAsync(new CooperativeJoined(Guid.NewGuid(), now, cooperative, "Scop des Tisserands", NewSiren(), "SCOP",
            union == Aura ? Lyon : Rennes, "13.20Z", union, 12));
        var people = Enumerable.Range(0, count).Select(_ => Guid.CreateVersion7()).ToArray();
        await Task.WhenAll(people.Select(person =>
            PublishAsync(new PersonHired(Guid.NewGuid(), now, person, cooperative, union, Today.AddYears(-2)))));
        await WaitUntilAsync(async () => await ScalarAsync("SELECT count(*) FROM people WHERE id = ANY(@ids)", ("ids", people)) == count
                && await ScalarAsync("SELECT count(*) FROM cooperatives WHERE id = @c AND siren IS NOT NULL", ("c", cooperative)) == 1,
            $"the service knows the cooperative and the {count} people hired");
        return (cooperative, people);
    }

    /// <summary>The register announces a new cooperative of <paramref name="siren"/> (the event, delivered as membership does).</summary>
    public static CooperativeJoined Joined(string siren, string union = Aura, int? headcount = 14, Guid? cooperative = null) =>
        new(Guid.NewGuid(), DateTimeOffset.UtcNow, cooperative ?? Guid.CreateVersion7(), "Scop reprise", siren, "SCOP", Lyon, "25.62B",
            union, headcount);

    /// <summary>A report's body: a company of <paramref name="communeCode"/> whose owner retires, by default.</summary>
    public static JsonObject Report(string? siren = null, string communeCode = Lyon, string cause = "OwnerRetiring",
        string? confidentiality = null, string? name = null, int headcount = 23)
    {
        var body = new JsonObject
        {
            ["siren"] = siren ?? NewSiren(),
            ["companyName"] = name ?? $"Fonderie Dupré {Guid.NewGuid():N}"[..24],
            ["nafCode"] = "25.62B",
            ["communeCode"] = communeCode,
            ["headcount"] = headcount,
            ["cause"] = cause,
        };
        if (cause == "OwnerRetiring")
        {
            body["ownerAgeBand"] = "From65To69";
        }

        if (cause == "Other")
        {
            body["causeDetail"] = "Le fondateur part à l'étranger.";
        }

        if (confidentiality is not null)
        {
            body["confidentiality"] = confidentiality;
        }

        return body;
    }

    public static async Task<HttpResponseMessage> ReportAsync(HttpClient client, JsonObject body, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/reprise-watch/opportunities") { Content = JsonContent.Create(body) };
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        return await client.SendAsync(request);
    }

    /// <summary>Reports a new opportunity as staff; returns its id.</summary>
    public async Task<Guid> NewOpportunityAsync(HttpClient client, JsonObject? body = null) =>
        (await (await ReportAsync(client, body ?? Report())).ExpectAsync(201)).GetProperty("id").GetGuid();

    public static async Task<string> ETagAsync(HttpClient client, Guid id)
    {
        using var response = await client.GetAsync($"/api/reprise-watch/opportunities/{id}");
        await response.ExpectAsync(200);
        return response.Headers.ETag!.Tag;
    }

    /// <summary>A move (<c>qualify</c>, <c>feasibility</c>, <c>financing</c>, <c>lose</c>) on the version <paramref name="etag"/>, or the current one.</summary>
    public static async Task<HttpResponseMessage> MoveAsync(HttpClient client, Guid id, string move, object body, string? etag = null)
    {
        etag ??= await ETagAsync(client, id);
        using var request = new HttpRequestMessage(move == "successor" ? HttpMethod.Put : HttpMethod.Post,
            $"/api/reprise-watch/opportunities/{id}/{move}") { Content = JsonContent.Create(body) };
        request.Headers.TryAddWithoutValidation("If-Match", etag);
        return await client.SendAsync(request);
    }

    public object Qualification(int jobs = 18) => new { contactedOn = Today.ToString("yyyy-MM-dd"), jobsAtStake = jobs };

    public static object Summary => new { feasibilitySummary = "Repreneurs : 12 salariés sur 18 ; carnet de commandes solide." };

    /// <summary>An opportunity brought to <paramref name="stage"/> by staff.</summary>
    public async Task<Guid> OpportunityAtAsync(HttpClient client, string stage, JsonObject? body = null)
    {
        var id = await NewOpportunityAsync(client, body);
        string[] path = ["Qualified", "Feasibility", "Financing"];
        foreach (var step in path.Take(Array.IndexOf(path, stage) + 1))
        {
            var (move, request) = step switch
            {
                "Qualified" => ("qualify", Qualification()),
                "Feasibility" => ("feasibility", new { }),
                _ => ("financing", Summary),
            };
            await (await MoveAsync(client, id, move, request)).ExpectAsync(200);
        }

        return id;
    }

    public Task<long> ScalarAsync(string sql, params (string Name, object Value)[] parameters) =>
        QueryScalarAsync<long>(sql, parameters);

    /// <summary>Outbox rows of one event type about one opportunity.</summary>
    public Task<long> EventsAsync(string type, Guid opportunity) => ScalarAsync(
        "SELECT count(*) FROM outbox_messages WHERE message_type LIKE @type AND body->>'opportunityId' = @id",
        ("type", $"Scop.Aspire.Contracts.RepriseWatch.{type},%"), ("id", opportunity.ToString()));

    /// <summary>Polls until <paramref name="condition"/> holds, failing with <paramref name="what"/> after the patience.</summary>
    public static Task WaitUntilAsync(Func<Task<bool>> condition, string what) => Eventually.HoldsAsync(condition, ok => ok, Patience, what);
}

public static class HttpExtensions
{
    /// <summary>A refusal by a rule: 409 naming <paramref name="rule"/>.</summary>
    public static async Task ExpectRuleAsync(this HttpResponseMessage response, string rule)
    {
        var problem = await response.ExpectAsync(409);
        Assert.Equal(rule, problem.GetProperty("rule").GetString());
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
}
