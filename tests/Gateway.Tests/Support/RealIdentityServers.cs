extern alias identity;
extern alias membership;

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Duende.IdentityModel.Client;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Scop.Aspire.Gateway.Proxy;
using Scop.Aspire.LocalServers;
using Scop.Aspire.ServiceDefaults;
using Scop.Aspire.Testing;
using Scop.Aspire.Testing.Hosting;
using StackExchange.Redis;

namespace Scop.Aspire.Gateway.Tests.Support;

/// <summary>
/// The platform's token path for real: the identity service (Development, its own database, its keys and seeded
/// users in a temporary data root), the membership service and the gateway, each on Kestrel, wired as the AppHost
/// wires them — the issuer is the gateway's address, the gateway and the service fetch discovery and keys from the
/// identity service itself. Clients sign in through the gateway and get tokens signed by the identity service's key.
/// </summary>
public sealed class RealIdentityServers : PlatformServers
{
    private IdentityOnKestrel? identityApp;
    private MembershipOnKestrel? membershipApp;
    private GatewayOnKestrel? gatewayApp;
    private int redisDatabases;

    public string DataRoot { get; } = Path.Combine(Path.GetTempPath(), "scop-gateway-identity-tests", Guid.NewGuid().ToString("N")[..8]);

    /// <summary>The gateway, whose address is the issuer of every token.</summary>
    public Uri GatewayAddress { get; } = new($"http://127.0.0.1:{FreePorts.Next()}/");

    public Uri IdentityAddress { get; private set; } = null!;

    public Uri MembershipAddress { get; private set; } = null!;

