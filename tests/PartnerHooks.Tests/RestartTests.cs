using Scop.Aspire.PartnerHooks.Tests.Support;
using Scop.Aspire.Testing;

namespace Scop.Aspire.PartnerHooks.Tests;

[Collection(PartnerHooksCollection.Name)]
public sealed class RestartTests(PartnerHooksServers servers)
{
    [Fact]
    public async Task A_restart_mid_retry_loses_nothing_the_new_process_makes_the_pending_delivery()
    {
        var database = await servers.Postgres.CreateDatabaseAsync();
        var name = Guid.NewGuid().ToString("N");
        servers.Receiver.Set(name, ReceiverMode.Down);
        var joined = PartnerHooksApp.NewCooperativeJoined();
        Guid endpointId;

        await using (var first = await PartnerHooksApp.StartAsync(servers, database))
        {
            var (partnerId, _) = await first.CreatePartnerAsync();
            (endpointId, var secret) = await first.CreateEndpointAsync(partnerId, servers.Receiver.UrlOf(name));
            servers.Receiver.TrustSecrets(name, secret);
            await first.PublishAsync(joined);
            await Eventually.HoldsAsync(() => first.DeliveriesAsync(endpointId),
                d => d.Length == 1 && d[0].GetProperty("attemptCount").GetInt32() == 1, TimeSpan.FromSeconds(15), "a first, failed attempt");
        } // the process stops while the delivery waits for its retry

        servers.Receiver.Set(name, ReceiverMode.Ok);
        await using var second = await PartnerHooksApp.StartAsync(servers, database);
        await Eventually.HoldsAsync(() => servers.Receiver.ProcessedIds(name).Count == 1, TimeSpan.FromSeconds(20),
            "the new process makes the pending delivery");
        Assert.Equal($"msg_{joined.EventId:N}", servers.Receiver.ProcessedIds(name).Single());
        var requests = servers.Receiver.RequestsTo(name);
        Assert.Equal(2, requests.Count);
        Assert.All(requests, r => Assert.True(r.SignatureVerified));
        var delivery = (await Eventually.HoldsAsync(() => second.DeliveriesAsync(endpointId),
            d => d[0].GetProperty("status").GetString() == "Succeeded", TimeSpan.FromSeconds(5), "recorded as succeeded"))[0];
        Assert.Equal(2, delivery.GetProperty("attemptCount").GetInt32());
    }
}
