using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using Scop.Aspire.PartnerHooks;
using Scop.Aspire.PartnerHooks.Signing;
using Scop.Aspire.PartnerHooks.Tests.Support;
using Scop.Aspire.Testing;

namespace Scop.Aspire.PartnerHooks.Tests;

/// <summary>Deliveries to a real receiver on 127.0.0.1, in real time.</summary>
[Collection(PartnerHooksCollection.Name)]
public sealed class DeliveryTests(PartnerHooksServers servers) : IAsyncLifetime
{
    private static readonly TimeSpan Soon = TimeSpan.FromSeconds(15);
    private PartnerHooksApp app = null!;

    private Receiver Receiver => servers.Receiver;

    public async Task InitializeAsync() => app = await PartnerHooksApp.StartAsync(servers);

    public async Task DisposeAsync() => await app.DisposeAsync();

    private async Task<(Guid EndpointId, string Secret, string Name)> NewEndpointAsync(ReceiverMode mode = ReceiverMode.Ok)
    {
        var name = Guid.NewGuid().ToString("N");
        Receiver.Set(name, mode);
        var (partnerId, _) = await app.CreatePartnerAsync();
        var (endpointId, secret) = await app.CreateEndpointAsync(partnerId, Receiver.UrlOf(name));
        Receiver.TrustSecrets(name, secret);
        return (endpointId, secret, name);
    }

    [Fact]
    public async Task An_event_arrives_as_a_signed_cloudevent_that_verifies_with_the_secret_shown_at_creation()
    {
        var (endpointId, _, name) = await NewEndpointAsync();
        var joined = PartnerHooksApp.NewCooperativeJoined();
        await app.PublishAsync(joined);

        await Eventually.HoldsAsync(() => Receiver.RequestsTo(name).Count == 1, Soon, "the event is delivered");
        var request = Receiver.RequestsTo(name).Single();
        Assert.True(request.SignatureVerified, "the receiver verifies the signature");
        Assert.Equal($"msg_{joined.EventId:N}", request.WebhookId);
        Assert.StartsWith("application/cloudevents+json", request.ContentType);
        Assert.StartsWith("v1,", request.Signature);
        var body = JsonDocument.Parse(request.Body).RootElement;
        Assert.Equal(joined.EventId.ToString(), body.GetProperty("id").GetString());
        Assert.Equal("scop.membership.cooperative.joined", body.GetProperty("type").GetString());
        Assert.Equal(joined.Name, body.GetProperty("data").GetProperty("name").GetString());

        var deliveries = await Eventually.HoldsAsync(() => app.DeliveriesAsync(endpointId),
            d => d.Length == 1 && d[0].GetProperty("status").GetString() == "Succeeded", Soon, "the log shows the success");
        var attempt = deliveries[0].GetProperty("attempts").EnumerateArray().Single();
        Assert.Equal(204, attempt.GetProperty("statusCode").GetInt32());
        Assert.True(attempt.GetProperty("latencyMs").GetInt32() >= 0);

        // A redelivered event (same message id) creates no second delivery.
        await app.PublishAsync(joined);
        await Task.Delay(1000);
        Assert.Single(await app.DeliveriesAsync(endpointId));
        Assert.Single(Receiver.RequestsTo(name));
    }