    public JsonElement Credentials { get; private set; }

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        try
        {
            identityApp = new IdentityOnKestrel(await Postgres.CreateDatabaseAsync(), RabbitMq.ConnectionString, GatewayAddress, DataRoot);
            IdentityAddress = identityApp.Start();
            Credentials = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(DataRoot, "identity", "dev-credentials.json")))
                .RootElement.Clone();

            membershipApp = new MembershipOnKestrel(await Postgres.CreateDatabaseAsync(), RabbitMq.ConnectionString,
                Redis.ConnectionString, GatewayAddress, IdentityAddress);
            MembershipAddress = membershipApp.Start();

            gatewayApp = new GatewayOnKestrel(GatewayAddress, GatewayAddress.Port, IdentityAddress, MembershipAddress,
                Redis.ConnectionString);
            gatewayApp.Start();
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    public override async Task DisposeAsync()
    {
        foreach (var app in new IAsyncDisposable?[] { gatewayApp, membershipApp, identityApp })
        {
            if (app is not null)
            {
                await app.DisposeAsync();
            }
        }

        await base.DisposeAsync();
        try
        {
            Directory.Delete(DataRoot, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>
    /// More gateways in front of the same identity and membership services, accepting the same tokens: the
    /// <paramref name="replicas"/> share one Redis database, emptied first and used by no other running gateway (so
    /// their rate limits start empty), and one rate-limit clock, which starts now and moves only when the test moves it.
    /// <paramref name="settings"/> come on top of the gateway's configuration for <paramref name="environment"/>;
    /// <paramref name="services"/> changes its services (say, to read its logs).
    /// </summary>
    public async Task<GatewayReplicas> StartGatewaysAsync(IReadOnlyDictionary<string, string> settings, int replicas = 1,
        string environment = "Development", Action<IServiceCollection>? services = null)
    {
        // Redis has 16 databases; the first is the fixture's gateway's. Tests of a collection run one at a time, and
        // each stops its gateways at its end, so the other 15 go round.
        var database = 1 + (Interlocked.Increment(ref redisDatabases) - 1) % 15;
        await using (var admin = await ConnectionMultiplexer.ConnectAsync($"{Redis.ConnectionString},allowAdmin=true"))
        {
            await admin.GetServers()[0].FlushDatabaseAsync(database);
        }

        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var gateways = Enumerable.Range(0, replicas).Select(_ => new GatewayOnKestrel(GatewayAddress, 0, IdentityAddress,
                MembershipAddress, $"{Redis.ConnectionString},defaultDatabase={database}", settings, clock, environment, services))
            .ToList();
        return new GatewayReplicas(gateways.Select(g => g.Start()).ToList(), clock, gateways);
    }

    public sealed class GatewayReplicas(IReadOnlyList<Uri> addresses, FakeTimeProvider clock, IReadOnlyList<IAsyncDisposable> gateways)
        : IAsyncDisposable
    {
        public IReadOnlyList<Uri> Addresses { get; } = addresses;

        /// <summary>The clock of the replicas' rate limits.</summary>
        public FakeTimeProvider Clock { get; } = clock;

        /// <summary>
        /// A client of replica <paramref name="replica"/>, presenting <paramref name="token"/> (none when null), coming
        /// (as a trusted proxy would say) from <paramref name="forwardedFor"/> (the loopback connection itself when null).
        /// </summary>
        public HttpClient Client(string? token = null, string? forwardedFor = null, int replica = 0)
        {
            var client = CodeFlow.NewBrowser(Addresses[replica]).WithToken(token);
            if (forwardedFor is not null)
            {
                client.DefaultRequestHeaders.Add("X-Forwarded-For", forwardedFor);
            }

            return client;
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var gateway in gateways)
            {
                await gateway.DisposeAsync();
            }
        }
    }

    private string? adminToken;

    /// <summary>A confederation admin's token for the identity service's admin API, signed in through the gateway.</summary>
    public async Task<string> AdminTokenAsync(string scope = "openid identity")
    {
        if (scope == "openid identity" && adminToken is not null)
        {
            return adminToken;
        }

        using var browser = CreateGatewayBrowser();
        var token = (await CodeFlow.SignInAsync(browser, "admin", PasswordOf("admin"), scope)).AccessToken!;
        return scope == "openid identity" ? adminToken = token : token;
    }

    /// <summary>
    /// A person of their own, made for one test through the admin API (role <paramref name="role"/>), signed in
    /// through the gateway with the code flow: their access token for the membership API, and the browser whose
    /// session can sign them in again.
    /// </summary>
    public async Task<(string Subject, string AccessToken, HttpClient Browser)> NewPersonAsync(string role = "member")
    {
        var (subject, userName, password) = await NewAccountAsync(role);
        var browser = CreateGatewayBrowser();
        var tokens = await CodeFlow.SignInAsync(browser, userName, password, "openid membership");
        return (subject, tokens.AccessToken!, browser);
    }

    /// <summary>An account of its own, made through the admin API (role <paramref name="role"/>), not signed in.</summary>
    public async Task<(string Subject, string UserName, string Password)> NewAccountAsync(string role = "member")
    {
        var userName = $"person-{Guid.NewGuid():N}"[..20];
        var password = $"Pw-{Guid.NewGuid():N}";
        using var admin = CreateGatewayBrowser().WithToken(await AdminTokenAsync());
        using var created = await admin.PostAsJsonAsync("/api/identity/users",
            new { userName, displayName = "Test person", password, roles = new[] { role } });
        Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var subject = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        return (subject, userName, password);
    }

    /// <summary>A machine client of its own (a partner bank), registered through the admin API: its client-credentials token.</summary>
    public async Task<(string ClientId, string AccessToken)> NewMachineClientAsync()
    {
        var clientId = $"bank-{Guid.NewGuid():N}"[..20];
        using var admin = CreateGatewayBrowser().WithToken(await AdminTokenAsync());
        using var registered = await admin.PostAsJsonAsync("/api/identity/clients",
            new { clientId, displayName = "Test bank", scopes = new[] { "membership" }, roles = new[] { "partner" } });
        Assert.True(registered.StatusCode == HttpStatusCode.Created, await registered.Content.ReadAsStringAsync());
        var secret = (await registered.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("clientSecret").GetString()!;
        using var http = CreateGatewayBrowser();
        var token = await http.RequestClientCredentialsTokenAsync(new ClientCredentialsTokenRequest
        {
            Address = "/connect/token",
            ClientId = clientId,
            ClientSecret = secret,
            Scope = "membership",
        });
        Assert.False(token.IsError, $"{token.Error}: {token.ErrorDescription}");
        return (clientId, token.AccessToken!);
    }

    public string PasswordOf(string user) => Credentials.GetProperty("Passwords").GetProperty(user).GetString()!;

    /// <summary>A browser (or any client) of the gateway.</summary>
    public HttpClient CreateGatewayBrowser() => CodeFlow.NewBrowser(GatewayAddress);

    /// <summary>A client of the membership service itself, past the gateway, as a caller inside the network would be.</summary>
    public HttpClient CreateMembershipClient(string token) => CodeFlow.NewBrowser(MembershipAddress).WithToken(token);

    private static void Trust(IWebHostBuilder builder, Uri issuer, Uri identity)
    {
        builder.UseSetting("Scop:Identity:Issuer", issuer.ToString());
        builder.UseSetting("Scop:Identity:Authority", identity.ToString());
    }

    private sealed class IdentityOnKestrel(string database, string rabbitMq, Uri issuer, string dataRoot) : WebApplicationFactory<identity::Program>
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
            builder.UseSetting($"ConnectionStrings:{ResourceNames.IdentityDatabase}", database);
            builder.UseSetting($"ConnectionStrings:{ResourceNames.RabbitMq}", rabbitMq);
            builder.UseSetting("Scop:Identity:Issuer", issuer.ToString());
            builder.UseSetting("Scop:DataRoot", dataRoot);
            builder.UseSetting("Logging:LogLevel:Default", "Warning");
        }
    }

    private sealed class MembershipOnKestrel(string database, string rabbitMq, string redis, Uri issuer, Uri identity)
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
            Trust(builder, issuer, identity);
        }
    }

    private sealed class GatewayOnKestrel(Uri issuer, int port, Uri identity, Uri membership, string redis,
        IReadOnlyDictionary<string, string>? settings = null, TimeProvider? rateLimitClock = null,
        string environment = "Development", Action<IServiceCollection>? services = null) : WebApplicationFactory<Program>
    {
        public Uri Start()
        {
            UseKestrel(options => options.Listen(IPAddress.Loopback, port));
            StartServer();
            return ListeningAddress.Of(Services);
        }

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment(environment);
            builder.UseSetting("services:identity:http:0", identity.ToString().TrimEnd('/'));
            builder.UseSetting("services:membership:http:0", membership.ToString().TrimEnd('/'));
            builder.UseSetting("ConnectionStrings:redis", redis);
            builder.UseSetting("Logging:LogLevel:Default", "Warning");
            Trust(builder, issuer, identity);
            foreach (var (key, value) in settings ?? new Dictionary<string, string>())
            {
                builder.UseSetting(key, value);
            }

            builder.ConfigureTestServices(collection =>
            {
                if (rateLimitClock is not null)
                {
                    collection.AddKeyedSingleton(RedisRateLimiter.ClockKey, rateLimitClock);
                }

                services?.Invoke(collection);
            });
        }
    }
}

[CollectionDefinition(Name)]
public sealed class RealIdentityServersCollection : ICollectionFixture<RealIdentityServers>
{
    public const string Name = "identity, membership and gateway";
}
