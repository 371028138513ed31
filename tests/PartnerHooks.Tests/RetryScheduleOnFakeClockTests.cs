using Microsoft.Extensions.Time.Testing;
using Scop.Aspire.PartnerHooks.Tests.Support;
using Scop.Aspire.Testing;

namespace Scop.Aspire.PartnerHooks.Tests;

/// <summary>The whole retry schedule, and the five-day rule, on a fake clock that only the test moves.</summary>
[Collection(PartnerHooksCollection.Name)]
public sealed class RetryScheduleOnFakeClockTests(PartnerHooksServers servers)
{
    private static readonly TimeSpan[] Schedule =
    [
        TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(30), TimeSpan.FromHours(2),
        TimeSpan.FromHours(5), TimeSpan.FromHours(10), TimeSpan.FromHours(14), TimeSpan.FromHours(20),
        TimeSpan.FromHours(24),
    ];

    [Fact]
    public async Task Attempts_follow_the_schedule_then_fail_and_five_days_of_failures_disable_the_endpoint()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 8, 0, 0, TimeSpan.Zero));
        await using var app = await PartnerHooksApp.StartAsync(servers, time: clock);
        var name = Guid.NewGuid().ToString("N");
        servers.Receiver.Set(name, ReceiverMode.ServerError);
        var (partnerId, _) = await app.CreatePartnerAsync();
        var (endpointId, secret) = await app.CreateEndpointAsync(partnerId, servers.Receiver.UrlOf(name));
        servers.Receiver.TrustSecrets(name, secret);
        var start = clock.GetUtcNow();

        await app.PublishAsync(PartnerHooksApp.NewCooperativeJoined());
        var delivery = (await Eventually.HoldsAsync(() => app.DeliveriesAsync(endpointId),
            d => d.Length == 1 && d[0].GetProperty("attemptCount").GetInt32() == 1, TimeSpan.FromSeconds(15), "the first attempt, at once"))[0];
        Assert.Equal(start, delivery.GetProperty("lastAttemptAt").GetDateTimeOffset());

        for (var i = 0; i < Schedule.Length; i++)
        {
            var previous = delivery.GetProperty("lastAttemptAt").GetDateTimeOffset();
            var next = delivery.GetProperty("nextAttemptAt").GetDateTimeOffset();
            Assert.InRange(next - previous, Schedule[i] * 0.9, Schedule[i] * 1.1);

            clock.SetUtcNow(next - TimeSpan.FromMilliseconds(1));
            await Task.Delay(300);
            Assert.Equal(i + 1, (await app.DeliveriesAsync(endpointId))[0].GetProperty("attemptCount").GetInt32()); // not early

            clock.SetUtcNow(next);
            delivery = (await Eventually.HoldsAsync(() => app.DeliveriesAsync(endpointId),
                d => d[0].GetProperty("attemptCount").GetInt32() == i + 2, TimeSpan.FromSeconds(15), $"attempt {i + 2}"))[0];
            Assert.Equal(next, delivery.GetProperty("lastAttemptAt").GetDateTimeOffset());
        }

        Assert.Equal("Failed", delivery.GetProperty("status").GetString());
        Assert.Equal(10, delivery.GetProperty("attempts").GetArrayLength());
        var requests = servers.Receiver.RequestsTo(name);
        Assert.Equal(10, requests.Count);
        Assert.Single(requests.Select(r => r.WebhookId).Distinct());
        Assert.All(requests, r => Assert.True(r.SignatureVerified));
        // The signed timestamp is the attempt's time on the service's clock.
        Assert.Equal(start.ToUnixTimeSeconds(), long.Parse(requests[0].Timestamp!));

        var health = await app.GetJsonAsync($"/api/partner-hooks/endpoints/{endpointId}/health");
        Assert.True(health.GetProperty("enabled").GetBoolean()); // about 3 days of failures so far
        Assert.Equal(10, health.GetProperty("consecutiveFailures").GetInt32());

        // Five days after the first failure, the next failure disables the endpoint and tells the partner.
        clock.SetUtcNow(start + TimeSpan.FromDays(5) + TimeSpan.FromMinutes(1));
        await app.PublishAsync(PartnerHooksApp.NewCooperativeJoined());
        health = await Eventually.HoldsAsync(() => app.GetJsonAsync($"/api/partner-hooks/endpoints/{endpointId}/health"),
            h => !h.GetProperty("enabled").GetBoolean(), TimeSpan.FromSeconds(15), "disabled after 5 days of failures");
        Assert.Contains("failing for 5", health.GetProperty("disabledReason").GetString());
        Assert.Equal(1, await app.CountAsync(
            $"SELECT count(*) FROM outbox_messages WHERE message_type LIKE '%PartnerEndpointDisabled%' AND body->>'endpointId' = '{endpointId}'"));
    }
}