    [Fact]
    public async Task The_secret_is_shown_once_and_stored_only_encrypted_and_a_rotation_sends_both_signatures()
    {
        var (endpointId, secret, name) = await NewEndpointAsync();
        var rawKey = secret["whsec_".Length..];
        var dump = await app.DumpDatabaseAsync();
        Assert.DoesNotContain(rawKey, dump);
        // Nor the keys that would open it: they are in a folder outside the database.
        Assert.DoesNotContain("data_protection_keys", dump);
        Assert.DoesNotContain("masterKey", dump);
        Assert.NotEmpty(Directory.GetFiles(app.KeysFolder, "key-*.xml"));

        var endpoint = await app.GetJsonAsync($"/api/partner-hooks/endpoints/{endpointId}");
        Assert.DoesNotContain(rawKey, endpoint.ToString());
        Assert.False(endpoint.TryGetProperty("secret", out _));

        using var client = app.CreateAdminClient();
        var rotation = await client.PostAsJsonAsync($"/api/partner-hooks/endpoints/{endpointId}/secret/rotate", new { overlapMinutes = 60 });
        Assert.Equal(HttpStatusCode.OK, rotation.StatusCode);
        var newSecret = (await rotation.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("secret").GetString()!;
        Assert.NotEqual(secret, newSecret);
        Assert.DoesNotContain(newSecret["whsec_".Length..], await app.DumpDatabaseAsync());

        var ping = await client.PostAsync($"/api/partner-hooks/endpoints/{endpointId}/ping", null);
        var pingText = await ping.Content.ReadAsStringAsync();
        Assert.True(ping.StatusCode == HttpStatusCode.OK, pingText);
        Assert.Equal("Succeeded", JsonDocument.Parse(pingText).RootElement.GetProperty("status").GetString());

        var request = Receiver.RequestsTo(name).Single();
        Assert.Equal("scop.ping", JsonDocument.Parse(request.Body).RootElement.GetProperty("type").GetString());
        var signatures = request.Signature!.Split(' ');
        Assert.Equal(2, signatures.Length);
        var timestamp = long.Parse(request.Timestamp!);
        Assert.True(WebhookSignature.Verify(newSecret, request.WebhookId!, timestamp, request.Body, signatures[0]));
        Assert.True(WebhookSignature.Verify(secret, request.WebhookId!, timestamp, request.Body, signatures[1]));
    }

    [Fact]
    public async Task Gone_disables_the_endpoint_tells_the_partner_and_stops_deliveries_until_enabled_and_replayed()
    {
        var (endpointId, _, name) = await NewEndpointAsync(ReceiverMode.Gone);
        await app.PublishAsync(PartnerHooksApp.NewCooperativeJoined());

        var health = await Eventually.HoldsAsync(() => app.GetJsonAsync($"/api/partner-hooks/endpoints/{endpointId}/health"),
            h => !h.GetProperty("enabled").GetBoolean(), Soon, "410 disables the endpoint");
        Assert.Contains("410", health.GetProperty("disabledReason").GetString());
        Assert.Equal(1, await app.CountAsync(
            $"SELECT count(*) FROM outbox_messages WHERE message_type LIKE '%PartnerEndpointDisabled%' AND body->>'endpointId' = '{endpointId}'"));

        await app.PublishAsync(PartnerHooksApp.NewCooperativeJoined());
        await Task.Delay(1500);
        Assert.Single(Receiver.RequestsTo(name)); // no further attempt, and no new delivery to a disabled endpoint
        var failed = Assert.Single(await app.DeliveriesAsync(endpointId));
        Assert.Equal("Failed", failed.GetProperty("status").GetString());

        // The partner fixed it: enable, replay what failed since before the outage.
        Receiver.Set(name, ReceiverMode.Ok);
        using var client = app.CreateAdminClient();
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync($"/api/partner-hooks/endpoints/{endpointId}/enable", null)).StatusCode);
        var replay = await client.PostAsJsonAsync("/api/partner-hooks/deliveries/replay",
            new { since = DateTimeOffset.UtcNow.AddMinutes(-5), endpointId });
        Assert.Equal(HttpStatusCode.Accepted, replay.StatusCode);
        Assert.Equal(1, (await replay.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("count").GetInt32());
        await Eventually.HoldsAsync(() => Receiver.ProcessedIds(name).Count == 1, Soon, "the replay is delivered");
        var requests = Receiver.RequestsTo(name);
        Assert.Equal(requests[0].WebhookId, requests[^1].WebhookId); // a replay keeps the webhook-id
    }

    [Theory]
    [InlineData(ReceiverMode.TooManyRequests, 429)]
    [InlineData(ReceiverMode.Unavailable, 503)]
    public async Task Retry_after_on_429_and_503_sets_the_next_attempt(ReceiverMode mode, int status)
    {
        Receiver.RetryAfter = "120";
        var (endpointId, _, _) = await NewEndpointAsync(mode);
        await app.PublishAsync(PartnerHooksApp.NewCooperativeJoined());

        var delivery = (await Eventually.HoldsAsync(() => app.DeliveriesAsync(endpointId),
            d => d.Length == 1 && d[0].GetProperty("attemptCount").GetInt32() == 1, Soon, "the first attempt is logged"))[0];
        Assert.Equal(status, delivery.GetProperty("lastStatusCode").GetInt32());
        var attemptedAt = delivery.GetProperty("lastAttemptAt").GetDateTimeOffset();
        var next = delivery.GetProperty("nextAttemptAt").GetDateTimeOffset();
        Assert.Equal(TimeSpan.FromSeconds(120), next - attemptedAt); // not the schedule's 5 s
    }

