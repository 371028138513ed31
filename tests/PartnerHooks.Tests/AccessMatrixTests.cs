using Scop.Aspire.PartnerHooks.Tests.Support;
using Scop.Aspire.ServiceDefaults.Security;
using Scop.Aspire.Testing;
using Scop.Aspire.Testing.Access;
using static Scop.Aspire.Testing.Access.AccessRequests;

namespace Scop.Aspire.PartnerHooks.Tests;

/// <summary>
/// Every endpoint partner-hooks maps, against every kind of caller, through its real token validation: the
/// confederation's admins run partners, endpoints and deliveries; nobody else, a partner's own client included.
/// </summary>
[Collection(PartnerHooksCollection.Name)]
public sealed class AccessMatrixTests(PartnerHooksServers servers) : IAsyncLifetime
{
    private const string Api = "/api/partner-hooks";
    private PartnerHooksApp app = null!;

    public async Task InitializeAsync() => app = await PartnerHooksApp.StartAsync(servers);

    public async Task DisposeAsync() => await app.DisposeAsync();

    [Fact]
    public async Task Every_mapped_endpoint_names_a_policy_and_answers_each_caller_as_the_matrix_says()
    {
        var receiver = Guid.NewGuid().ToString("N");
        servers.Receiver.Set(receiver, ReceiverMode.Ok);
        var url = servers.Receiver.UrlOf(receiver);
        var (partner, code) = await app.CreatePartnerAsync();
        var (endpoint, secret) = await app.CreateEndpointAsync(partner, url);
        servers.Receiver.TrustSecrets(receiver, secret);
        var joined = PartnerHooksApp.NewCooperativeJoined();
        await app.PublishAsync(joined);
        var delivery = (await Eventually.HoldsAsync(() => app.DeliveriesAsync(endpoint), d => d.Length == 1,
            TimeSpan.FromSeconds(20), "the event became a delivery"))[0].GetProperty("id").GetGuid();
        var subject = new AccessSubject(joined.CooperativeId, "urscop-aura");

        var matrix = new AccessMatrix()
            //                                                            anon mem  self mgr  mgr2 elec dlg  dlg2 fed  adm  partner
            .Row("GET /api/partner-hooks/ping",                          "* 200", () => Get($"{Api}/ping"))
            .Row("* /health",                                            "* 200", () => Get("/health"))
            .Row("* /alive",                                             "* 200", () => Get("/alive"))
            .Row("GET /openapi/{documentName}.json",                     "* 200", () => Get("/openapi/v1.json"))
            .Row("POST /api/partner-hooks/partners/",                    "401  403  403  403  403  403  403  403  403  201  403",
                () => Post($"{Api}/partners", $$"""{"code":"{{$"bank-{Guid.NewGuid():N}"[..20]}}","name":"Banque"}"""))
            .Row("GET /api/partner-hooks/partners/",                     "401  403  403  403  403  403  403  403  403  200  403",
                () => Get($"{Api}/partners?pageSize=100"), marker: code)
            .Row("GET /api/partner-hooks/partners/{id:guid}",            "401  403  403  403  403  403  403  403  403  200  403",
                () => Get($"{Api}/partners/{partner}"), marker: code)
            .Row("POST /api/partner-hooks/partners/{partnerId:guid}/endpoints",
                                                                         "401  403  403  403  403  403  403  403  403  201  403",
                () => Post($"{Api}/partners/{partner}/endpoints", $$"""{"url":"{{url}}","eventTypes":["scop.membership.cooperative.joined"]}"""))
            .Row("GET /api/partner-hooks/endpoints/{id:guid}",           "401  403  403  403  403  403  403  403  403  200  403",
                () => Get($"{Api}/endpoints/{endpoint}"), marker: url)
            .Row("POST /api/partner-hooks/endpoints/{id:guid}/secret/rotate",
                                                                         "401  403  403  403  403  403  403  403  403  200  403",
                () => Post($"{Api}/endpoints/{endpoint}/secret/rotate", """{"overlapMinutes":60}"""))
            .Row("POST /api/partner-hooks/endpoints/{id:guid}/enable",   "401  403  403  403  403  403  403  403  403  200  403",
                () => Post($"{Api}/endpoints/{endpoint}/enable"))
            .Row("GET /api/partner-hooks/endpoints/{id:guid}/health",    "401  403  403  403  403  403  403  403  403  200  403",
                () => Get($"{Api}/endpoints/{endpoint}/health"))
            .Row("POST /api/partner-hooks/endpoints/{id:guid}/ping",     "401  403  403  403  403  403  403  403  403  200  403",
                () => Post($"{Api}/endpoints/{endpoint}/ping"))
            .Row("GET /api/partner-hooks/deliveries/",                   "401  403  403  403  403  403  403  403  403  200  403",
                () => Get($"{Api}/deliveries?endpointId={endpoint}&pageSize=100"), marker: joined.EventId.ToString())
            .Row("GET /api/partner-hooks/deliveries/{id:guid}",          "401  403  403  403  403  403  403  403  403  200  403",
                () => Get($"{Api}/deliveries/{delivery}"), marker: joined.EventId.ToString())
            .Row("POST /api/partner-hooks/deliveries/{id:guid}/replay",  "401  403  403  403  403  403  403  403  403  202  403",
                () => Post($"{Api}/deliveries/{delivery}/replay"))
            .Row("POST /api/partner-hooks/deliveries/replay",            "401  403  403  403  403  403  403  403  403  202  403",
                () => Post($"{Api}/deliveries/replay", $$"""{"since":"{{DateTimeOffset.UtcNow.AddDays(-1):O}}"}"""));

        matrix.AssertCoversEveryEndpoint(app.Services);
        using var client = app.CreateClient(token: null);
        await matrix.AssertOutcomesAsync(client, caller => Task.FromResult(AccessCallers.TokenOf(caller, PlatformAudiences.PartnerHooks, subject)));
    }
}
