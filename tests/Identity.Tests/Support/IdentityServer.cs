using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Scop.Aspire.Identity.Domain;
using Scop.Aspire.LocalServers;
using Scop.Aspire.ServiceDefaults;
using Scop.Aspire.Testing;

namespace Scop.Aspire.Identity.Tests.Support;

/// <summary>
/// The real identity service on Kestrel (a real port, so a real OIDC client library talks to it over HTTP), in
/// Development on a real PostgreSQL database of its own, with its development users and clients seeded and their
/// generated credentials in a temporary data root. Its password hasher is the real one, counted; its sign-in limits
/// are small, so tests reach them in a few attempts.
/// </summary>
public class IdentityServer : IAsyncLifetime
{
    public const int FailuresPerAddress = 5;
    public const int AccountFailures = 6;
    public const int AccountAddresses = 3;
    public const int WindowMinutes = 15;
    public const int LockoutMinutes = 15;
    public const int SessionHours = 12;
    public const int RefreshTokenHours = 4;
    public const int AccessTokenMinutes = 15;

    private readonly FakeTimeProvider? clock;
    private IdentityOnKestrel? app;
    private TcpForwarder? databaseComesBack;

    public IdentityServer()
        : this(clock: null)
    {
    }

    /// <param name="clock">The service's clock (OpenIddict, cookies, sessions and sign-in limits all read it), or the machine's.</param>
    protected IdentityServer(FakeTimeProvider? clock) => this.clock = clock;

    public string DataRoot { get; } = Path.Combine(Path.GetTempPath(), "scop-identity-tests", Guid.NewGuid().ToString("N")[..8]);

    public PostgresFixture Postgres { get; } = new();

    /// <summary>The broker: the service keeps accounts in step with the register's events.</summary>
    public RabbitMqFixture RabbitMq { get; } = new();

    public Uri Address { get; private set; } = null!;

    public string Issuer => Address.ToString();

    public string Database { get; private set; } = null!;

    /// <summary>The connection string the service is given: <see cref="Database"/>, or its way in through a port opened late.</summary>
    private string ServiceDatabase { get; set; } = null!;

    /// <summary>How long the service's database refuses connections once the service is starting: none, unless a subclass says.</summary>
    protected virtual TimeSpan DatabaseAwayAtStart => TimeSpan.Zero;

    /// <summary>When the database began to accept the service's connections (the start, unless it was away).</summary>
    public DateTimeOffset DatabaseBackAt { get; private set; }

    /// <summary>When the service had started: migrated, seeded, listening.</summary>
    public DateTimeOffset StartedAt { get; private set; }

    public JsonElement Credentials { get; private set; }

    public CountingPasswordHasher Hasher { get; } = new();

    /// <summary>The running service's services (its mapped endpoints among them).</summary>
    public IServiceProvider Services => app?.Services ?? throw new InvalidOperationException("The identity service has not started.");

