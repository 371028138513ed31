using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Scop.Aspire.EndToEnd.Tests;

/// <summary>Real tokens from the identity service, the gateway's check, and the services' policies, together.</summary>
[Collection(PlatformCollection.Name)]
public sealed class AccessThroughTheGatewayTests(PlatformFixture platform)
{
    [Fact]
    public async Task Each_development_role_gets_its_answer_and_a_delegate_sees_only_their_region()
    {
        var admin = await PlatformTokens.SignInAsync(platform, "admin", "openid membership");
        var aura = await PlatformTokens.SignInAsync(platform, "delegate-aura", "openid membership");
        var ouest = await PlatformTokens.SignInAsync(platform, "delegate-ouest", "openid membership");
        var member = await PlatformTokens.SignInAsync(platform, "member", "openid membership");
        var partner = await PlatformTokens.ClientCredentialsAsync(platform, "credit-cooperatif", "membership");

        // A delegate of Auvergne-Rhône-Alpes registers a cooperative in Lyon.
        var siren = GatewayCalls.Siren();
        using var created = await platform.Gateway.SendAsync(Post(siren, "69123").WithToken(aura));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var location = created.Headers.Location!;

        // Who may read it.
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(Get(location).WithToken(admin)));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(Get(location).WithToken(aura)));
        using var foreign = await platform.Gateway.SendAsync(Get(location).WithToken(ouest));
        Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
        Assert.DoesNotContain(siren, await foreign.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(Get(location).WithToken(member)));
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(Get(location).WithToken(partner)));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(Get(location)));

        // Who may register in Lyon.
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(Post(GatewayCalls.Siren(), "69123").WithToken(ouest)));
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(Post(GatewayCalls.Siren(), "69123").WithToken(member)));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(Post(GatewayCalls.Siren(), "69123")));

        // The other delegate's list never holds it.
        using var list = await platform.Gateway.SendAsync(Get(new Uri("/api/membership/cooperatives?pageSize=100", UriKind.Relative)).WithToken(ouest));
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        Assert.DoesNotContain(siren, await list.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Discovery_through_the_gateway_names_the_gateway_as_issuer()
    {
        var document = await platform.Gateway.GetFromJsonAsync<JsonElement>("/.well-known/openid-configuration");
        Assert.Equal(platform.Gateway.BaseAddress!.ToString(), document.GetProperty("issuer").GetString());
        Assert.StartsWith(platform.Gateway.BaseAddress!.ToString(), document.GetProperty("token_endpoint").GetString());
    }

    private async Task<HttpStatusCode> StatusAsync(HttpRequestMessage request)
    {
        using (request)
        using (var response = await platform.Gateway.SendAsync(request))
        {
            return response.StatusCode;
        }
    }

    private static HttpRequestMessage Get(Uri location) => new(HttpMethod.Get, location);

    private static HttpRequestMessage Post(string siren, string communeCode) => new(HttpMethod.Post, "/api/membership/cooperatives")
    {
        Content = JsonContent.Create(new { name = $"Scop {siren}", siren, legalForm = "SCOP", communeCode, nafCode = "62.01Z" }),
    };
}
