using System.Net;
using System.Text.Json;
using Scop.Aspire.Membership.Tests.Support;
using Scop.Aspire.ServiceDefaults.Security;
using Scop.Aspire.Testing;

namespace Scop.Aspire.Membership.Tests;

[Collection(MembershipServersCollection.Name)]
public sealed class ListingTests(MembershipServers servers, MembershipAppPerClass perClass)
    : IClassFixture<MembershipAppPerClass>, IAsyncLifetime
{
    private MembershipApp app = null!;
    private HttpClient client = null!;

    public async Task InitializeAsync()
    {
        app = await perClass.GetAsync(servers);
        client = app.CreateClient(TestTokens.For(PlatformAudiences.Membership, PlatformRoles.ConfederationAdmin));
    }

    public Task DisposeAsync()
    {
        client.Dispose();
        return Task.CompletedTask;
    }

    [Theory]
    [InlineData("pageSize=0", "pageSize")]
    [InlineData("pageSize=101", "pageSize")]
    [InlineData("pageSize=-5", "pageSize")]
    [InlineData("page=0", "page")]
    [InlineData("legalForm=SARL", "legalForm")]
    public async Task Out_of_bounds_paging_and_unknown_filters_are_400(string query, string field)
    {
        using var response = await client.GetAsync($"/api/membership/cooperatives?{query}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.True((await response.ReadJsonAsync()).GetProperty("errors").TryGetProperty(field, out _));
    }

    [Theory]
    [InlineData("pageSize=1")]
    [InlineData("pageSize=100")]
    public async Task The_page_size_bounds_themselves_are_accepted(string query)
    {
        using var response = await client.GetAsync($"/api/membership/cooperatives?{query}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Page_two_continues_page_one_in_name_order()
    {
        var tag = Guid.NewGuid().ToString("N")[..12];
        var names = new[] { "E", "B", "D", "A", "C" }.Select(letter => $"Paging {tag} {letter}").ToList();
        foreach (var name in names)
        {
            using var created = await client.SendAsync(TestData.Post(TestData.Registration(name)));
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        var pages = new List<JsonElement>();
        for (var page = 1; page <= 3; page++)
        {
            using var response = await client.GetAsync($"/api/membership/cooperatives?name={tag}&pageSize=2&page={page}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            pages.Add(await response.ReadJsonAsync());
        }

        string[] Names(JsonElement page) =>
            page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("name").GetString()!).ToArray();
        Assert.Equal([$"Paging {tag} A", $"Paging {tag} B"], Names(pages[0]));
        Assert.Equal([$"Paging {tag} C", $"Paging {tag} D"], Names(pages[1]));
        Assert.Equal([$"Paging {tag} E"], Names(pages[2]));
        Assert.All(pages, p => Assert.Equal(5, p.GetProperty("totalCount").GetInt64()));
        Assert.True(pages[0].GetProperty("hasNextPage").GetBoolean());
        Assert.True(pages[1].GetProperty("hasNextPage").GetBoolean());
        Assert.False(pages[2].GetProperty("hasNextPage").GetBoolean());
        Assert.Equal(2, pages[1].GetProperty("page").GetInt32());
    }

    [Fact]
    public async Task A_page_past_the_last_is_empty_and_still_counts_the_matches()
    {
        var tag = Guid.NewGuid().ToString("N")[..12];
        foreach (var letter in new[] { "A", "B", "C" })
        {
            using var created = await client.SendAsync(TestData.Post(TestData.Registration($"Beyond {tag} {letter}")));
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        using var response = await client.GetAsync($"/api/membership/cooperatives?name={tag}&pageSize=2&page=7");

        var page = await response.ReadJsonAsync();
        Assert.Empty(page.GetProperty("items").EnumerateArray());
        Assert.Equal(3, page.GetProperty("totalCount").GetInt64());
        Assert.False(page.GetProperty("hasNextPage").GetBoolean());
    }

    [Fact]
    public async Task A_listed_cooperative_is_the_one_its_own_address_answers_etag_included()
    {
        var tag = Guid.NewGuid().ToString("N")[..12];
        using var created = await client.SendAsync(TestData.Post(TestData.Registration($"Same {tag}")));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        using var one = await client.GetAsync(created.Headers.Location);
        var expected = await one.ReadJsonAsync();

        using var listed = await client.GetAsync($"/api/membership/cooperatives?name={tag}");

        var item = Assert.Single((await listed.ReadJsonAsync()).GetProperty("items").EnumerateArray());
        Assert.Equal(expected.GetRawText(), item.GetRawText());
        Assert.Equal(one.Headers.ETag?.Tag, item.GetProperty("eTag").GetString());
    }

    [Fact]
    public async Task The_list_filters_by_legal_form_and_name_case_insensitively()
    {
        var tag = Guid.NewGuid().ToString("N")[..12];
        foreach (var (name, form) in new[] { ($"Filter {tag} Alpha", "SCOP"), ($"Filter {tag} Beta", "SCIC"), ($"Filter {tag} Gamma", "CAE") })
        {
            using var created = await client.SendAsync(TestData.Post(TestData.Registration(name, legalForm: form)));
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        using var scic = await client.GetAsync($"/api/membership/cooperatives?name={tag.ToUpperInvariant()}&legalForm=scic");
        var items = (await scic.ReadJsonAsync()).GetProperty("items").EnumerateArray().ToList();
        var only = Assert.Single(items);
        Assert.Equal($"Filter {tag} Beta", only.GetProperty("name").GetString());
        Assert.Equal("Scic", only.GetProperty("legalForm").GetString());
    }

    [Fact]
    public async Task Like_wildcards_in_the_name_filter_are_taken_literally()
    {
        var tag = Guid.NewGuid().ToString("N")[..12];
        using var created = await client.SendAsync(TestData.Post(TestData.Registration($"Wild {tag} 100% bio")));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        using var percent = await client.GetAsync($"/api/membership/cooperatives?name={Uri.EscapeDataString($"{tag} 100%")}");
        using var underscore = await client.GetAsync($"/api/membership/cooperatives?name={Uri.EscapeDataString($"{tag}_100")}");

        Assert.Single((await percent.ReadJsonAsync()).GetProperty("items").EnumerateArray());
        Assert.Empty((await underscore.ReadJsonAsync()).GetProperty("items").EnumerateArray());
    }
}