    [Fact]
    public async Task A_burst_of_registrations_is_delivered_once_to_each_subscribed_endpoint_in_the_trace_of_its_own_registration()
    {
        var (first, _, firstName) = await NewEndpointAsync();
        var (second, _, secondName) = await NewEndpointAsync();
        var (otherPartner, _) = await app.CreatePartnerAsync();
        var (notSubscribed, _) = await app.CreateEndpointAsync(otherPartner, Receiver.UrlOf(Guid.NewGuid().ToString("N")),
            "scop.reprise-watch.job-premium.granted");

        // Forty registrations at once, each from a request of its own.
        var burst = Enumerable.Range(0, 40).Select(_ => PartnerHooksApp.NewCooperativeJoined()).ToList();
        var traceOf = new ConcurrentDictionary<Guid, string>();
        await Task.WhenAll(burst.Select(async joined =>
        {
            using var registration = new Activity("POST /api/membership/cooperatives") { ActivityTraceFlags = ActivityTraceFlags.Recorded }.Start();
            traceOf[joined.EventId] = registration.TraceId.ToString();
            await app.PublishAsync(joined);
        }));
        var eventIds = string.Join(", ", burst.Select(e => $"'{e.EventId}'"));
        await Eventually.HoldsAsync(() => app.CountAsync($"SELECT count(*) FROM inbox_messages WHERE message_id IN ({eventIds})"),
            count => count == 40, Soon, "the burst was consumed");
        Assert.True(await app.CountAsync($"SELECT count(DISTINCT xmin::text) FROM inbox_messages WHERE message_id IN ({eventIds})") < 40,
            "the burst was applied in batches, not one transaction a message");

        var deliveries = await DeliveriesOfAsync(eventIds);
        Assert.Equal(80, deliveries.Count);
        Assert.DoesNotContain(deliveries, d => d.EndpointId == notSubscribed);
        var subscribed = new[] { first, second }.Order().ToList();
        foreach (var joined in burst)
        {
            var ofEvent = deliveries.Where(d => d.EventId == joined.EventId).ToList();
            Assert.Equal(subscribed, ofEvent.Select(d => d.EndpointId).Order());
            // The webhook continues the trace of the registration behind its own event, not of another in its batch.
            Assert.All(ofEvent, d => Assert.Equal(traceOf[joined.EventId], d.TraceParent?.Split('-')[1]));
        }

        var expected = burst.Select(e => $"msg_{e.EventId:N}").Order().ToList();
        await Eventually.HoldsAsync(() => Receiver.ProcessedIds(firstName).Count == 40 && Receiver.ProcessedIds(secondName).Count == 40,
            Soon, "both endpoints received the burst");
        Assert.Equal(expected, Receiver.ProcessedIds(firstName).Order());
        Assert.Equal(expected, Receiver.ProcessedIds(secondName).Order());
    }

    private async Task<List<(Guid EventId, Guid EndpointId, string? TraceParent)>> DeliveriesOfAsync(string eventIds)
    {
        await using var connection = new NpgsqlConnection(app.Database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            $"SELECT event_id, endpoint_id, trace_parent FROM deliveries WHERE event_id IN ({eventIds})", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var deliveries = new List<(Guid, Guid, string?)>();
        while (await reader.ReadAsync())
        {
            deliveries.Add((reader.GetGuid(0), reader.GetGuid(1), reader.IsDBNull(2) ? null : reader.GetString(2)));
        }

        return deliveries;
    }

    [Fact]
    public async Task A_receiver_down_for_a_while_then_up_receives_everything_once_under_the_same_webhook_ids()
    {
        var (_, _, name) = await NewEndpointAsync(ReceiverMode.Down);
        var events = Enumerable.Range(0, 5).Select(_ => PartnerHooksApp.NewCooperativeJoined()).ToList();
        foreach (var joined in events)
        {
            await app.PublishAsync(joined);
        }

        await Eventually.HoldsAsync(() => Receiver.RequestsTo(name).Select(r => r.WebhookId).Distinct().Count() == 5, Soon,
            "every event reached the (down) receiver once");
        Receiver.Set(name, ReceiverMode.Ok);

        var expected = events.Select(e => $"msg_{e.EventId:N}").OrderBy(id => id).ToList();
        await Eventually.HoldsAsync(() => Receiver.ProcessedIds(name).Count == 5, TimeSpan.FromSeconds(20), "all delivered after the outage");
        Assert.Equal(expected, Receiver.ProcessedIds(name).OrderBy(id => id).ToList());
        var requests = Receiver.RequestsTo(name);
        Assert.All(requests, r => Assert.True(r.SignatureVerified));
        foreach (var id in expected)
        {
            var attempts = requests.Where(r => r.WebhookId == id).ToList();
            Assert.True(attempts.Count >= 2, $"{id} was retried");
            Assert.Single(attempts.Select(a => a.Body).Distinct()); // same body, same id, on every attempt
        }
    }

    [Fact]
    public async Task A_slow_endpoint_does_not_delay_another_endpoints_deliveries()
    {
        Receiver.SlowFor = TimeSpan.FromSeconds(8);
        var (_, _, slow) = await NewEndpointAsync(ReceiverMode.Slow);
        var (_, _, fast) = await NewEndpointAsync();
        var perEndpoint = new PartnerHooksOptions().MaxConcurrencyPerEndpoint;
        var events = perEndpoint + 8; // more than the slow endpoint may have in flight
        var started = DateTimeOffset.UtcNow;
        for (var i = 0; i < events; i++)
        {
            await app.PublishAsync(PartnerHooksApp.NewCooperativeJoined());
        }

        await Eventually.HoldsAsync(() => Receiver.ProcessedIds(fast).Count == events, TimeSpan.FromSeconds(6), "the fast endpoint got everything");
        Assert.True(DateTimeOffset.UtcNow - started < TimeSpan.FromSeconds(6));
        Assert.Empty(Receiver.ProcessedIds(slow)); // the slow one is still answering its first requests
        Assert.InRange(Receiver.RequestsTo(slow).Count, 1, perEndpoint); // bounded concurrency per endpoint
    }
}
