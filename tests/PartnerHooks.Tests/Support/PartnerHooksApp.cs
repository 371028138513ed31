using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MassTransit;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using Scop.Aspire.Contracts;
using Scop.Aspire.Contracts.Membership;
using Scop.Aspire.ServiceDefaults.Security;
using Scop.Aspire.Testing;

namespace Scop.Aspire.PartnerHooks.Tests.Support;

/// <summary>
/// The real partner-hooks service (its own Program) in Development on real PostgreSQL and RabbitMQ, optionally on a
/// fake clock, trusting the test run's signing key, with helpers that drive it through its HTTP API as a
/// confederation admin would.
/// </summary>
/// <param name="capture">Receives every log entry (from Debug up) and span of the service, when given.</param>
public sealed class PartnerHooksApp(string database, string rabbitMq, TimeProvider? time = null,
    IReadOnlyDictionary<string, string?>? settings = null, TelemetryCapture? capture = null) : WebApplicationFactory<Program>
{
    public string Database { get; } = database;

    /// <summary>Where the test run's instances keep their Data Protection keys, one folder per database.</summary>
    public static string KeysRoot { get; } = Path.Combine(Path.GetTempPath(), "scop-partner-hooks-tests", Guid.NewGuid().ToString("N")[..8]);

    /// <summary>
    /// The data root of the instances of this database: a restarted instance finds the keys its predecessor made, as
    /// on a real deployment; another database's instance has keys of its own.
    /// </summary>
    public string DataRoot { get; } = DataRootOf(database);

    /// <summary>Where this instance's key files are.</summary>
    public string KeysFolder => Path.Combine(Settings("Scop:DataRoot") ?? DataRoot, "partner-hooks", "keys");

    public static string DataRootOf(string database) => Path.Combine(KeysRoot,
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(database)))[..16]);

    private string? Settings(string key) => settings?.TryGetValue(key, out var value) == true ? value : null;

    public IBus Bus => Services.GetRequiredService<IBus>();

    /// <summary>A confederation admin: runs partners, endpoints and deliveries.</summary>
    public static string AdminToken => TestTokens.For(PlatformAudiences.PartnerHooks, PlatformRoles.ConfederationAdmin);

    /// <summary>A client of the service that presents <paramref name="token"/> on every request.</summary>
    public HttpClient CreateClient(string? token) => CreateClient().WithToken(token);

    /// <summary>A client with a confederation admin's token.</summary>
    public HttpClient CreateAdminClient() => CreateClient(AdminToken);

    public static async Task<PartnerHooksApp> StartAsync(PartnerHooksServers servers, string? database = null,
        TimeProvider? time = null, IReadOnlyDictionary<string, string?>? settings = null, TelemetryCapture? capture = null)
    {
        var app = new PartnerHooksApp(database ?? await servers.Postgres.CreateDatabaseAsync(),
            servers.RabbitMq.ConnectionString, time, settings, capture);
        try
        {
            // On a task of its own: what the host sets in async-local state at start (MassTransit's log context)
            // stays with it, so a second instance in the same test starts clean.
            // A previous instance in this test left its (now disposed) logger in MassTransit's ambient log context.
            LogContext.Current = null;
            await Task.Run(app.StartServer);
            return app;
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting("ConnectionStrings:partnerhooksdb", Database);
        builder.UseSetting("ConnectionStrings:rabbitmq", rabbitMq);
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        builder.UseSetting("Scop:PartnerHooks:PollInterval", "00:00:00.500");
        builder.UseSetting("Scop:DataRoot", DataRoot);
        foreach (var (key, value) in TestTokens.Settings)
        {
            builder.UseSetting(key, value); // the service trusts the test run's signing key, as it would the identity service's
        }

        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            builder.UseSetting(key, value);
        }

        if (time is not null)
        {
            builder.ConfigureTestServices(services => services.AddSingleton(time));
        }

        if (capture is not null)
        {
            builder.UseSetting("Logging:LogLevel:Default", "Debug");
            builder.ConfigureLogging(logging => logging.AddProvider(capture));
        }
    }

    /// <summary>Publishes the event as the membership service's outbox does: its EventId is the message id.</summary>
    public Task PublishAsync<TEvent>(TEvent @event)
        where TEvent : class, IIntegrationEvent =>
        Bus.Publish(@event, context => context.MessageId = @event.EventId);

    public static CooperativeJoined NewCooperativeJoined() => new(Guid.CreateVersion7(), DateTimeOffset.UtcNow,
        Guid.CreateVersion7(), $"Coopérative {Guid.NewGuid():N}"[..24], "552100554", "SCOP", "69123", "62.01Z");

    public async Task<(Guid PartnerId, string Code)> CreatePartnerAsync(string? code = null)
    {
        code ??= $"bank-{Guid.NewGuid():N}"[..20];
        using var client = CreateAdminClient();
        var response = await client.PostAsJsonAsync("/api/partner-hooks/partners", new { code, name = $"Banque {code}" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (json.GetProperty("id").GetGuid(), code);
    }

    /// <summary>Adds an endpoint and returns its id and the secret shown once.</summary>
    public async Task<(Guid EndpointId, string Secret)> CreateEndpointAsync(Guid partnerId, string url, params string[] eventTypes)
    {
        using var client = CreateAdminClient();
        var response = await client.PostAsJsonAsync($"/api/partner-hooks/partners/{partnerId}/endpoints",
            new { url, eventTypes = eventTypes.Length == 0 ? ["scop.membership.cooperative.joined"] : eventTypes });
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, text);
        var json = JsonDocument.Parse(text).RootElement;
        return (json.GetProperty("endpoint").GetProperty("id").GetGuid(), json.GetProperty("secret").GetString()!);
    }

    public async Task<JsonElement> GetJsonAsync(string path)
    {
        using var client = CreateAdminClient();
        var response = await client.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>The deliveries of one endpoint, newest first, with their attempts.</summary>
    public async Task<JsonElement[]> DeliveriesAsync(Guid endpointId) =>
        (await GetJsonAsync($"/api/partner-hooks/deliveries?endpointId={endpointId}&pageSize=100"))
        .GetProperty("items").EnumerateArray().ToArray();

    public async Task<long> CountAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(Database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }

    /// <summary>Every row of every table of the service's database, as text: what someone with a dump would see.</summary>
    public async Task<string> DumpDatabaseAsync()
    {
        await using var connection = new NpgsqlConnection(Database);
        await connection.OpenAsync();
        var tables = new List<string>();
        await using (var list = new NpgsqlCommand(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'", connection))
        await using (var reader = await list.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                tables.Add(reader.GetString(0));
            }
        }

        var dump = new System.Text.StringBuilder();
        foreach (var table in tables)
        {
            await using var select = new NpgsqlCommand($"SELECT coalesce(string_agg(row_to_json(t)::text, E'\\n'), '') FROM \"{table}\" t", connection);
            dump.AppendLine(table).AppendLine((string)(await select.ExecuteScalarAsync())!);
        }

        return dump.ToString();
    }
}

/// <summary>PostgreSQL and RabbitMQ, started once for the integration tests.</summary>
public sealed class PartnerHooksServers : IAsyncLifetime
{
    public PostgresFixture Postgres { get; } = new();

    public RabbitMqFixture RabbitMq { get; } = new();

    public Receiver Receiver { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        try
        {
            await Task.WhenAll(Postgres.InitializeAsync(), RabbitMq.InitializeAsync());
            Receiver = await Receiver.StartAsync();
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    public async Task DisposeAsync()
    {
        if (Receiver is not null)
        {
            await Receiver.DisposeAsync();
        }

        await Task.WhenAll(Postgres.DisposeAsync(), RabbitMq.DisposeAsync());
        try
        {
            Directory.Delete(PartnerHooksApp.KeysRoot, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}

/// <summary>
/// The integration tests run one after the other: the service instances share the broker's queues (competing
/// consumers), so only one runs at a time.
/// </summary>
[CollectionDefinition(Name)]
public sealed class PartnerHooksCollection : ICollectionFixture<PartnerHooksServers>
{
    public const string Name = "partner hooks servers";
}
