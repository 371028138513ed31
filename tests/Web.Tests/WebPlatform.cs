using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Scop.Aspire.Bench.Platform;
using Scop.Aspire.ServiceDefaults;

namespace Scop.Aspire.Web.Tests;

/// <summary>
/// The whole platform as the AppHost describes it (local PostgreSQL, RabbitMQ and Redis, the services, the web
/// front-end and the gateway), started once for every test of this project, and Debian's Chromium driven by
/// Playwright (no browser can be downloaded here: <see cref="DebianChromium"/>).
/// </summary>
public sealed class WebPlatform : IAsyncLifetime
{
    private HostedPlatform? platform;
    private IPlaywright? playwright;

    /// <summary>The gateway's public address: the only address the browser ever visits.</summary>
    public Uri Address => Platform.GatewayAddress;

    public HttpClient Gateway { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    public HostedPlatform Platform => platform ?? throw new InvalidOperationException("The platform has not started.");

    /// <summary>The platform's data folder (the identity service's generated credentials, the front-end's keys).</summary>
    public string DataRoot => Platform.DataRoot;

    public DistributedApplication App => Platform.App;

    /// <summary>Where screenshots go: TestResults/web/ at the repository's root (test.sh's results folder).</summary>
    public string Artefacts { get; } = Path.Combine(RepositoryRoot(), "TestResults", "web");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Artefacts);
        // The browser first: a machine without it fails here, before a whole platform is started for nothing.
        playwright = await Playwright.CreateAsync();
        Browser = await DebianChromium.LaunchAsync(playwright);
        // The platform as the end-to-end tests and the bench start it.
        // The portal flushes its visit counters every two seconds instead of every minute, for the statistics page's test.
        platform = await HostedPlatform.StartAsync(new PlatformOptions
        {
            Configure = builder => builder.CreateResourceBuilder<ProjectResource>(ResourceNames.Portal)
                .WithEnvironment("Scop__Portal__Visits__FlushInterval", TimeSpan.FromSeconds(2).ToString("c")),
        }, CancellationToken.None);
        Gateway = platform.CreateGatewayClient();
    }

    /// <summary>The password the identity service generated for a development user at its first start.</summary>
    public string Password(string user) => JsonDocument.Parse(
            File.ReadAllText(Path.Combine(DataRoot, "identity", "dev-credentials.json")))
        .RootElement.GetProperty("Passwords").GetProperty(user).GetString()!;

    /// <summary>
    /// A fresh browser context (its own cookies) at the desktop size or at a phone's 360 × 740; with
    /// <paramref name="userAgent"/> instead of headless Chromium's own, which says « HeadlessChrome » as robots do.
    /// </summary>
    public async Task<IBrowserContext> NewContextAsync(bool phone = false, string? userAgent = null) => await Browser.NewContextAsync(new BrowserNewContextOptions
    {
        UserAgent = userAgent,
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
        if (platform is not null)
        {
            await platform.DisposeAsync();
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
