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

    /// <summary>A worker-member: may book and read, not run the catalogue.</summary>
    public static string MemberToken => TestTokens.For(PlatformAudiences.Training, PlatformRoles.Member);

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
        var day = DateOnly.FromDateTime(Time.GetUtcNow().UtcDateTime).AddDays(daysAhead);
        while (day.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday || FrenchHolidays.IsHoliday(day))
        {
            day = day.AddDays(1);
        }

        return day;
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

    public static JsonObject Booking(int people, string role = "Employee", Guid? cooperativeId = null, bool? waitlistIfFull = null,
        bool requestFunding = false, int? headcount = null, Guid[]? personIds = null)
    {
        var ids = personIds ?? Enumerable.Range(0, people).Select(_ => Guid.NewGuid()).ToArray();
        var body = new JsonObject
        {
            ["attendees"] = new JsonArray(ids.Select(id => (JsonNode)new JsonObject { ["personId"] = id.ToString(), ["role"] = role }).ToArray()),
        };
        if (cooperativeId is { } cooperative)
        {
            body["cooperativeId"] = cooperative.ToString();
        }

        if (waitlistIfFull is { } waitlist)
        {
            body["waitlistIfFull"] = waitlist;
        }

        if (requestFunding)
        {
            body["requestFunding"] = true;
            body["cooperativeHeadcount"] = headcount;
        }

        return body;
    }

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
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Not within {Patience.TotalSeconds} s: {what}");
            }

            await Task.Delay(100);
        }
    }
}

public static class HttpExtensions
{
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
