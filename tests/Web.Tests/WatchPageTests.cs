using Scop.Aspire.Contracts.RepriseWatch;

namespace Scop.Aspire.Web.Tests;

/// <summary>The watch page as the public reads it: the network's activity filtered by type and union, its Atom feed.</summary>
[Collection(WebLanes.First)]
public sealed class WatchPageTests(WebPlatform platform)
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_reader_filters_the_watch_by_type_and_union_and_finds_the_Atom_feed_of_it(bool phone)
    {
        var company = $"Menuiserie {Guid.NewGuid():N}"[..24];
        await platform.PublishAsync(new TakeoverOpportunityReported(Guid.NewGuid(), DateTimeOffset.UtcNow, Guid.NewGuid(), "urscop-aura",
            "69123", "43.32A", 14, "OwnerRetiring", "732829320", company));
        var title = $"{company} : une reprise par les salariés à l'étude";

        await using var context = await platform.NewContextAsync(phone);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/");
        await page.GetByRole(AriaRole.Link, new() { Name = "Veille", Exact = true }).First.ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("La veille du réseau");
        await page.GetByLabel("Type").SelectOptionAsync(new SelectOptionValue { Label = "Reprises à l'étude" });
        await page.GetByLabel("Union régionale").SelectOptionAsync(new SelectOptionValue { Label = "URSCOP Auvergne-Rhône-Alpes" });
        var deadline = DateTime.UtcNow.AddSeconds(20); // the feed is fed through RabbitMQ
        do
        {
            await page.GetByRole(AriaRole.Button, new() { Name = "Filtrer" }).ClickAsync();
            await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        }
        while (await page.GetByText(title).CountAsync() == 0 && DateTime.UtcNow < deadline);

        await Assertions.Expect(page.GetByText(title)).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "L'activité filtrée" })).ToBeVisibleAsync();
        var atom = page.GetByRole(AriaRole.Link, new() { Name = "Flux Atom de cette veille" });
        Assert.Equal("/api/portal/feed.atom?kind=takeover-reported&region=urscop-aura", await atom.GetAttributeAsync("href"));
        var feed = await page.APIRequest.GetAsync((await atom.GetAttributeAsync("href"))!);
        Assert.Equal(200, feed.Status);
        Assert.Contains(company, await feed.TextAsync());
        await page.CheckAsync(platform, "watch");

        // Another union's watch does not show it; a sector that is not a NAF division is said so, in French.
        await page.GetByLabel("Union régionale").SelectOptionAsync(new SelectOptionValue { Label = "URSCOP Ouest" });
        await page.GetByRole(AriaRole.Button, new() { Name = "Filtrer" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "L'activité filtrée" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText(title)).ToHaveCountAsync(0);
        await page.GotoAsync("/veille?secteur=ab");
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("division de la NAF");
    }
}
