extern alias identity;
extern alias membership;

using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Scop.Aspire.LocalServers;
using Scop.Aspire.ServiceDefaults;
using Scop.Aspire.Testing;
using Scop.Aspire.Testing.Hosting;

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
            identityApp = new IdentityOnKestrel(await Postgres.CreateDatabaseAsync(), GatewayAddress, DataRoot);
            IdentityAddress = identityApp.Start();
            Credentials = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(DataRoot, "identity", "dev-credentials.json")))
                .RootElement.Clone();

            membershipApp = new MembershipOnKestrel(await Postgres.CreateDatabaseAsync(), RabbitMq.ConnectionString,
                Redis.ConnectionString, GatewayAddress, IdentityAddress);
            MembershipAddress = membershipApp.Start();

            gatewayApp = new GatewayOnKestrel(GatewayAddress, IdentityAddress, MembershipAddress, Redis.ConnectionString);
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

    private sealed class IdentityOnKestrel(string database, Uri issuer, string dataRoot) : WebApplicationFactory<identity::Program>
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

    private sealed class GatewayOnKestrel(Uri address, Uri identity, Uri membership, string redis) : WebApplicationFactory<Program>
    {
        public void Start()
        {
            UseKestrel(options => options.Listen(IPAddress.Loopback, address.Port));
            StartServer();
        }

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Development");
            builder.UseSetting("services:identity:http:0", identity.ToString().TrimEnd('/'));
            builder.UseSetting("services:membership:http:0", membership.ToString().TrimEnd('/'));
            builder.UseSetting("ConnectionStrings:redis", redis);
            builder.UseSetting("Logging:LogLevel:Default", "Warning");
            Trust(builder, address, identity);
        }
    }
}

[CollectionDefinition(Name)]
public sealed class RealIdentityServersCollection : ICollectionFixture<RealIdentityServers>
{
    public const string Name = "identity, membership and gateway";
}
