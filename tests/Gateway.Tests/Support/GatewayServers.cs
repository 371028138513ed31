extern alias membership;

using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Scop.Aspire.Gateway.Proxy;
using Scop.Aspire.LocalServers;
using Scop.Aspire.ServiceDefaults.Security;
using Scop.Aspire.Testing;
using Scop.Aspire.Testing.Hosting;

namespace Scop.Aspire.Gateway.Tests.Support;

/// <summary>
/// Everything behind the gateway, for real and on real sockets: PostgreSQL, RabbitMQ and Redis, the membership
/// service on Kestrel, and the gateway on Kestrel finding the service by service-discovery configuration. The
/// portal is deliberately down: its configured address is a port nothing listens on.
/// </summary>
public sealed class GatewayServers : PlatformServers
{
    /// <summary>Small, so tests can cross it cheaply.</summary>
    public const int MaxRequestBodyBytes = 8 * 1024;

    private MembershipOnKestrel? membershipApp;
    private GatewayOnKestrel? gatewayApp;
    private GatewayOnKestrel? secondGatewayApp;

    /// <summary>Requests one machine client may make at once through the gateways (all replicas together), refilled over an hour.</summary>
    public const int PerClientLimit = 5;

    /// <summary>The clock of the gateways' rate limits: it moves only when a test moves it.</summary>
    public FakeTimeProvider RateLimitClock { get; } = new(DateTimeOffset.UtcNow);

    public Uri MembershipAddress { get; private set; } = null!;

    /// <summary>Where the portal is supposed to be: a free port nobody listens on.</summary>
    public Uri PortalAddress { get; } = new($"http://127.0.0.1:{FreePorts.Next()}");

    public Uri GatewayAddress { get; private set; } = null!;

    public string MembershipDatabase { get; private set; } = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        try
        {
            MembershipDatabase = await Postgres.CreateDatabaseAsync();

            membershipApp = new MembershipOnKestrel(MembershipDatabase, RabbitMq.ConnectionString, Redis.ConnectionString);
            MembershipAddress = membershipApp.Start();

            gatewayApp = new GatewayOnKestrel(MembershipAddress, PortalAddress, Redis.ConnectionString, RateLimitClock);
            GatewayAddress = gatewayApp.Start();

            // A second replica of the gateway on the same Redis: rate limits hold across both.
            secondGatewayApp = new GatewayOnKestrel(MembershipAddress, PortalAddress, Redis.ConnectionString, RateLimitClock);
            SecondGatewayAddress = secondGatewayApp.Start();
        }
        catch
        {
            // xunit does not dispose a fixture whose initialisation failed: stop whatever did start.
            await DisposeAsync();
            throw;
        }
    }

    public override async Task DisposeAsync()
    {
        if (secondGatewayApp is not null)
        {
            await secondGatewayApp.DisposeAsync();
        }

        if (gatewayApp is not null)
        {
            await gatewayApp.DisposeAsync();
        }

        if (membershipApp is not null)
        {
            await membershipApp.DisposeAsync();
        }

        await base.DisposeAsync();
    }

    /// <summary>
    /// A plain HTTP client, as any user of the API has: real sockets, no test server shortcut. It adds no trace
    /// headers of its own (the services' telemetry, in this same process, would otherwise make it start traces).
    /// </summary>
    public HttpClient CreateGatewayClient() => CreateClient(GatewayAddress).WithToken(AdminToken());

    /// <summary>A client of the gateway presenting <paramref name="token"/> (none when null).</summary>
    public HttpClient CreateGatewayClient(string? token, bool secondReplica = false) =>
        CreateClient(secondReplica ? SecondGatewayAddress : GatewayAddress).WithToken(token);

    public HttpClient CreateMembershipClient() => CreateClient(MembershipAddress).WithToken(AdminToken());

    public Uri SecondGatewayAddress { get; private set; } = null!;

    /// <summary>A confederation admin's membership token, of a client of its own (so rate limits of one test never reach another).</summary>
    public static string AdminToken(string? clientId = null) => TestTokens.Mint(PlatformAudiences.Membership,
        [PlatformRoles.ConfederationAdmin], clientId: clientId ?? $"test-{Guid.NewGuid():N}");

    private static HttpClient CreateClient(Uri address) =>
        new(new SocketsHttpHandler { AllowAutoRedirect = false, ActivityHeadersPropagator = null })
        {
            BaseAddress = address,
            Timeout = TimeSpan.FromSeconds(30),
        };

    public async Task<long> CountMembershipRowsAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(MembershipDatabase);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return (long)(await command.ExecuteScalarAsync())!;
    }

    private sealed class MembershipOnKestrel(string database, string rabbitMq, string redis)
        : WebApplicationFactory<membership::Program>
    {
        public Uri Start()
        {
            UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
            StartServer();
            return ListeningAddress.Of(Services);
        }

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Development");
            builder.UseSetting("ConnectionStrings:membershipdb", database);
            builder.UseSetting("ConnectionStrings:rabbitmq", rabbitMq);
            builder.UseSetting("ConnectionStrings:redis", redis);
            builder.UseSetting("Logging:LogLevel:Default", "Warning");
            foreach (var (key, value) in TestTokens.Settings)
            {
                builder.UseSetting(key, value);
            }
        }
    }

    /// <summary>
    /// Another gateway on the fixture's servers, whose portal is <paramref name="portalAddress"/>, with
    /// <paramref name="settings"/> on top of the fixture's. Dispose it when done.
    /// </summary>
    public (Uri Address, IAsyncDisposable Gateway) StartGateway(Uri portalAddress, IReadOnlyDictionary<string, string> settings)
    {
        var gateway = new GatewayOnKestrel(MembershipAddress, portalAddress, Redis.ConnectionString, RateLimitClock, settings);
        return (gateway.Start(), gateway);
    }

    private sealed class GatewayOnKestrel(Uri membershipAddress, Uri portalAddress, string redis, TimeProvider rateLimitClock,
        IReadOnlyDictionary<string, string>? settings = null) : WebApplicationFactory<Program>
    {
        public Uri Start()
        {
            UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
            StartServer();
            return ListeningAddress.Of(Services);
        }

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Development");
            builder.UseSetting("services:membership:http:0", membershipAddress.ToString().TrimEnd('/'));
            builder.UseSetting("services:portal:http:0", portalAddress.ToString().TrimEnd('/'));
            builder.UseSetting("services:identity:http:0", portalAddress.ToString().TrimEnd('/')); // not needed: tokens are checked with the test keys
            builder.UseSetting("ConnectionStrings:redis", redis);
            builder.UseSetting("Scop:Gateway:RateLimits:PerClient:PermitLimit", PerClientLimit.ToString(System.Globalization.CultureInfo.InvariantCulture));
            builder.UseSetting("Scop:Gateway:RateLimits:PerClient:Window", "01:00:00");
            builder.ConfigureTestServices(services => services.AddKeyedSingleton(RedisRateLimiter.ClockKey, rateLimitClock));
            foreach (var (key, value) in TestTokens.Settings)
            {
                builder.UseSetting(key, value);
            }
            builder.UseSetting("Scop:Gateway:MaxRequestBodyBytes", MaxRequestBodyBytes.ToString(System.Globalization.CultureInfo.InvariantCulture));
            builder.UseSetting("Logging:LogLevel:Default", "Warning");
            foreach (var (key, value) in settings ?? new Dictionary<string, string>())
            {
                builder.UseSetting(key, value);
            }
        }
    }
}

[CollectionDefinition(Name)]
public sealed class GatewayServersCollection : ICollectionFixture<GatewayServers>
{
    public const string Name = "gateway servers";
}
