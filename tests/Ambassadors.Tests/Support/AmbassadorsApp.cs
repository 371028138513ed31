using System.Text.Json;
using MassTransit;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Scop.Aspire.Contracts;
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
