using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Npgsql;
using Scop.Aspire.LocalServers;
using Scop.Aspire.ServiceDefaults;
using Scop.Aspire.Testing;

namespace Scop.Aspire.Identity.Tests.Support;

/// <summary>
/// The real identity service on Kestrel (a real port, so a real OIDC client library talks to it over HTTP), in
/// Development on a real PostgreSQL database of its own, with its development users and clients seeded and their
/// generated credentials in a temporary data root.
/// </summary>
public sealed partial class IdentityServer : IAsyncLifetime
{
    public const int MaxFailedLogins = 3;

    private readonly string dataRoot = Path.Combine(Path.GetTempPath(), "scop-identity-tests", Guid.NewGuid().ToString("N")[..8]);
    private IdentityOnKestrel? app;

    public PostgresFixture Postgres { get; } = new();

    public Uri Address { get; private set; } = null!;

    public string Issuer => Address.ToString();

    public string Database { get; private set; } = null!;

    public JsonElement Credentials { get; private set; }

    public async Task InitializeAsync()
    {
        try
        {
            await Postgres.InitializeAsync();
            Database = await Postgres.CreateDatabaseAsync();
            Address = new Uri($"http://127.0.0.1:{FreePorts.Next()}/");
            app = new IdentityOnKestrel(Database, Address, dataRoot);
            app.Start();
            var path = Path.Combine(dataRoot, "identity", "dev-credentials.json");
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

        await Postgres.DisposeAsync();
        try
        {
            Directory.Delete(dataRoot, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    public string PasswordOf(string user) => Credentials.GetProperty("Passwords").GetProperty(user).GetString()!;

    public string SecretOf(string client) => Credentials.GetProperty("ClientSecrets").GetProperty(client).GetString()!;

    /// <summary>A browser: cookies kept, redirects not followed (the test looks at each one).</summary>
    public HttpClient CreateBrowser() =>
        new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new CookieContainer() })
        {
            BaseAddress = Address,
            Timeout = TimeSpan.FromSeconds(30),
        };

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

    /// <summary>Reads the sign-in form as a browser would: its antiforgery token and where it returns to.</summary>
    public static (string Token, string ReturnUrl) ReadLoginForm(string html)
    {
        var token = AntiforgeryField().Match(html);
        var returnUrl = ReturnUrlField().Match(html);
        Assert.True(token.Success && returnUrl.Success, $"Not the sign-in form: {html}");
        return (WebUtility.HtmlDecode(token.Groups[1].Value), WebUtility.HtmlDecode(returnUrl.Groups[1].Value));
    }

    /// <summary>Posts the sign-in form with its antiforgery token.</summary>
    public static async Task<HttpResponseMessage> PostLoginAsync(HttpClient browser, string loginPageUrl, string userName, string password)
    {
        using var page = await browser.GetAsync(loginPageUrl);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var (token, returnUrl) = ReadLoginForm(await page.Content.ReadAsStringAsync());
        return await browser.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["returnUrl"] = returnUrl,
            ["username"] = userName,
            ["password"] = password,
        }));
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();

    [GeneratedRegex("name=\"returnUrl\" value=\"([^\"]*)\"")]
    private static partial Regex ReturnUrlField();

    private sealed class IdentityOnKestrel(string database, Uri address, string dataRoot) : WebApplicationFactory<Program>
    {
        public void Start()
        {
            UseKestrel(options => options.Listen(IPAddress.Loopback, address.Port));
            StartServer();
        }

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Development");
            builder.UseSetting($"ConnectionStrings:{ResourceNames.IdentityDatabase}", database);
            builder.UseSetting("Scop:Identity:Issuer", address.ToString());
            builder.UseSetting("Scop:Identity:MaxFailedLogins", MaxFailedLogins.ToString(System.Globalization.CultureInfo.InvariantCulture));
            builder.UseSetting("Scop:DataRoot", dataRoot);
            builder.UseSetting("Scop:Identity:RefreshTokenReuseLeewaySeconds", "0");
            builder.UseSetting("Logging:LogLevel:Default", "Warning");
        }
    }
}

[CollectionDefinition(Name)]
public sealed class IdentityServerCollection : ICollectionFixture<IdentityServer>
{
    public const string Name = "identity server";
}