    public async Task InitializeAsync()
    {
        try
        {
            await Task.WhenAll(Postgres.InitializeAsync(), RabbitMq.InitializeAsync());
            Database = await Postgres.CreateDatabaseAsync();
            Address = new Uri($"http://127.0.0.1:{FreePorts.Next()}/");
            ServiceDatabase = Database;
            DatabaseBackAt = DateTimeOffset.UtcNow;
            var databaseBack = Task.CompletedTask;
            if (DatabaseAwayAtStart > TimeSpan.Zero)
            {
                // The service is told a port nothing listens on yet; it opens onto the real server later.
                var real = new NpgsqlConnectionStringBuilder(Database);
                var port = FreePorts.Next();
                ServiceDatabase = new NpgsqlConnectionStringBuilder(Database) { Host = "127.0.0.1", Port = port }.ConnectionString;
                databaseBack = Task.Run(async () =>
                {
                    await Task.Delay(DatabaseAwayAtStart);
                    DatabaseBackAt = DateTimeOffset.UtcNow;
                    databaseComesBack = TcpForwarder.Start(port, real.Host!, real.Port);
                });
            }

            app = new IdentityOnKestrel(this);
            app.Start();
            StartedAt = DateTimeOffset.UtcNow;
            await databaseBack;
            var path = Path.Combine(DataRoot, "identity", "dev-credentials.json");
            Credentials = JsonDocument.Parse(await File.ReadAllTextAsync(path)).RootElement.Clone();
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    public async Task DisposeAsync()
    {
        if (app is not null)
        {
            await app.DisposeAsync();
        }

        if (databaseComesBack is not null)
        {
            await databaseComesBack.DisposeAsync();
        }

        await Postgres.DisposeAsync();
        await RabbitMq.DisposeAsync();
        try
        {
            Directory.Delete(DataRoot, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    public string PasswordOf(string user) => Credentials.GetProperty("Passwords").GetProperty(user).GetString()!;

    public string SecretOf(string client) => Credentials.GetProperty("ClientSecrets").GetProperty(client).GetString()!;

    /// <summary>A browser: cookies kept, redirects not followed (the test looks at each one).</summary>
    public HttpClient CreateBrowser() => CodeFlow.NewBrowser(Address);

    /// <summary>An address of its own for a test's sign-ins, as the gateway reports it, so that throttling is the test's alone.</summary>
    public static string NewClientAddress() =>
        $"10.{Random.Shared.Next(256)}.{Random.Shared.Next(256)}.{Random.Shared.Next(1, 255)}";

    public async Task<T> QueryScalarAsync<T>(string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(Database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return (T)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Creates a member with the admin API; returns their user name and password.</summary>
    public async Task<(string UserName, string Password)> CreateMemberAsync()
    {
        using var browser = CreateBrowser();
        var admin = await CodeFlow.SignInAsync(browser, "admin", PasswordOf("admin"), "openid identity");
        var userName = $"m-{Guid.NewGuid():N}"[..20];
        const string password = "Correct-horse-battery-9";
        using var api = CreateBrowser().WithToken(admin.AccessToken);
        using var created = await api.PostAsync("/api/identity/users", JsonContent.Create(
            new { userName, password, roles = new[] { "member" } }));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return (userName, password);
    }

    private sealed class IdentityOnKestrel(IdentityServer server) : WebApplicationFactory<Program>
    {
        public void Start()
        {
            UseKestrel(options => options.Listen(IPAddress.Loopback, server.Address.Port));
            StartServer();
        }

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            static string N(int value) => value.ToString(CultureInfo.InvariantCulture);
            builder.UseEnvironment("Development");
            builder.UseSetting($"ConnectionStrings:{ResourceNames.IdentityDatabase}", server.ServiceDatabase);
            builder.UseSetting($"ConnectionStrings:{ResourceNames.RabbitMq}", server.RabbitMq.ConnectionString);
            builder.UseSetting("Scop:Identity:Issuer", server.Address.ToString());
            builder.UseSetting("Scop:DataRoot", server.DataRoot);
            builder.UseSetting("Scop:Identity:RefreshTokenReuseLeewaySeconds", "0");
            builder.UseSetting("Scop:Identity:AccessTokenMinutes", N(AccessTokenMinutes));
            builder.UseSetting("Scop:Identity:SessionHours", N(SessionHours));
            builder.UseSetting("Scop:Identity:RefreshTokenHours", N(RefreshTokenHours));
            builder.UseSetting("Scop:Identity:SignIn:WindowMinutes", N(WindowMinutes));
            builder.UseSetting("Scop:Identity:SignIn:FailuresPerAddress", N(FailuresPerAddress));
            builder.UseSetting("Scop:Identity:SignIn:AccountFailures", N(AccountFailures));
            builder.UseSetting("Scop:Identity:SignIn:AccountAddresses", N(AccountAddresses));
            builder.UseSetting("Scop:Identity:SignIn:LockoutMinutes", N(LockoutMinutes));
            builder.UseSetting("Logging:LogLevel:Default", "Warning");
            builder.ConfigureTestServices(services =>
            {
                services.AddSingleton<IPasswordHasher<PlatformUser>>(provider =>
                    server.Hasher.Wrapping(new PasswordHasher<PlatformUser>(provider.GetService<IOptions<PasswordHasherOptions>>())));
                if (server.clock is not null)
                {
                    services.AddSingleton<TimeProvider>(server.clock);
                }
            });
        }
    }
}

/// <summary>The identity service on a clock the tests move: sessions, lockouts and throttling over hours in no time.</summary>
public sealed class IdentityServerOnFakeClock : IdentityServer
{
    public IdentityServerOnFakeClock()
        : this(new FakeTimeProvider(DateTimeOffset.UtcNow))
    {
    }

    private IdentityServerOnFakeClock(FakeTimeProvider clock)
        : base(clock) => Clock = clock;

    public FakeTimeProvider Clock { get; }
}

/// <summary>The identity service started while its database refuses connections, which it begins to accept seconds later.</summary>
public sealed class IdentityServerWithDatabaseLate : IdentityServer
{
    public static readonly TimeSpan Away = TimeSpan.FromSeconds(5);

    protected override TimeSpan DatabaseAwayAtStart => Away;
}

/// <summary>
/// The service's real password hasher, with every verification it does recorded: the work a sign-in costs, counted
/// instead of timed.
/// </summary>
public sealed class CountingPasswordHasher : IPasswordHasher<PlatformUser>
{
    private IPasswordHasher<PlatformUser> inner = null!;
    private readonly ConcurrentQueue<string> verified = new();

    internal CountingPasswordHasher Wrapping(IPasswordHasher<PlatformUser> hasher)
    {
        inner = hasher;
        return this;
    }

    /// <summary>Every stored hash a password was checked against, in order.</summary>
    public IReadOnlyList<string> Verified => [.. verified];

    public string HashPassword(PlatformUser user, string password) => inner.HashPassword(user, password);

    public PasswordVerificationResult VerifyHashedPassword(PlatformUser user, string hashedPassword, string providedPassword)
    {
        verified.Enqueue(hashedPassword);
        return inner.VerifyHashedPassword(user, hashedPassword, providedPassword);
    }
}

[CollectionDefinition(Name)]
public sealed class IdentityServerCollection : ICollectionFixture<IdentityServer>
{
    public const string Name = "identity server";
}

[CollectionDefinition(Name)]
public sealed class IdentityServerOnFakeClockCollection : ICollectionFixture<IdentityServerOnFakeClock>
{
    public const string Name = "identity server on a fake clock";
}

/// <summary>How OpenIddict names the token types in its tokens table.</summary>
public static class TokenTypes
{
    public const string Refresh = "urn:ietf:params:oauth:token-type:refresh_token";
}
