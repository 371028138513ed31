using Deque.AxeCore.Playwright;
using Scop.Aspire.ServiceDefaults;

namespace Scop.Aspire.Web.Tests;

/// <summary>What every page visited by a test goes through: axe-core finds no serious or critical violation, and a
/// screenshot of the whole page is kept (TestResults/web/&lt;name&gt;-&lt;desktop|phone&gt;.png).</summary>
public static class PageChecks
{
    public static async Task CheckAsync(this IPage page, WebPlatform platform, string name)
    {
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        var size = page.ViewportSize is { Width: <= 400 } ? "phone" : "desktop";
        await page.ScreenshotAsync(new PageScreenshotOptions
        {
            Path = Path.Combine(platform.Artefacts, $"{name}-{size}.png"),
            FullPage = true,
        });
        var axe = await page.RunAxe();
        var serious = axe.Violations.Where(v => v.Impact is "serious" or "critical").ToList();
        Assert.True(serious.Count == 0, $"{name} ({size}) {page.Url}: " + string.Join("; ", serious.Select(v =>
            $"{v.Id} ({v.Impact}): {v.Help} at {string.Join(", ", v.Nodes.Select(n => string.Join(" ", n.Target)))}")));
        // Nothing wider than the screen: a phone never scrolls sideways (tables scroll inside their own box).
        var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - document.documentElement.clientWidth");
        Assert.True(overflow <= 0, $"{name} ({size}) is {overflow} px wider than the screen");
    }

    /// <summary>Signs in through the real sign-in page of the identity service, from the site's sign-in link.</summary>
    public static async Task SignInAsync(this IPage page, WebPlatform platform, string user, string? check = "sign-in", string? password = null)
    {
        await page.GotoAsync("/connexion");
        await page.WaitForURLAsync(url => url.Contains("/account/login", StringComparison.Ordinal));
        if (check is not null)
        {
            await page.CheckAsync(platform, check);
        }

        await page.GetByLabel("Identifiant").FillAsync(user);
        await page.GetByLabel("Mot de passe").FillAsync(password ?? platform.Password(user));
        await page.GetByRole(AriaRole.Button, new() { Name = "Se connecter" }).ClickAsync();
        await page.WaitForURLAsync(url => !url.Contains("/account/login", StringComparison.Ordinal)
                                          && !url.Contains("/signin-oidc", StringComparison.Ordinal));
    }
}

/// <summary>What the pages show, in their French, for a test to compare.</summary>
public static class Shown
{
    /// <summary>« 6 décembre 2026 ».</summary>
    public static string Date(DateOnly date) => date.ToString("d MMMM yyyy", System.Globalization.CultureInfo.GetCultureInfo("fr-FR"));

    /// <summary>« 1 600 »: a count as the pages say it.</summary>
    public static string Number(long value) => value.ToString("N0", System.Globalization.CultureInfo.GetCultureInfo("fr-FR"));

    /// <summary>« 30 000 € »: whole euros, as the reprise watch's pages say them.</summary>
    public static string Euros(long euros) => euros.ToString("C0", System.Globalization.CultureInfo.GetCultureInfo("fr-FR"));
}

/// <summary>The Congress training target as the services give it today, to check a page shows the same figure.</summary>
public static class TrainingTargets
{
    /// <summary>
    /// Checks that the first table's row <paramref name="line"/> (« Salarié·es et associé·es », « Dirigeant·es »)
    /// shows the target the public API gives for this year, in French. The target follows the register (5 % of the
    /// people it counts), which hires of earlier tests may still be feeding: the page is read again until both agree.
    /// </summary>
    public static async Task ExpectTargetShownAsync(this IPage page, WebPlatform platform, string line, string property)
    {
        var year = ParisCalendar.Today(TimeProvider.System).Year;
        var cell = page.GetByRole(AriaRole.Table).First.GetByRole(AriaRole.Row).Filter(new() { HasText = line })
            .GetByRole(AriaRole.Cell).Last;
        string expected = "", shown = "";
        for (var attempt = 0; attempt < 10; attempt++)
        {
            var targets = await System.Net.Http.Json.HttpClientJsonExtensions.GetFromJsonAsync<System.Text.Json.JsonElement>(
                platform.Gateway, $"/api/training/public/targets/{year}");
            expected = targets.GetProperty(property).GetProperty("target").GetInt32()
                .ToString("N0", System.Globalization.CultureInfo.GetCultureInfo("fr-FR"));
            shown = (await cell.InnerTextAsync()).Trim();
            if (shown == expected)
            {
                return;
            }

            await Task.Delay(500);
            await page.ReloadAsync();
        }

        Assert.Fail($"The page shows {shown} as the target of « {line} », the API {expected}.");
    }
}
