using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Duende.IdentityModel.Client;
using Scop.Aspire.Identity.Tests.Support;
using Scop.Aspire.ServiceDefaults.Security;

namespace Scop.Aspire.Identity.Tests;

/// <summary>The admin API: confederation admins only; a partner client's secret is shown once and stored hashed.</summary>
[Collection(IdentityServerCollection.Name)]
public sealed class AdminApiTests(IdentityServer server)
{
    private readonly OidcFlowTests flows = new(server);

    [Fact]
    public async Task Only_a_confederation_admin_may_create_users()
    {
        var (admin, _) = await flows.TokenForAsync("admin", "openid identity");
        var (delegateToken, _) = await flows.TokenForAsync("delegate-ouest", "openid identity");
        var body = new { userName = $"d-{Guid.NewGuid():N}"[..20], password = "A-long-enough-pass-42", roles = new[] { "delegate" }, regionalUnion = "urscop-hdf" };

        using var api = server.CreateBrowser();
        using var anonymous = await api.PostAsJsonAsync("/api/identity/users", body);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);

        api.DefaultRequestHeaders.Authorization = new("Bearer", delegateToken);
        using var forbidden = await api.PostAsJsonAsync("/api/identity/users", body);
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);

        api.DefaultRequestHeaders.Authorization = new("Bearer", admin);
        using var created = await api.PostAsJsonAsync("/api/identity/users", body);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var user = await created.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("urscop-hdf", user.GetProperty("regionalUnion").GetString());

        // A delegate without a regional union, or an unknown role, is a 400 naming the field.
        using var invalid = await api.PostAsJsonAsync("/api/identity/users",
            new { userName = "x-y", password = "A-long-enough-pass-42", roles = new[] { "delegate", "king" } });
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        var errors = (await invalid.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.True(errors.TryGetProperty("roles", out _));
        Assert.True(errors.TryGetProperty("regionalUnion", out _));

        // Roles can be changed: the new ones are in the user's next token.
        using var changed = await api.PutAsJsonAsync($"/api/identity/users/{user.GetProperty("id").GetString()}/roles",
            new { roles = new[] { "federation" } });
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.Equal(["federation"], (await changed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("roles")
            .EnumerateArray().Select(r => r.GetString()));
    }

    [Fact]
    public async Task A_registered_partner_client_gets_its_secret_once_stored_only_as_a_hash()
    {
        var (admin, _) = await flows.TokenForAsync("admin", "openid identity");
        using var api = server.CreateBrowser();
        api.DefaultRequestHeaders.Authorization = new("Bearer", admin);
        var clientId = $"bank-{Guid.NewGuid():N}"[..16];

        using var registered = await api.PostAsJsonAsync("/api/identity/clients",
            new { clientId, displayName = "Banque Test", scopes = new[] { PlatformAudiences.PartnerHooks } });
        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        var secret = (await registered.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("clientSecret").GetString()!;
        Assert.True(secret.Length >= 40);

        using var read = await api.GetAsync($"/api/identity/clients/{clientId}");
        var readBack = await read.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.DoesNotContain(secret, readBack);
        var stored = await server.QueryScalarAsync<string>(
            "SELECT client_secret FROM \"OpenIddictApplications\" WHERE client_id = @c", ("c", clientId));
        Assert.DoesNotContain(secret, stored);

        var discovery = await api.GetDiscoveryDocumentAsync(new DiscoveryDocumentRequest
        {
            Address = server.Issuer,
            Policy = new DiscoveryPolicy { RequireHttps = false },
        });
        var token = await api.RequestClientCredentialsTokenAsync(new ClientCredentialsTokenRequest
        {
            Address = discovery.TokenEndpoint,
            ClientId = clientId,
            ClientSecret = secret,
            Scope = PlatformAudiences.PartnerHooks,
        });
        Assert.False(token.IsError, token.Error);
    }
}
