using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.DataProtection;
using Scop.Aspire.Testing;
using StackExchange.Redis;

namespace Scop.Aspire.Web.Tests;

/// <summary>
/// Signing in through the identity service's real sign-in page, the session kept on the server (the browser holds no
/// token), its tokens refreshed before they expire, sign-out ending it at the identity service too, and what each role
/// may reach.
/// </summary>
[Collection(WebLanes.First)]
public sealed class SessionTests(WebPlatform platform)
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_member_signs_in_through_the_sign_in_page_and_the_browser_holds_no_token(bool phone)
    {
        await using var context = await platform.NewContextAsync(phone);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/espace"); // not signed in: sent to the sign-in page
        await page.WaitForURLAsync(url => url.Contains("/account/login", StringComparison.Ordinal));
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Réseau SCOP" })).ToBeVisibleAsync();
        await page.CheckAsync(platform, "sign-in-page");

        await page.GetByLabel("Identifiant").FillAsync("member");
        await page.GetByLabel("Mot de passe").FillAsync("not the password");
        await page.GetByRole(AriaRole.Button, new() { Name = "Se connecter" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("Identifiant ou mot de passe incorrect.");
        await page.CheckAsync(platform, "sign-in-error");

        await page.GetByLabel("Mot de passe").FillAsync(platform.Password("member"));
        await page.GetByRole(AriaRole.Button, new() { Name = "Se connecter" }).ClickAsync();
        await page.WaitForURLAsync("**/espace");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Bonjour Camille Coopératrice");
        await page.CheckAsync(platform, "space-member");

        var cookies = await context.CookiesAsync();
        Assert.Contains(cookies, c => c.Name == "scop.web" && c.HttpOnly);
        // No JWT anywhere: three base64url parts joined by dots, the first a JSON header. (Looking for « eyJ » alone
        // matched the identity service's encrypted cookie by chance now and then.)
        Assert.DoesNotContain(cookies, c => System.Text.RegularExpressions.Regex.IsMatch(Uri.UnescapeDataString(c.Value),
            @"eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*"));
        Assert.All(cookies.Where(c => c.Name == "scop.web"), c => Assert.True(c.Value.Length < 600, "the cookie names a session, it holds no tokens"));
    }

    [Fact]
    public async Task A_member_cannot_reach_staff_pages()
    {
        await using var context = await platform.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.SignInAsync(platform, "member", check: null);

        foreach (var staffPage in new[] { "/formation/catalogue", "/formation/fonds", "/region/cooperatives", "/partenaires", "/comptes" })
        {
            var response = await page.GotoAsync(staffPage);
            Assert.Equal((int)HttpStatusCode.Forbidden, response!.Status);
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Accès refusé");
        }

        await page.CheckAsync(platform, "access-denied");
    }

    [Fact]
    public async Task A_delegate_trying_another_regions_cooperative_by_its_address_sees_a_not_found_page()
    {
        var lyon = await RegisterInLyonAsync();
        await using var ouest = await platform.NewContextAsync();
        var page = await ouest.NewPageAsync();
        await page.SignInAsync(platform, "delegate-ouest", check: null);

        var response = await page.GotoAsync($"/region/cooperatives/{lyon.Id}");
        Assert.Equal((int)HttpStatusCode.NotFound, response!.Status);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Page introuvable");
        await Assertions.Expect(page.Locator("main")).Not.ToContainTextAsync(lyon.Name);

        await using var aura = await platform.NewContextAsync();
        var own = await aura.NewPageAsync();
        await own.SignInAsync(platform, "delegate-aura", check: null);
        await own.GotoAsync($"/region/cooperatives/{lyon.Id}");
        await Assertions.Expect(own.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync(lyon.Name);
    }

    [Fact]
    public async Task The_session_survives_a_token_refresh_and_sign_out_ends_it_at_the_identity_service_too()
    {
        // Other tests of this platform may have left sessions of the same person: this test's is the new one.
        var earlier = (await platform.SessionsOfAsync("Fanny Fédération")).Select(s => s.Key).ToHashSet();
        await using var context = await platform.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.SignInAsync(platform, "federation", check: null);
        await page.GotoAsync("/formation/catalogue");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Le catalogue de formation");

        // The access token is about to expire: the session's expiry is moved back, as fifteen minutes would.
        var before = Assert.Single(await platform.SessionsOfAsync("Fanny Fédération"), s => !earlier.Contains(s.Key));
        await platform.AgeAccessTokenAsync(before.Key);

        await page.GotoAsync("/formation/catalogue");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Le catalogue de formation");
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToHaveCountAsync(0);
        var after = Assert.Single(await platform.SessionsOfAsync("Fanny Fédération"), s => !earlier.Contains(s.Key));
        Assert.Equal(before.Key, after.Key); // the same session…
        Assert.NotEqual(before.Token("access_token"), after.Token("access_token")); // …with a new access token
        Assert.NotEqual(before.Token("refresh_token"), after.Token("refresh_token")); // and a rotated refresh token
        Assert.True(DateTimeOffset.Parse(after.Token("expires_at")!, CultureInfo.InvariantCulture) > DateTimeOffset.UtcNow.AddMinutes(5));

        await page.GetByRole(AriaRole.Button, new() { Name = "Se déconnecter" }).ClickAsync();
        await page.WaitForURLAsync(url => url.Contains("deconnexion=ok", StringComparison.Ordinal));
        await Assertions.Expect(page.GetByText("Vous êtes déconnecté·e.")).ToBeVisibleAsync();
        await page.CheckAsync(platform, "signed-out");

        Assert.DoesNotContain(await platform.SessionsOfAsync("Fanny Fédération"), s => s.Key == after.Key); // gone from the front-end…
        using var refresh = await CodeFlow.RefreshAsync(platform.Gateway, after.Token("refresh_token")!);
        Assert.True(refresh.IsError); // …and its refresh token is dead at the identity service
        await page.GotoAsync("/espace"); // and the identity service asks for the password again
        await page.WaitForURLAsync(url => url.Contains("/account/login", StringComparison.Ordinal));
    }

    private async Task<(Guid Id, string Name)> RegisterInLyonAsync()
    {
        var name = $"Atelier lyonnais {Guid.NewGuid():N}"[..30];
        using var browser = CodeFlow.NewBrowser(platform.Address);
        var tokens = await CodeFlow.SignInAsync(browser, "delegate-aura", platform.Password("delegate-aura"), "openid membership");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/membership/cooperatives")
        {
            Content = JsonContent.Create(new { name, siren = Siren.Next(), legalForm = "SCOP", communeCode = "69123", nafCode = "62.01Z" }),
        };
        request.Headers.Authorization = new("Bearer", tokens.AccessToken);
        using var response = await platform.Gateway.SendAsync(request);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return ((await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("id").GetGuid(), name);
    }
}
