using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Duende.IdentityModel.Client;
using Scop.Aspire.Identity.Tests.Support;
using Scop.Aspire.ServiceDefaults.Security;
using Scop.Aspire.Testing;
using Scop.Aspire.Testing.Access;
using static Scop.Aspire.Testing.Access.AccessRequests;

namespace Scop.Aspire.Identity.Tests;

/// <summary>
/// Every endpoint the identity service maps, against every kind of caller holding a real token of this service (its
/// own validation: the development users, a manager of another cooperative created for the test, a partner client
/// registered for the admin API's audience). The sign-in endpoints answer everyone alike; the admin API is the
/// confederation admins'.
/// </summary>
[Collection(IdentityServerCollection.Name)]
public sealed class AccessMatrixTests(IdentityServer server)
{
    private const string Scope = "openid identity";
    private readonly OidcFlowTests flows = new(server);

    [Fact]
    public async Task Every_mapped_endpoint_names_a_policy_and_answers_each_caller_as_the_matrix_says()
    {
        var (adminToken, _) = await flows.TokenForAsync("admin", Scope);
        using var admin = server.CreateBrowser();
        admin.DefaultRequestHeaders.Authorization = new("Bearer", adminToken);

        // A user and a partner client to read; a manager of another cooperative and a partner with this audience to call.
        var user = await CreateUserAsync(admin, PlatformRoles.Member);
        var otherManager = await CreateUserAsync(admin, PlatformRoles.CooperativeManager, Guid.NewGuid());
        var client = await HttpAnswers.ExpectAsync(admin.PostAsJsonAsync("/api/identity/clients",
            new { clientId = $"bank-{Guid.NewGuid():N}"[..16], displayName = "Banque Matrice", scopes = new[] { PlatformAudiences.Identity } }), 201);
        var clientId = client.GetProperty("clientId").GetString()!;
        var partner = await admin.RequestClientCredentialsTokenAsync(new ClientCredentialsTokenRequest
        {
            Address = "/connect/token",
            ClientId = clientId,
            ClientSecret = client.GetProperty("clientSecret").GetString()!,
            Scope = PlatformAudiences.Identity,
        });
        Assert.False(partner.IsError, partner.Error);

        var tokens = new Dictionary<Caller, string?>
        {
            [Caller.Anonymous] = null,
            [Caller.Member] = (await flows.TokenForAsync("member", Scope)).AccessToken,
            [Caller.TheMember] = (await flows.TokenForAsync(user.Name, Scope, user.Password)).AccessToken,
            [Caller.Manager] = (await flows.TokenForAsync("manager", Scope)).AccessToken,
            [Caller.OtherManager] = (await flows.TokenForAsync(otherManager.Name, Scope, otherManager.Password)).AccessToken,
            [Caller.Elected] = (await flows.TokenForAsync("elected", Scope)).AccessToken,
            [Caller.Delegate] = (await flows.TokenForAsync("delegate-aura", Scope)).AccessToken,
            [Caller.OtherDelegate] = (await flows.TokenForAsync("delegate-ouest", Scope)).AccessToken,
            [Caller.Federation] = (await flows.TokenForAsync("federation", Scope)).AccessToken,
            [Caller.Admin] = adminToken,
            [Caller.Partner] = partner.AccessToken,
        };

        var matrix = new AccessMatrix()
            //                                                            anon mem  self mgr  mgr2 elec dlg  dlg2 fed  adm  partner
            .Row("GET /api/identity/ping",                               "* 200", () => Get("/api/identity/ping"))
            .Row("* /health",                                            "* 200", () => Get("/health"))
            .Row("* /alive",                                             "* 200", () => Get("/alive"))
            .Row("GET /openapi/{documentName}.json",                     "* 200", () => Get("/openapi/v1.json"))
            // The sign-in and OpenID Connect endpoints are for everyone, and a bearer token changes nothing there: a
            // request without its parameters (a POST without its form) is refused as such; signing out needs none.
            .Row("GET /connect/authorize",                               "* 400", () => Get("/connect/authorize"))
            .Row("POST /connect/authorize",                              "* 400", () => Post("/connect/authorize"))
            .Row("POST /connect/token",                                  "* 400", () => Post("/connect/token"))
            .Row("GET /connect/logout",                                  "* 302", () => Get("/connect/logout"))
            .Row("POST /connect/logout",                                 "* 400", () => Post("/connect/logout"))
            .Row("GET /account/login",                                   "* 200", () => Get("/account/login?returnUrl=%2F"))
            .Row("POST /account/login",                                  "* 415", () => Post("/account/login"))
            .Row("GET /account/activate",                                "* 404", () => Get("/account/activate?token=" + new string('A', 43)))
            .Row("POST /account/activate",                               "* 415", () => Post("/account/activate"))
            .Row("GET /account/login.css",                               "* 200", () => Get("/account/login.css"))
            // Administration: users, roles and machine clients are the confederation admins'.
            .Row("POST /api/identity/users",                             "401  403  403  403  403  403  403  403  403  201  403",
                () => Post("/api/identity/users", JsonSerializer.Serialize(new
                {
                    userName = $"u-{Guid.NewGuid():N}"[..20], password = "A-long-enough-pass-42", roles = new[] { PlatformRoles.Member },
                })))
            .Row("GET /api/identity/users",                              "401  403  403  403  403  403  403  403  403  200  403",
                () => Get($"/api/identity/users?name={Uri.EscapeDataString(user.Name)}"), marker: user.Id)
            .Row("GET /api/identity/users/{id}",                         "401  403  403  403  403  403  403  403  403  200  403",
                () => Get($"/api/identity/users/{user.Id}"), marker: user.Name)
            .Row("PUT /api/identity/users/{id}/roles",                   "401  403  403  403  403  403  403  403  403  200  403",
                () => Put($"/api/identity/users/{user.Id}/roles", """{"roles":["member"]}"""))
            .Row("POST /api/identity/clients",                           "401  403  403  403  403  403  403  403  403  201  403",
                () => Post("/api/identity/clients", JsonSerializer.Serialize(new
                {
                    clientId = $"bank-{Guid.NewGuid():N}"[..16], displayName = "Banque", scopes = new[] { PlatformAudiences.PartnerHooks },
                })))
            .Row("GET /api/identity/clients/{clientId}",                 "401  403  403  403  403  403  403  403  403  200  403",
                () => Get($"/api/identity/clients/{clientId}"), marker: "Banque Matrice");

        matrix.AssertCoversEveryEndpoint(server.Services);
        using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false })
        {
            BaseAddress = server.Address,
        };
        await matrix.AssertOutcomesAsync(http, caller => Task.FromResult(tokens[caller]));
    }

    private sealed record NewUser(string Id, string Name, string Password);

    private static async Task<NewUser> CreateUserAsync(HttpClient admin, string role, Guid? cooperativeId = null)
    {
        var name = $"matrix-{Guid.NewGuid():N}"[..20];
        const string password = "A-long-enough-pass-42";
        var created = await HttpAnswers.ExpectAsync(admin.PostAsJsonAsync("/api/identity/users",
            new { userName = name, password, roles = new[] { role }, cooperativeId }), 201);
        return new NewUser(created.GetProperty("id").GetString()!, name, password);
    }
}
