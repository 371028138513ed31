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
/// Each lane of tests (<see cref="WebLanes"/>) holds one of these; they share one platform and one browser, started
/// when the first lane begins and stopped when the last one ends.
/// </summary>
public sealed class WebPlatform : IAsyncLifetime
{
    private static readonly SemaphoreSlim Turn = new(1, 1);
    private static Shared? shared;
    private static int holders;
    private bool holding;

    /// <summary>The gateway's public address: the only address the browser ever visits.</summary>
    public Uri Address => Platform.GatewayAddress;

    public HttpClient Gateway => Started.Gateway;

    public IBrowser Browser => Started.Browser;

    public HostedPlatform Platform => Started.Platform;

    /// <summary>The platform's data folder (the identity service's generated credentials, the front-end's keys).</summary>
    public string DataRoot => Platform.DataRoot;

    public DistributedApplication App => Platform.App;

    /// <summary>Where screenshots go: TestResults/web/ at the repository's root (test.sh's results folder).</summary>
    public string Artefacts { get; } = Path.Combine(RepositoryRoot(), "TestResults", "web");

    private static Shared Started => shared ?? throw new InvalidOperationException("The platform has not started.");

    public async Task InitializeAsync()
    {
        await Turn.WaitAsync();
        try
        {
            shared ??= await Shared.StartAsync(Artefacts);
            holders++;
            holding = true;
        }
        finally
        {
            Turn.Release();
        }
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
        await Turn.WaitAsync();
        try
        {
            if (holding && --holders == 0 && shared is not null)
            {
                await shared.DisposeAsync();
                shared = null;
            }
        }
        finally
        {
            Turn.Release();
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

    private sealed class Shared(IPlaywright playwright, IBrowser browser, HostedPlatform platform) : IAsyncDisposable
    {
        public IBrowser Browser => browser;

        public HostedPlatform Platform => platform;

        public HttpClient Gateway { get; } = platform.CreateGatewayClient();

        public static async Task<Shared> StartAsync(string artefacts)
        {
            Directory.CreateDirectory(artefacts);
            // The browser first: a machine without it fails here, before a whole platform is started for nothing.
            var playwright = await Playwright.CreateAsync();
            var browser = await DebianChromium.LaunchAsync(playwright);
            try
            {
                return new Shared(playwright, browser, await StartPlatformAsync());
            }
            catch
            {
                await browser.DisposeAsync();
                playwright.Dispose();
                throw;
            }
        }

        /// <summary>The platform as the end-to-end tests and the bench start it.</summary>
        private static Task<HostedPlatform> StartPlatformAsync() =>
            HostedPlatform.StartAsync(new PlatformOptions
            {
                Configure = builder =>
                {
                    // The portal flushes its visit counters every two seconds instead of every minute, for the statistics page's test.
                    builder.CreateResourceBuilder<ProjectResource>(ResourceNames.Portal)
                        .WithEnvironment("Scop__Portal__Visits__FlushInterval", TimeSpan.FromSeconds(2).ToString("c"));
                    // Every lane's browser, the tests' own anonymous calls and the front-end's public pages come from one
                    // address, so they share one address allowance at the gateway; three lanes at once spend it faster
                    // than any visitor. The limits themselves are the gateway tests' subject.
                    builder.CreateResourceBuilder<ProjectResource>(ResourceNames.Gateway)
                        .WithEnvironment("Scop__Gateway__RateLimits__PerIp__PermitLimit", "6000");
                },
            }, CancellationToken.None);

        public async ValueTask DisposeAsync()
        {
            await browser.DisposeAsync();
            playwright.Dispose();
            Gateway.Dispose();
            await platform.DisposeAsync();
        }
    }
}

/// <summary>
/// The lanes of this project's tests: tests of one lane run one after another, the lanes side by side on the one
/// platform (a page mostly waits on the platform, so three browsers at once finish sooner than one after another).
/// Tests that would see each other's work share a lane. The first holds every sign-in of federation staff (the session
/// tests count theirs) and the reprise watch (the figures' tests count its opportunities); the second the Ambassades and
/// clubs (the targets' tests count them). The other tests go where they even out the lanes' times.
/// </summary>
public static class WebLanes
{
    public const string First = "web lane 1: federation staff and the reprise watch";

    public const string Second = "web lane 2: Ambassades and clubs";

    public const string Third = "web lane 3";
}

[CollectionDefinition(WebLanes.First)]
public sealed class FirstWebLane : ICollectionFixture<WebPlatform>;

[CollectionDefinition(WebLanes.Second)]
public sealed class SecondWebLane : ICollectionFixture<WebPlatform>;

[CollectionDefinition(WebLanes.Third)]
public sealed class ThirdWebLane : ICollectionFixture<WebPlatform>;
