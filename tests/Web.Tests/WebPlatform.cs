using System.Text.Json;
using Aspire.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Scop.Aspire.Web.Tests;

/// <summary>
/// The whole platform as the AppHost describes it (local PostgreSQL, RabbitMQ and Redis, the services, the web
/// front-end and the gateway), started once for every test of this project, and Debian's Chromium driven by
/// Playwright (no browser can be downloaded here: <see cref="ChromiumPath"/>).
/// </summary>
public sealed class WebPlatform : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    // Generous: on a shared two-core machine busy with other builds, the platform has taken over five minutes to start.
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(10);
    private readonly string dataRoot = Path.Combine(Path.GetTempPath(), "scop-web-tests", Guid.NewGuid().ToString("N")[..8]);
    private DistributedApplication? app;
    private IPlaywright? playwright;

    /// <summary>The gateway's public address: the only address the browser ever visits.</summary>
    public Uri Address { get; private set; } = null!;

    public HttpClient Gateway { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>The platform's data folder (the identity service's generated credentials, the front-end's keys).</summary>
    public string DataRoot => dataRoot;

    public DistributedApplication App => app ?? throw new InvalidOperationException("The platform has not started.");

    /// <summary>Where screenshots go: TestResults/web/ at the repository's root (test.sh's results folder).</summary>
    public string Artefacts { get; } = Path.Combine(RepositoryRoot(), "TestResults", "web");

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException(
                $"{ChromiumPath} is missing: install Debian's chromium (scripts/prerequisites.sh does it for test.sh).");
        }

        Directory.CreateDirectory(dataRoot);
        Directory.CreateDirectory(Artefacts);
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Scop_Aspire_AppHost>(
        [
            "--Scop:Infrastructure=local",
            $"--Scop:DataRoot={dataRoot}",
            "--Scop:GatewayPort=0",
            "--DcpPublisher:RandomizePorts=false",
            "--Scop:FixedServicePorts=false",
            "--Scop:Ports:Postgres=0",
            "--Scop:Ports:RabbitMq=0",
            "--Scop:Ports:RabbitMqDistribution=0",
            "--Scop:Ports:Redis=0",
            "--Scop:Ports:Epmd=0",
            $"--Scop:RabbitMqNodeName=web-{Guid.NewGuid():N}"[..48] + "@localhost",
        ]);
        builder.Services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        builder.Configuration["DcpPublisher:RandomizePorts"] = "false";

        var platformStart = StartPlatformAsync(builder);
        playwright = await Playwright.CreateAsync();
        Browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync"],
        });
        await platformStart;
    }

    private async Task StartPlatformAsync(IDistributedApplicationTestingBuilder builder)
    {
        app = await builder.BuildAsync();
        using var timeout = new CancellationTokenSource(StartTimeout);
        await app.StartAsync(timeout.Token);
        await app.ResourceNotifications.WaitForResourceHealthyAsync("gateway", timeout.Token);
        Gateway = app.CreateHttpClient("gateway");
        Address = Gateway.BaseAddress!;
    }

    /// <summary>The password the identity service generated for a development user at its first start.</summary>
    public string Password(string user) => JsonDocument.Parse(
            File.ReadAllText(Path.Combine(dataRoot, "identity", "dev-credentials.json")))
        .RootElement.GetProperty("Passwords").GetProperty(user).GetString()!;

    /// <summary>A fresh browser context (its own cookies) at the desktop size or at a phone's 360 × 740.</summary>
    public async Task<IBrowserContext> NewContextAsync(bool phone = false) => await Browser.NewContextAsync(new BrowserNewContextOptions
    {
        BaseURL = Address.ToString(),
        ViewportSize = phone ? new ViewportSize { Width = 360, Height = 740 } : new ViewportSize { Width = 1280, Height = 900 },
        IsMobile = phone,
        HasTouch = phone,
        Locale = "fr-FR",
        TimezoneId = "Europe/Paris",
    });

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        playwright?.Dispose();
        Gateway?.Dispose();
        if (app is not null)
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }

        try
        {
            Directory.Delete(dataRoot, recursive: true);
        }
        catch (IOException)
        {
            // a server may still be releasing a file; the folder is in the temporary area anyway
        }
    }

    public static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Scop.Aspire.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No Scop.Aspire.sln above {AppContext.BaseDirectory}.");
    }
}

[CollectionDefinition(Name)]
public sealed class WebPlatformCollection : ICollectionFixture<WebPlatform>
{
    public const string Name = "web platform";
}
