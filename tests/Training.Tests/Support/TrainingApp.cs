using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using MassTransit;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Scop.Aspire.Contracts;
using Scop.Aspire.Contracts.Membership;
using Scop.Aspire.ServiceDefaults;
using Scop.Aspire.ServiceDefaults.Messaging;
using Scop.Aspire.ServiceDefaults.Security;
using Scop.Aspire.Testing;
using Scop.Aspire.Training.Domain;

namespace Scop.Aspire.Training.Tests.Support;

/// <summary>
/// The real training service (its own Program) on real PostgreSQL, RabbitMQ and Redis, with a fake clock: holds, offers
/// and cut-offs follow <see cref="Time"/>, which the tests move.
/// </summary>
public sealed class TrainingApp(string databaseConnectionString, PlatformServers servers)
    : ServiceApp<Program>(ResourceNames.TrainingDatabase, databaseConnectionString, servers)
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    /// <summary>The service's clock, on a whole second: PostgreSQL keeps microseconds, .NET ticks are finer.</summary>
    public FakeTimeProvider Time { get; } = new(DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds()));

    /// <summary>Confederation staff: may run the catalogue, the sessions and the fund as well as book.</summary>
    public static string StaffToken => TestTokens.For(PlatformAudiences.Training, PlatformRoles.ConfederationAdmin);

    /// <summary>A worker-member who is <paramref name="person"/> in the register: books themselves, sees their own.</summary>
    public static string MemberToken(Guid? person) =>
        TestTokens.For(PlatformAudiences.Training, PlatformRoles.Member, personId: person);

    /// <summary>The manager of <paramref name="cooperative"/>: books its people, sees its bookings.</summary>
    public static string ManagerToken(Guid cooperative, Guid? person = null) =>
        TestTokens.For(PlatformAudiences.Training, PlatformRoles.CooperativeManager, cooperativeId: cooperative, personId: person);

    /// <summary>A delegate of <paramref name="union"/>: books its people, sees its bookings, records their attendance.</summary>
    public static string DelegateToken(string union) =>
        TestTokens.For(PlatformAudiences.Training, PlatformRoles.Delegate, regionalUnion: union);

    public const string Aura = "urscop-aura";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton<TimeProvider>(Time);
            services.AddSingleton<ILoggerProvider>(Errors);
        });
    }

    /// <summary>Every error the service logged (an unhandled exception behind a 500 among them), for tests to show.</summary>
    public ErrorLog Errors { get; } = new();

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

    /// <summary>A date at least <paramref name="daysAhead"/> days after the service's today that is a weekday and no holiday.</summary>
    public DateOnly WorkingDay(int daysAhead = 30)
    {
        return FrenchHolidays.WorkingDayFrom(ParisCalendar.Today(Time).AddDays(daysAhead));
    }

    public async Task<Guid> CreateCourseAsync(HttpClient client, string path = "Cooperative", Guid[]? prerequisites = null)
    {
        var body = new JsonObject
        {
            ["title"] = $"Course {Guid.NewGuid():N}",
            ["path"] = path,
            ["audience"] = "Everyone",
            ["durationHours"] = 7,
            ["prerequisites"] = new JsonArray((prerequisites ?? []).Select(p => (JsonNode)p.ToString()).ToArray()),
        };
        using var response = await client.PostAsJsonAsync("/api/training/courses", body);
        return (await response.ExpectAsync(201)).GetProperty("id").GetGuid();
    }

    /// <summary>An open session of a new course (or of <paramref name="courseId"/>).</summary>
    public async Task<Guid> CreateSessionAsync(HttpClient client, int capacity, long priceCents = 0, Guid? courseId = null,
        string regionalUnion = "urscop-aura", DateOnly? startsOn = null, string path = "Cooperative")
    {
        var course = courseId ?? await CreateCourseAsync(client, path);
        var body = new JsonObject
        {
            ["courseId"] = course.ToString(),
            ["startsOn"] = (startsOn ?? WorkingDay()).ToString("yyyy-MM-dd"),
            ["regionalUnion"] = regionalUnion,
            ["communeCode"] = "69123",
            ["capacity"] = capacity,
            ["priceCents"] = priceCents,
            ["status"] = "Open",
        };
        using var response = await client.PostAsJsonAsync("/api/training/sessions", body);
        return (await response.ExpectAsync(201)).GetProperty("id").GetGuid();
    }

    /// <summary>A booking of <paramref name="people"/> (ids the register gave them: see <see cref="HireAsync"/>).</summary>
    public static JsonObject Booking(IEnumerable<Guid> people, string role = "Employee", bool? waitlistIfFull = null,
        bool requestFunding = false)
    {
        var body = new JsonObject
        {
            ["attendees"] = new JsonArray(people.Select(id => (JsonNode)new JsonObject { ["personId"] = id.ToString(), ["role"] = role }).ToArray()),
        };
        if (waitlistIfFull is { } waitlist)
        {
            body["waitlistIfFull"] = waitlist;
        }

        if (requestFunding)
        {
            body["requestFunding"] = true;
        }

        return body;
    }

    /// <summary>
    /// <paramref name="count"/> people hired by a cooperative of <paramref name="union"/> (a new one unless
    /// <paramref name="cooperative"/> is given), made known to the service as the membership register does: by its
    /// events through the broker (<c>CooperativeJoined</c> with the declared <paramref name="headcount"/>, then one
    /// <c>PersonHired</c> each). Returns once the service knows them all.
    /// </summary>
    public async Task<Guid[]> HireAsync(int count = 1, Guid? cooperative = null, string union = Aura, int? headcount = null,
        string role = PersonRoles.Employee, DateOnly? hiredOn = null)
    {
        var now = Time.GetUtcNow();
        var cooperativeId = cooperative ?? Guid.CreateVersion7();
        if (cooperative is null)
        {
            await PublishAsync(new CooperativeJoined(Guid.NewGuid(), now, cooperativeId, "Scop de test", "732829320", "SCOP",
                "69123", "62.01Z", union, headcount));
        }

        var people = Enumerable.Range(0, count).Select(_ => Guid.CreateVersion7()).ToArray();
        var hired = hiredOn ?? ParisCalendar.DateOf(now).AddYears(-1);
        await Task.WhenAll(people.Select(person =>
            PublishAsync(new PersonHired(Guid.NewGuid(), now, person, cooperativeId, union, hired, role))));
        await WaitUntilAsync(async () => await ScalarAsync("SELECT count(*) FROM people WHERE id = ANY(@ids)", ("ids", people)) == count,
            $"the service knows the {count} people hired");
        if (cooperative is null && headcount is not null)
        {
            await WaitUntilAsync(async () => await ScalarAsync(
                "SELECT count(*) FROM cooperatives WHERE id = @id AND declared_headcount IS NOT NULL", ("id", cooperativeId)) == 1,
                "the service knows the cooperative's headcount");
        }

        return people;
    }

    /// <summary>A booking of <paramref name="people"/> people newly hired (by <paramref name="cooperative"/>, else a new cooperative).</summary>
    public async Task<JsonObject> NewBookingAsync(int people, string role = "Employee", bool? waitlistIfFull = null,
        Guid? cooperative = null, string union = Aura) =>
        Booking(await HireAsync(people, cooperative, union), role, waitlistIfFull);

    /// <summary>The cooperative training holds for a person it knows.</summary>
    public async Task<Guid> CooperativeOfAsync(Guid person) =>
        await QueryScalarAsync<Guid>("SELECT cooperative_id FROM people WHERE id = @id", ("id", person));

    public static async Task<HttpResponseMessage> BookAsync(HttpClient client, Guid sessionId, JsonObject body) =>
        await client.PostAsJsonAsync($"/api/training/sessions/{sessionId}/bookings", body);

    public Task<long> ScalarAsync(string sql, params (string Name, object Value)[] parameters) =>
        QueryScalarAsync<long>(sql, parameters);

    /// <summary>
    /// Opens idle connections to the service's PostgreSQL server (as other services' pools would hold) until only
    /// <paramref name="leaveFree"/> of its <c>max_connections</c> are left; disposing closes them.
    /// </summary>
    public async Task<IAsyncDisposable> OccupyConnectionsAsync(int leaveFree)
    {
        var free = await ScalarAsync(
            "SELECT current_setting('max_connections')::bigint - count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'");
        var settings = new NpgsqlConnectionStringBuilder(DatabaseConnectionString) { Database = "postgres", Pooling = false };
        var occupied = new OccupiedConnections();
        for (var opened = 0; opened < free - leaveFree; opened++)
        {
            var connection = new NpgsqlConnection(settings.ConnectionString);
            occupied.Connections.Add(connection);
            await connection.OpenAsync();
        }

        return occupied;
    }

    private sealed class OccupiedConnections : IAsyncDisposable
    {
        public List<NpgsqlConnection> Connections { get; } = [];

        public async ValueTask DisposeAsync()
        {
            foreach (var connection in Connections)
            {
                await connection.DisposeAsync();
            }
        }
    }

    public Task<long> SeatsTakenAsync(Guid sessionId) =>
        ScalarAsync("SELECT seats_taken::bigint FROM sessions WHERE id = @id", ("id", sessionId));

    /// <summary>Polls until <paramref name="condition"/> holds, failing with <paramref name="what"/> after the patience.</summary>
    public static Task WaitUntilAsync(Func<Task<bool>> condition, string what) => Eventually.HoldsAsync(condition, ok => ok, Patience, what);
}
