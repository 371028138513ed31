using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Scop.Aspire.Testing;

namespace Scop.Aspire.Web.Tests;

/// <summary>
/// Confederation staff run the partners: register one, add its receiving endpoint (its secret shown once), test it,
/// change its secret, and after the receiver refused the events, enable it again and send every failed delivery anew,
/// following their progress.
/// </summary>
[Collection(WebLanes.Third)]
public sealed class PartnerJourneyTests(WebPlatform platform)
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task An_admin_registers_a_partner_and_its_endpoint_tests_it_rotates_its_secret_and_replays_what_failed(bool phone)
    {
        await using var receiver = await Receiver.StartAsync();
        await using var context = await platform.NewContextAsync(phone);
        var page = await context.NewPageAsync();
        await page.SignInAsync(platform, "admin", check: null);
        await page.CheckAsync(platform, "space-admin");

        await page.GotoAsync("/partenaires");
        await page.GetByRole(AriaRole.Button, new() { Name = "Enregistrer le partenaire" }).ClickAsync();
        await Assertions.Expect(page.Locator("#erreur-code")).ToBeVisibleAsync();
        await page.CheckAsync(platform, "partners-error");
        var code = $"banque-{Guid.NewGuid():N}"[..18];
        await page.GetByLabel("Code").FillAsync(code);
        await page.GetByLabel("Nom").FillAsync("Banque du Test");
        await page.GetByRole(AriaRole.Button, new() { Name = "Enregistrer le partenaire" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Banque du Test");

        await page.GetByLabel("Adresse (https)").FillAsync(receiver.Address);
        await page.GetByRole(AriaRole.Button, new() { Name = "Ajouter le point de réception" }).ClickAsync();
        await Assertions.Expect(page.Locator("code.secret")).ToContainTextAsync("whsec_");
        await page.CheckAsync(platform, "partner");
        await page.ReloadAsync();
        await Assertions.Expect(page.Locator("code.secret")).ToHaveCountAsync(0); // shown once, never again

        await page.GetByRole(AriaRole.Link, new() { Name = receiver.Address }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Envoyer un test" }).ClickAsync();
        await Assertions.Expect(page.GetByText("Le test est arrivé.")).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Changer le secret" }).ClickAsync();
        await Assertions.Expect(page.Locator("code.secret")).ToContainTextAsync("whsec_");
        await page.CheckAsync(platform, "endpoint");

        // The receiver says Gone: the next event fails and the endpoint is disabled.
        receiver.Status = StatusCodes.Status410Gone;
        await RegisterCooperativeAsync();
        var endpointPage = page.Url;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        do
        {
            await page.GotoAsync(endpointPage);
        }
        while (await page.GetByRole(AriaRole.Button, new() { Name = "Réactiver" }).CountAsync() == 0 && DateTime.UtcNow < deadline);
        receiver.Status = StatusCodes.Status200OK;
        await page.GetByRole(AriaRole.Button, new() { Name = "Réactiver" }).ClickAsync();
        await Assertions.Expect(page.GetByText("Le point de réception est réactivé.")).ToBeVisibleAsync();

        await page.GetByRole(AriaRole.Link, new() { Name = "Ses envois" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Table)).ToContainTextAsync("En échec");
        await page.GetByRole(AriaRole.Button, new() { Name = "Relancer", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "relancé" })).ToContainTextAsync("1 envoi(s) relancé(s)");
        await Assertions.Expect(page.Locator("progress")).ToHaveAttributeAsync("value", "1", new() { Timeout = 30_000 });
        await page.CheckAsync(platform, "deliveries");
        Assert.True(receiver.Received >= 3); // the test, the event refused, the event sent again
    }

    private async Task RegisterCooperativeAsync()
    {
        using var browser = CodeFlow.NewBrowser(platform.Address);
        var tokens = await CodeFlow.SignInAsync(browser, "delegate-aura", platform.Password("delegate-aura"), "openid membership");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/membership/cooperatives")
        {
            Content = JsonContent.Create(new { name = "Coopérative partenaire", siren = Siren.Next(), legalForm = "SCOP", communeCode = "69123", nafCode = "62.01Z" }),
        };
        request.Headers.Authorization = new("Bearer", tokens.AccessToken);
        using var response = await platform.Gateway.SendAsync(request);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
    }

    /// <summary>A partner's webhook receiver on 127.0.0.1, answering what the test says.</summary>
    private sealed class Receiver : IAsyncDisposable
    {
        private readonly WebApplication app;
        private int received;

        private Receiver(WebApplication app, string address)
        {
            this.app = app;
            Address = address;
        }

        public string Address { get; }

        public int Status { get; set; } = StatusCodes.Status200OK;

        public int Received => Volatile.Read(ref received);

        public static async Task<Receiver> StartAsync()
        {
            var port = Scop.Aspire.LocalServers.FreePorts.Next();
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
            var app = builder.Build();
            var receiver = new Receiver(app, $"http://127.0.0.1:{port}/hooks");
            app.MapPost("/hooks", () =>
            {
                Interlocked.Increment(ref receiver.received);
                return Results.StatusCode(receiver.Status);
            });
            await app.StartAsync();
            return receiver;
        }

        public async ValueTask DisposeAsync() => await app.DisposeAsync();
    }
}
