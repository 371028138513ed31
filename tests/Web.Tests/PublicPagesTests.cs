using System.Net;
using System.Net.Http.Json;
using Scop.Aspire.Testing;

namespace Scop.Aspire.Web.Tests;

/// <summary>The public pages, as an anonymous visitor sees them through the gateway, at a desktop's size and a phone's.</summary>
[Collection(WebLanes.Third)]
public sealed class PublicPagesTests(WebPlatform platform)
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_cooperative_that_joins_appears_in_the_feed_and_its_public_card_says_what_is_public(bool phone)
    {
        var name = $"Coopérative des Tisserands {Guid.NewGuid():N}"[..40];
        var siren = Siren.Next();
        var id = await RegisterAsync(name, siren, phone ? "SCIC" : "SCOP");

        await using var context = await platform.NewContextAsync(phone);
        var page = await context.NewPageAsync();
        var link = page.GetByRole(AriaRole.Link, new() { Name = $"{name} ({(phone ? "SCIC" : "SCOP")}) rejoint le mouvement" });
        var deadline = DateTime.UtcNow.AddSeconds(20); // the feed is fed through RabbitMQ
        do
        {
            await page.GotoAsync("/");
        }
        while (await link.CountAsync() == 0 && DateTime.UtcNow < deadline);
        await page.CheckAsync(platform, "home");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Le réseau des coopératives de travail");

        await link.ClickAsync();
        await page.WaitForURLAsync($"**/cooperatives/{id}");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync(name);
        await Assertions.Expect(page.Locator("dl.facts")).ToContainTextAsync("Lyon");
        await Assertions.Expect(page.Locator("dl.facts")).ToContainTextAsync("Auvergne-Rhône-Alpes");
        await Assertions.Expect(page.GetByText("Non adhérente à ce jour")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("main")).Not.ToContainTextAsync(siren); // no SIREN on the public card
        await page.CheckAsync(platform, "cooperative-card");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_Congress_figures_show_the_training_target_as_a_chart_and_as_a_table(bool phone)
    {
        await using var context = await platform.NewContextAsync(phone);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/chiffres");

        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Les chiffres du Congrès");
        await Assertions.Expect(page.Locator("svg.chart").First).ToBeVisibleAsync();
        var table = page.GetByRole(AriaRole.Table).First;
        await Assertions.Expect(table).ToContainTextAsync("Dirigeant·es");
        // The yearly targets, in French, as training computes them from the register.
        await page.ExpectTargetShownAsync(platform, "Salarié·es et associé·es", "employees");
        await page.ExpectTargetShownAsync(platform, "Dirigeant·es", "managers");
        // Every target of the Congress, from the portal's dashboard: the Ambassades against 200, the clubs against 50; the
        // worker-members, which no service publishes yet, without a number.
        var congress = page.Locator("#objectifs-congres");
        await Assertions.Expect(congress.Locator("tr", new() { HasText = "SCOP Ambassades labellisées" })).ToContainTextAsync("200");
        await Assertions.Expect(congress.Locator("tr", new() { HasText = "Clubs inter-SCOP" })).ToContainTextAsync("50");
        await Assertions.Expect(congress.Locator("tr", new() { HasText = "Coopérateurs et coopératrices" })).ToContainTextAsync("Pas encore publié");
        var months = page.GetByRole(AriaRole.Table, new() { Name = "SCOP Ambassades labellisées, mois par mois", Exact = false });
        await Assertions.Expect(months).ToBeHiddenAsync(); // folded until asked for
        await page.Locator("summary", new() { HasText = "SCOP Ambassades labellisées, mois par mois" }).ClickAsync();
        await Assertions.Expect(months).ToBeVisibleAsync();
        await Assertions.Expect(months).ToContainTextAsync("décembre");
        await page.CheckAsync(platform, "figures");
    }

    [Fact]
    public async Task An_unknown_cooperative_is_a_not_found_page_with_a_404()
    {
        await using var context = await platform.NewContextAsync();
        var page = await context.NewPageAsync();
        var response = await page.GotoAsync($"/cooperatives/{Guid.NewGuid()}");

        Assert.Equal((int)HttpStatusCode.NotFound, response!.Status);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Page introuvable");
        await page.CheckAsync(platform, "not-found");
    }

    [Fact]
    public async Task Pages_come_with_a_content_security_policy_and_are_installable()
    {
        using var home = await platform.Gateway.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, home.StatusCode);
        var policy = string.Join(" ", home.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("script-src 'self'", policy);
        Assert.Contains("frame-ancestors 'none'", policy);
        Assert.DoesNotContain("unsafe", policy);
        // The gateway gives the site's route its policy; an API answer keeps the strictest one.
        using var api = await platform.Gateway.GetAsync("/api/portal/feed");
        Assert.Equal("default-src 'none'; frame-ancestors 'none'", string.Join(" ", api.Headers.GetValues("Content-Security-Policy")));
        var html = await home.Content.ReadAsStringAsync();
        Assert.Contains("rel=\"manifest\"", html);

        var manifest = await platform.Gateway.GetFromJsonAsync<System.Text.Json.JsonElement>("/manifest.webmanifest");
        Assert.Equal("Réseau SCOP", manifest.GetProperty("name").GetString());
        using var worker = await platform.Gateway.GetAsync("/sw.js");
        Assert.Equal(HttpStatusCode.OK, worker.StatusCode);
        Assert.Contains("offline.html", await worker.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Offline_the_installed_site_shows_its_offline_page()
    {
        await using var context = await platform.NewContextAsync(phone: true);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/");
        await page.EvaluateAsync("() => navigator.serviceWorker.ready");
        await page.ReloadAsync(); // now controlled by the service worker

        await context.SetOfflineAsync(true);
        await page.GotoAsync("/chiffres");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Vous êtes hors connexion");
        // In the site's looks: its stylesheet came from the worker's cache too (the header bar is laid out by it).
        Assert.Equal("flex", await page.EvaluateAsync<string>("() => getComputedStyle(document.querySelector('.header-bar')).display"));
        await context.SetOfflineAsync(false);
    }

    /// <summary>Registers a cooperative in Lyon through the API, as the development delegate of the region.</summary>
    private async Task<Guid> RegisterAsync(string name, string siren, string legalForm)
    {
        using var browser = CodeFlow.NewBrowser(platform.Address);
        var tokens = await CodeFlow.SignInAsync(browser, "delegate-aura", platform.Password("delegate-aura"), "openid membership");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/membership/cooperatives")
        {
            Content = JsonContent.Create(new { name, siren, legalForm, communeCode = "69123", nafCode = "13.20Z" }),
        };
        request.Headers.Authorization = new("Bearer", tokens.AccessToken);
        using var response = await platform.Gateway.SendAsync(request);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("id").GetGuid();
    }
}

/// <summary>Valid SIRENs (Luhn key), a different one each time.</summary>
public static class Siren
{
    private static int next = Random.Shared.Next(10_000_000, 90_000_000);

    public static string Next()
    {
        var body = Interlocked.Increment(ref next).ToString("D8");
        for (var key = 0; key < 10; key++)
        {
            var candidate = body + key;
            if (Luhn(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("unreachable: one key digit always completes a Luhn number");
    }

    private static bool Luhn(string digits)
    {
        var sum = 0;
        for (var i = 0; i < digits.Length; i++)
        {
            var d = digits[digits.Length - 1 - i] - '0';
            if (i % 2 == 1)
            {
                d *= 2;
                if (d > 9) d -= 9;
            }

            sum += d;
        }

        return sum % 10 == 0;
    }
}
