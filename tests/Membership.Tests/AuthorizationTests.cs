using System.Net;
using System.Text.Json;
using Scop.Aspire.Membership.Tests.Support;
using Scop.Aspire.ServiceDefaults.Security;
using Scop.Aspire.Testing;

namespace Scop.Aspire.Membership.Tests;

/// <summary>
/// Who may do what in the register, through the service's real token validation: the role × endpoint matrix, the
/// regional scope of delegates and managers, and tokens that must be refused.
/// </summary>
[Collection(MembershipServersCollection.Name)]
public sealed class AuthorizationTests(MembershipServers servers, MembershipAppPerClass perClass)
    : IClassFixture<MembershipAppPerClass>, IAsyncLifetime
{
    private const string Aura = "urscop-aura"; // Lyon (69123) is in région 84, Auvergne-Rhône-Alpes
    private const string Ouest = "urscop-ouest"; // Rennes (35238) is in région 53, Bretagne

    private MembershipApp app = null!;
    private Guid lyonCooperative;
    private string lyonSiren = "";

    public async Task InitializeAsync()
    {
        app = await perClass.GetAsync(servers);
        using var admin = Client(Admin());
        (lyonCooperative, lyonSiren) = await RegisterAsync(admin, "69123");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>Each caller: the token they present (null: none).</summary>
    public static TheoryData<string> Callers() =>
        ["anonymous", "member", "manager-of-lyon-coop", "manager-of-another", "elected", "delegate-aura", "delegate-ouest",
            "federation", "confederation-admin", "partner"];

    // The matrix: caller → (register a cooperative in Lyon, read the Lyon cooperative, list the register).
    private static readonly Dictionary<string, (HttpStatusCode Register, HttpStatusCode Read, HttpStatusCode List)> Expected = new()
    {
        ["anonymous"] = (HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized),
        ["member"] = (HttpStatusCode.Forbidden, HttpStatusCode.Forbidden, HttpStatusCode.Forbidden),
        ["manager-of-lyon-coop"] = (HttpStatusCode.Forbidden, HttpStatusCode.OK, HttpStatusCode.OK),
        ["manager-of-another"] = (HttpStatusCode.Forbidden, HttpStatusCode.NotFound, HttpStatusCode.OK),
        ["elected"] = (HttpStatusCode.Forbidden, HttpStatusCode.Forbidden, HttpStatusCode.Forbidden),
        ["delegate-aura"] = (HttpStatusCode.Created, HttpStatusCode.OK, HttpStatusCode.OK),
        ["delegate-ouest"] = (HttpStatusCode.Forbidden, HttpStatusCode.NotFound, HttpStatusCode.OK),
        ["federation"] = (HttpStatusCode.Forbidden, HttpStatusCode.OK, HttpStatusCode.OK),
        ["confederation-admin"] = (HttpStatusCode.Created, HttpStatusCode.OK, HttpStatusCode.OK),
        ["partner"] = (HttpStatusCode.Forbidden, HttpStatusCode.Forbidden, HttpStatusCode.Forbidden),
    };

    [Theory]
    [MemberData(nameof(Callers))]
    public async Task Each_role_gets_what_the_matrix_says_on_each_endpoint(string caller)
    {
        var (register, read, list) = Expected[caller];
        using var client = Client(TokenOf(caller));

        var cooperativesBefore = await app.CountAsync("cooperatives");
        using var post = await client.SendAsync(TestData.Post(TestData.Registration(communeCode: "69123")));
        Assert.True(post.StatusCode == register, $"{caller} POST: {(int)post.StatusCode} {await post.Content.ReadAsStringAsync()}");
        Assert.Equal(cooperativesBefore + (register == HttpStatusCode.Created ? 1 : 0), await app.CountAsync("cooperatives"));
        if (register != HttpStatusCode.Created)
        {
            Assert.Equal("application/problem+json", post.Content.Headers.ContentType?.MediaType);
        }

        using var get = await client.GetAsync($"/api/membership/cooperatives/{lyonCooperative}");
        var getBody = await get.Content.ReadAsStringAsync();
        Assert.True(get.StatusCode == read, $"{caller} GET one: {(int)get.StatusCode} {getBody}");
        if (read != HttpStatusCode.OK)
        {
            Assert.DoesNotContain(lyonSiren, getBody); // never the data
        }

        using var all = await client.GetAsync("/api/membership/cooperatives?pageSize=100");
        var listBody = await all.Content.ReadAsStringAsync();
        Assert.True(all.StatusCode == list, $"{caller} GET list: {(int)all.StatusCode} {listBody}");
        if (list == HttpStatusCode.OK)
        {
            var seesLyon = listBody.Contains(lyonSiren, StringComparison.Ordinal);
            Assert.Equal(read == HttpStatusCode.OK, seesLyon);
        }
        else
        {
            Assert.DoesNotContain(lyonSiren, listBody);
        }
    }

    [Fact]
    public async Task A_delegate_never_reads_or_writes_another_regions_cooperatives()
    {
        using var admin = Client(Admin());
        var (rennesCooperative, rennesSiren) = await RegisterAsync(admin, "35238");
        using var aura = Client(Delegate(Aura));
        using var ouest = Client(Delegate(Ouest));

        // Reading: a 404 without data, the same answer as for a cooperative that does not exist.
        using var foreign = await ouest.GetAsync($"/api/membership/cooperatives/{lyonCooperative}");
        Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
        Assert.DoesNotContain(lyonSiren, await foreign.Content.ReadAsStringAsync());
        using var own = await ouest.GetAsync($"/api/membership/cooperatives/{rennesCooperative}");
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        Assert.Equal(Ouest, (await own.ReadJsonAsync()).GetProperty("regionalUnion").GetString());

        // Listing: only their region, whatever the filter asks.
        using var listed = await aura.GetAsync("/api/membership/cooperatives?pageSize=100");
        var items = (await listed.ReadJsonAsync()).GetProperty("items").EnumerateArray().ToList();
        Assert.NotEmpty(items);
        Assert.All(items, item => Assert.Equal(Aura, item.GetProperty("regionalUnion").GetString()));
        using var byName = await aura.GetAsync($"/api/membership/cooperatives?name={rennesSiren}");
        Assert.DoesNotContain(rennesSiren, await byName.Content.ReadAsStringAsync());

        // Writing: registering a cooperative of the other region is refused and writes nothing.
        var before = await app.CountWritesAsync();
        using var refused = await aura.SendAsync(TestData.Post(TestData.Registration(communeCode: "35238")));
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal(before, await app.CountWritesAsync());
        using var allowed = await ouest.SendAsync(TestData.Post(TestData.Registration(communeCode: "35238")));
        Assert.Equal(HttpStatusCode.Created, allowed.StatusCode);
    }

    [Fact]
    public async Task The_regional_union_is_derived_from_the_communes_region()
    {
        using var admin = Client(Admin());
        using var lyon = await admin.GetAsync($"/api/membership/cooperatives/{lyonCooperative}");
        Assert.Equal(Aura, (await lyon.ReadJsonAsync()).GetProperty("regionalUnion").GetString());
        Assert.Equal(Aura, await app.QueryScalarAsync<string>("SELECT regional_union FROM cooperatives WHERE id = @id", ("id", lyonCooperative)));

        // Marseille (13055, région 93) belongs to the PACA union.
        var (marseille, _) = await RegisterAsync(admin, "13055");
        Assert.Equal("urscop-paca", await app.QueryScalarAsync<string>("SELECT regional_union FROM cooperatives WHERE id = @id", ("id", marseille)));
    }

    public static TheoryData<string, string> RefusedTokens() => new()
    {
        { "tampered", TestTokens.Tampered(Admin()) },
        { "expired", TestTokens.Mint(PlatformAudiences.Membership, [PlatformRoles.ConfederationAdmin], expires: DateTime.UtcNow.AddMinutes(-5)) },
        { "wrong audience", TestTokens.Mint(PlatformAudiences.Portal, [PlatformRoles.ConfederationAdmin]) },
        { "wrong issuer", TestTokens.Mint(PlatformAudiences.Membership, [PlatformRoles.ConfederationAdmin], issuer: "https://elsewhere.example/") },
        { "signed with another key", TestTokens.Mint(PlatformAudiences.Membership, [PlatformRoles.ConfederationAdmin], key: TestTokens.ForeignKey) },
        { "not a token", "not-a-jwt" },
    };

    [Theory]
    [MemberData(nameof(RefusedTokens))]
    public async Task A_bad_token_is_a_401_problem_and_writes_nothing(string why, string token)
    {
        using var client = Client(token);
        var before = await app.CountWritesAsync();

        using var post = await client.SendAsync(TestData.Post(TestData.Registration(communeCode: "69123")));
        using var get = await client.GetAsync($"/api/membership/cooperatives/{lyonCooperative}");

        Assert.True(post.StatusCode == HttpStatusCode.Unauthorized, $"{why}: POST {(int)post.StatusCode}");
        Assert.True(get.StatusCode == HttpStatusCode.Unauthorized, $"{why}: GET {(int)get.StatusCode}");
        Assert.Equal("application/problem+json", get.Content.Headers.ContentType?.MediaType);
        Assert.Contains(get.Headers.WwwAuthenticate, h => h.Scheme == "Bearer");
        Assert.DoesNotContain(lyonSiren, await get.Content.ReadAsStringAsync());
        Assert.Equal(before, await app.CountWritesAsync());
    }

    [Fact]
    public async Task The_ping_and_the_api_document_stay_anonymous()
    {
        using var client = Client(null);
        using var ping = await client.GetAsync("/api/membership/ping");
        using var document = await client.GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, ping.StatusCode);
        Assert.Equal(HttpStatusCode.OK, document.StatusCode);
    }

    private HttpClient Client(string? token) => app.CreateClient(token);

    private static string Admin() => TestTokens.For(PlatformAudiences.Membership, PlatformRoles.ConfederationAdmin);

    private static string Delegate(string union) =>
        TestTokens.For(PlatformAudiences.Membership, PlatformRoles.Delegate, regionalUnion: union);

    private string? TokenOf(string caller) => caller switch
    {
        "anonymous" => null,
        "manager-of-lyon-coop" => TestTokens.For(PlatformAudiences.Membership, PlatformRoles.CooperativeManager, cooperativeId: lyonCooperative),
        "manager-of-another" => TestTokens.For(PlatformAudiences.Membership, PlatformRoles.CooperativeManager, cooperativeId: Guid.NewGuid()),
        "delegate-aura" => Delegate(Aura),
        "delegate-ouest" => Delegate(Ouest),
        "partner" => TestTokens.For(PlatformAudiences.Membership, PlatformRoles.Partner, clientId: "credit-cooperatif"),
        _ => TestTokens.For(PlatformAudiences.Membership, caller),
    };

    private static async Task<(Guid Id, string Siren)> RegisterAsync(HttpClient client, string communeCode)
    {
        var body = TestData.Registration(communeCode: communeCode);
        using var response = await client.SendAsync(TestData.Post(body));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, text);
        return (JsonDocument.Parse(text).RootElement.GetProperty("id").GetGuid(), body["siren"]!.GetValue<string>());
    }
}
