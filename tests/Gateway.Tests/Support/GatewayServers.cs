extern alias membership;

using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Scop.Aspire.LocalServers;
using Scop.Aspire.Testing;

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

            gatewayApp = new GatewayOnKestrel(MembershipAddress, PortalAddress);
            GatewayAddress = gatewayApp.Start();
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
    public HttpClient CreateGatewayClient() => CreateClient(GatewayAddress);

    public HttpClient CreateMembershipClient() => CreateClient(MembershipAddress);

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

    private static Uri Address(IServiceProvider services)
    {
        var addresses = services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses
            ?? throw new InvalidOperationException("The server reports no address.");
        return new Uri(addresses.First());
    }

    private sealed class MembershipOnKestrel(string database, string rabbitMq, string redis)
        : WebApplicationFactory<membership::Program>
    {
        public Uri Start()
        {
            UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
            StartServer();
            return Address(Services);
        }

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Development");
            builder.UseSetting("ConnectionStrings:membershipdb", database);
            builder.UseSetting("ConnectionStrings:rabbitmq", rabbitMq);
            builder.UseSetting("ConnectionStrings:redis", redis);
            builder.UseSetting("Logging:LogLevel:Default", "Warning");
        }
    }

    private sealed class GatewayOnKestrel(Uri membershipAddress, Uri portalAddress) : WebApplicationFactory<Program>
    {
        public Uri Start()
        {
            UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
            StartServer();
            return Address(Services);
        }

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Development");
            builder.UseSetting("services:membership:http:0", membershipAddress.ToString().TrimEnd('/'));
            builder.UseSetting("services:portal:http:0", portalAddress.ToString().TrimEnd('/'));
            builder.UseSetting("Scop:Gateway:MaxRequestBodyBytes", MaxRequestBodyBytes.ToString(System.Globalization.CultureInfo.InvariantCulture));
            builder.UseSetting("Logging:LogLevel:Default", "Warning");
        }
    }
}

[CollectionDefinition(Name)]
public sealed class GatewayServersCollection : ICollectionFixture<GatewayServers>
{
    public const string Name = "gateway servers";
}
