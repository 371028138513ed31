using Scop.Aspire.Portal.Tests.Support;
using Scop.Aspire.ServiceDefaults.Security;
using Scop.Aspire.Testing.Access;
using static Scop.Aspire.Testing.Access.AccessRequests;

namespace Scop.Aspire.Portal.Tests;

/// <summary>
/// Every endpoint the portal maps, against every kind of caller: the network's feed is public, as are the probes, the
/// ping and the API document.
/// </summary>
[Collection(PortalServersCollection.Name)]
public sealed class AccessMatrixTests(PortalServers servers, PortalAppPerClass perClass) : IClassFixture<PortalAppPerClass>
{
    [Fact]
    public async Task Every_mapped_endpoint_names_a_policy_and_answers_each_caller_as_the_matrix_says()
    {
        var app = await perClass.GetAsync(servers);
        using var client = app.CreateClient();
        var joined = Feed.Joined(name: $"Scop {Guid.NewGuid():N}");
        await app.PublishAsync(joined);
        await Feed.EventuallyAsync(() => client.GetPageAsync(limit: 100), p => p.Items.Any(i => i.SubjectId == joined.CooperativeId),
            "the new cooperative in the feed");
        var subject = new AccessSubject(joined.CooperativeId, "urscop-aura");

        var matrix = new AccessMatrix()
            //                                                            anon mem  self mgr  mgr2 elec dlg  dlg2 fed  adm  partner
            .Row("GET /api/portal/ping",                                 "* 200", () => Get("/api/portal/ping"))
            .Row("* /health",                                            "* 200", () => Get("/health"))
            .Row("* /alive",                                             "* 200", () => Get("/alive"))
            .Row("GET /openapi/{documentName}.json",                     "* 200", () => Get("/openapi/v1.json"))
            .Row("GET /api/portal/feed",                                 "* 200", () => Get("/api/portal/feed?limit=100"), marker: joined.Name);

        matrix.AssertCoversEveryEndpoint(app.Services);
        await matrix.AssertOutcomesAsync(client, caller => Task.FromResult(AccessCallers.TokenOf(caller, PlatformAudiences.Portal, subject)));
    }
}
