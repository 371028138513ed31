using Microsoft.Playwright;

namespace Scop.Aspire.Bench.Platform;

/// <summary>
/// Debian's Chromium (package <c>chromium</c>) driven by Playwright, which cannot download a browser of its own here:
/// headless, without sandbox (the tests run as root), GPU, updates or sync traffic. The browser tests and the
/// <c>web-pages</c> scenario launch it the same way.
/// </summary>
public static class DebianChromium
{
    public const string ExecutablePath = "/usr/bin/chromium";

    public static readonly string[] Arguments =
        ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

    /// <exception cref="InvalidOperationException">The package is not installed.</exception>
    public static Task<IBrowser> LaunchAsync(IPlaywright playwright)
    {
        if (!File.Exists(ExecutablePath))
        {
            throw new InvalidOperationException(
                $"{ExecutablePath} is missing: install Debian's chromium (scripts/prerequisites.sh does it for test.sh).");
        }

        return playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            Args = Arguments,
        });
    }
}
