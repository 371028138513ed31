using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Scop.Aspire.Portal.Features.Search;
using Scop.Aspire.Portal.Tests.Support;

namespace Scop.Aspire.Portal.Tests;

/// <summary>French full-text search on PostgreSQL: accents folded, plurals stemmed, typos corrected, title first, facets.</summary>
[Collection(PortalServersCollection.Name)]
public sealed class SearchTests(PortalServers servers, PortalAppPerClass perClass) : IClassFixture<PortalAppPerClass>, IAsyncLifetime
{
    private static readonly string Staff = PortalApp.StaffToken;
    private PortalApp app = null!;
    private HttpClient client = null!;

    public async Task InitializeAsync()
    {
        app = await perClass.GetAsync(servers);
        client = app.CreateClient();
    }

    public Task DisposeAsync()
    {
        client.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task A_search_matches_across_accents_and_plurals()
    {
        var site = await NewSiteAsync();
        await PublishAsync(site, "Une coopérative d'activité et d'emploi", "Elle accompagne les entrepreneurs salariés.");
        await PublishAsync(site, "Réseau", "Les cooperatives du reseau se rencontrent chaque annee.");
        await PublishAsync(site, "Hors sujet", "Rien à voir avec le sujet.");

        foreach (var query in new[] { "coopératives", "cooperatives", "COOPERATIVE", "coopérative" })
        {
            var results = await SearchAsync($"q={Uri.EscapeDataString(query)}&site={site}");
            Assert.True(results["totalCount"]!.GetValue<int>() == 2, $"{query}: {results.ToJsonString()}");
        }

        var accents = await SearchAsync($"q={Uri.EscapeDataString("reseau annee")}&site={site}");
        Assert.Equal(1, accents["totalCount"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_typo_still_finds_through_the_nearest_known_words()
    {
        var site = await NewSiteAsync();
        await PublishAsync(site, "La menuiserie reprise par ses salariés", "Vingt-deux emplois sauvés.");

        var results = await SearchAsync($"q=menuisrie&site={site}");

        Assert.Equal(1, results["totalCount"]!.GetValue<int>());
        var correction = Assert.Single(results["corrections"]!.AsArray());
        Assert.Equal("menuisrie", correction!["term"]!.GetValue<string>());
        Assert.Contains("menuiserie", correction["alternatives"]!.AsArray().Select(a => a!.GetValue<string>()));
    }

    [Fact]
    public async Task A_title_match_ranks_first_and_extracts_mark_the_matches()
    {
        var site = await NewSiteAsync();
        await PublishAsync(site, "Notre histoire", string.Join(" ", Enumerable.Repeat("La tonnellerie fabrique des tonneaux.", 30)));
        await PublishAsync(site, "La tonnellerie coopérative", "Un atelier de Cognac.");
        await PublishAsync(site, "Autre chose", "Les \"guillemets\" & la tonnellerie < 5 ans <script>alert(1)</script>.");

        var results = await SearchAsync($"q=tonnelleries&site={site}");

        var items = results["items"]!.AsArray();
        Assert.Equal(3, items.Count);
        Assert.Equal("La <mark>tonnellerie</mark> coopérative", items[0]!["title"]!.GetValue<string>());
        Assert.Equal("Notre histoire", items[1]!["title"]!.GetValue<string>()); // thirty mentions outrank one
        Assert.Contains("<mark>tonnellerie</mark>", items[1]!["extract"]!.GetValue<string>());
        var escaped = items[2]!["extract"]!.GetValue<string>();
        Assert.True(escaped.Contains("guillemets&quot; &amp; la <mark>tonnellerie</mark>", StringComparison.Ordinal), escaped);
        Assert.DoesNotContain("<", escaped.Replace("<mark>", "").Replace("</mark>", ""));
    }

    [Fact]
    public async Task A_long_text_is_quoted_around_its_matches_and_a_title_match_alone_quotes_its_beginning()
    {
        var site = await NewSiteAsync();
        var filler = string.Join(" ", Enumerable.Range(1, 100).Select(n => $"mot{n}"));
        await PublishAsync(site, "Rapport annuel", $"Début du rapport. {filler} La sérigraphie ouvre. {filler} Les sérigraphies ferment. {filler}");
        await PublishAsync(site, "La sérigraphie du quartier", $"Début du texte. {filler}");

        var items = (await SearchAsync($"q=serigraphie&site={site}"))["items"]!.AsArray();

        Assert.Equal("La <mark>sérigraphie</mark> du quartier", items[0]!["title"]!.GetValue<string>());
        Assert.StartsWith("Début du texte. mot1 mot2", items[0]!["extract"]!.GetValue<string>());
        var fragments = items[1]!["extract"]!.GetValue<string>().Split(" … ");
        Assert.Equal(2, fragments.Length);
        Assert.Contains("La <mark>sérigraphie</mark> ouvre", fragments[0]);
        Assert.Contains("Les <mark>sérigraphies</mark> ferment", fragments[1]);
        Assert.DoesNotContain("Début du rapport", fragments[0]);
    }

    [Fact]
    public async Task Facets_count_every_match_and_filters_narrow_them()
    {
        var site = await NewSiteAsync();
        var other = await NewSiteAsync();
        await PublishAsync(site, "Boulangerie à Lyon", "Le pain.", kind: "experience-sheet", region: "urscop-aura", sector: "10", theme: "transmission");
        await PublishAsync(site, "Boulangerie à Rennes", "Le pain.", kind: "experience-sheet", region: "urscop-ouest", sector: "10", theme: "transmission");
        await PublishAsync(other, "Boulangerie : actualité", "Le pain.", region: "urscop-ouest");
        var draft = await client.CreateItemAsync(other, Staff, "Boulangerie en brouillon");

        var all = await SearchAsync("q=boulangerie&sector=10");
        var everywhere = await SearchAsync($"q=boulangerie&region=urscop-ouest");

        Assert.Equal(2, all["totalCount"]!.GetValue<int>());
        Assert.Equal(2, Count(all, "kind", "experience-sheet"));
        Assert.Equal(1, Count(all, "region", "urscop-aura"));
        Assert.Equal(1, Count(all, "region", "urscop-ouest"));
        Assert.Equal(2, Count(all, "theme", "transmission"));
        Assert.Equal(2, Count(all, "site", site));
        Assert.True(everywhere["totalCount"]!.GetValue<int>() >= 2);
        Assert.Equal(1, Count(everywhere, "site", other));
        Assert.DoesNotContain(draft["slug"]!.GetValue<string>(), everywhere.ToJsonString());
        Assert.Equal(1, (await SearchAsync($"q=boulangerie&site={other}"))["totalCount"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_search_sees_every_change_acknowledged_before_it()
    {
        var site = await NewSiteAsync();
        var item = await PublishAsync(site, "La verrerie ouvrière", "Des souffleurs de verre.");
        Assert.Equal(1, await TotalAsync($"q=verrerie&site={site}"));

        (await client.PostJsonAsync($"/api/portal/items/{item["id"]}/unpublish", new { }, Staff)).Expect(HttpStatusCode.OK);
        Assert.Equal(0, await TotalAsync($"q=verreries&site={site}"));
        await client.PublishAsync(item, Staff);
        Assert.Equal(1, await TotalAsync($"q=verrerie+ouvriere&site={site}"));

        (await client.PostJsonAsync($"/api/portal/sites/{site}/close", new { }, Staff)).Expect(HttpStatusCode.NoContent);
        Assert.Equal(0, await TotalAsync("q=verrerie+ouvrieres"));
        (await client.PostJsonAsync($"/api/portal/sites/{site}/reopen", new { }, Staff)).Expect(HttpStatusCode.NoContent);
        Assert.Equal(1, await TotalAsync($"q=verreries+ouvrieres&site={site}"));
    }

    [Fact]
    public async Task A_change_committed_after_a_later_one_is_still_found()
    {
        var site = await NewSiteAsync();
        var early = await PublishAsync(site, "La verrerie du port", "Des bouteilles.");
        await using var slow = new NpgsqlConnection(app.DatabaseConnectionString);
        await slow.OpenAsync();
        await using var transaction = await slow.BeginTransactionAsync();
        await using (var rename = new NpgsqlCommand("UPDATE items SET title = 'La cristallerie du port' WHERE id = @id", slow, transaction))
        {
            rename.Parameters.AddWithValue("id", Guid.Parse(early["id"]!.GetValue<string>()));
            await rename.ExecuteNonQueryAsync();
        }

        // Begun after the rename, acknowledged before it commits: the index reads it while the rename is still running.
        await PublishAsync(site, "Cristallerie du Nord", "Des verres.");
        Assert.Equal(1, await TotalAsync($"q=cristallerie&site={site}"));
        await transaction.CommitAsync();

        Assert.Equal(2, await TotalAsync($"q=cristalleries&site={site}"));
    }

    [Fact]
    public async Task An_index_compacting_after_every_change_answers_as_the_service_does()
    {
        var site = await NewSiteAsync();
        var items = new List<JsonNode>();
        foreach (var town in new[] { "Lyon", "Nantes", "Rennes", "Lille" })
        {
            items.Add(await PublishAsync(site, $"Imprimerie de {town}", $"Une imprimerie coopérative à {town}.", theme: $"t-{town}"));
        }

        var compacting = new SearchIndex(app.Services.GetRequiredService<NpgsqlDataSource>(), NullLogger<SearchIndex>.Instance,
            compactAfterDeadSlots: 1);
        await compacting.RefreshAsync(CancellationToken.None);
        foreach (var item in items.Take(2))
        {
            (await client.PostJsonAsync($"/api/portal/items/{item["id"]}/unpublish", new { }, Staff)).Expect(HttpStatusCode.OK);
        }

        await client.PublishAsync(items[0], Staff);
        await compacting.RefreshAsync(CancellationToken.None);

        var found = compacting.Search([[["imprimer"]]], new IndexFilters(site, null, null, null, null), 0, 10);
        var service = await SearchAsync($"q=imprimeries&site={site}");
        Assert.Equal(3, found.Total);
        Assert.Equal(service["totalCount"]!.GetValue<long>(), found.Total);
        Assert.Equal(new[] { "t-Lille", "t-Lyon", "t-Rennes" }, found.Facets["theme"].Select(f => f.Value).Order());
        Assert.Equal(service["items"]!.AsArray().Select(i => i!["slug"]!.GetValue<string>()).Order(),
            items.Where((_, n) => n != 1).Select(i => i["slug"]!.GetValue<string>()).Order());
    }

    [Theory]
    [InlineData("", "q")]
    [InlineData("q=%20%20", "q")]
    [InlineData("q=!!!", "q")]
    [InlineData("q=pain&kind=roman", "kind")]
    [InlineData("q=pain&pageSize=101", "pageSize")]
    public async Task A_bad_query_is_a_400_naming_it(string query, string field)
    {
        var answer = await client.ReadAsync($"/api/portal/search?{query}");

        Assert.Contains(field, answer.Expect(HttpStatusCode.BadRequest).ErrorFields);
    }

    private static long Count(JsonNode results, string facet, string value) =>
        results["facets"]![facet]!.AsArray().SingleOrDefault(f => f!["value"]!.GetValue<string>() == value)?["count"]!.GetValue<long>() ?? 0;

    private async Task<long> TotalAsync(string query) => (await SearchAsync(query))["totalCount"]!.GetValue<long>();

    private async Task<JsonNode> SearchAsync(string query) =>
        (await client.ReadAsync($"/api/portal/search?{query}")).Expect(HttpStatusCode.OK).Body;

    private async Task<string> NewSiteAsync()
    {
        var slug = $"partenaire-{Guid.NewGuid():N}";
        (await client.PostJsonAsync("/api/portal/sites", new { kind = "partner", name = slug, slug }, Staff)).Expect(HttpStatusCode.Created);
        return slug;
    }

    private async Task<JsonNode> PublishAsync(string site, string title, string body, string kind = "news", string? region = null,
        string? sector = null, string? theme = null)
    {
        object extra = kind == "experience-sheet"
            ? new { region, sector, theme, sheet = new { problem = "p", whatWasDone = "w", results = "r", contact = "c" } }
            : new { region, sector, theme };
        var item = await client.CreateItemAsync(site, Staff, title, body, kind, extra);
        await client.PublishAsync(item, Staff);
        return item;
    }
}
