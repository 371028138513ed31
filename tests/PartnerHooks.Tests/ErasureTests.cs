using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Scop.Aspire.Contracts.Membership;
using Scop.Aspire.PartnerHooks.Tests.Support;
using Scop.Aspire.Testing;

namespace Scop.Aspire.PartnerHooks.Tests;

/// <summary>
/// A person's erasure in partner-hooks, with a real bank receiver on 127.0.0.1: the stored bodies of their benefit
/// enrolment keep nothing of them, a replay sends nothing of them, a delivery not yet made is not made; and neither
/// the service's logs nor its spans ever held their data.
/// </summary>
[Collection(PartnerHooksCollection.Name)]
public sealed class ErasureTests(PartnerHooksServers servers) : IAsyncLifetime
{
    private static readonly TimeSpan Soon = TimeSpan.FromSeconds(20);
    private readonly TelemetryCapture telemetry = new();
    private PartnerHooksApp app = null!;

    private Receiver Receiver => servers.Receiver;

    public async Task InitializeAsync() => app = await PartnerHooksApp.StartAsync(servers, capture: telemetry);

    public async Task DisposeAsync()
    {
        Receiver.RetryAfter = "7";
        await app.DisposeAsync();
        telemetry.Dispose();
    }

    [Fact]
    public async Task An_erased_persons_enrolment_bodies_keep_nothing_of_them_and_a_replay_sends_nothing_of_them()
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var person = new PersonalData(["givenName", "familyName", "email", "birthDate", "postalAddress"],
            $"Héloïse{suffix}", $"Marchand{suffix}", $"heloise.{suffix}@example.coop", null, new DateOnly(1961, 2, 17),
            $"{suffix} rue des Canuts, 69004 Lyon");
        // Every personal value carries the suffix, which no escaping changes: finding it finds any of them.
        var personalValues = new[] { suffix, person.GivenName!, person.FamilyName!, person.Email!, "1961-02-17", person.PostalAddress! };

        // The bank has two endpoints: one answers, the other is down for maintenance (503, come back later).
        var (partnerId, code) = await app.CreatePartnerAsync();
        var delivered = await NewEndpointAsync(partnerId, ReceiverMode.Ok);
        var waiting = await NewEndpointAsync(partnerId, ReceiverMode.Unavailable);
        Receiver.RetryAfter = "3600";

        var personId = Guid.CreateVersion7();
        await app.PublishAsync(new BenefitEnrolmentRequested(Guid.CreateVersion7(), DateTimeOffset.UtcNow, Guid.CreateVersion7(),
            personId, Guid.CreateVersion7(), "scop-agir-card", code, person));
        await Eventually.HoldsAsync(() => Receiver.ProcessedIds(delivered.Name).Count == 1, Soon, "the enrolment reached the bank");
        await Eventually.HoldsAsync(() => Receiver.RequestsTo(waiting.Name).Count == 1, Soon, "the other endpoint was tried");
        Assert.Contains(person.FamilyName!, Receiver.RequestsTo(delivered.Name).Single().Body);
        Assert.Contains(person.FamilyName!, await app.DumpDatabaseAsync());

        await app.PublishAsync(new PersonErased(Guid.CreateVersion7(), DateTimeOffset.UtcNow, personId));

        var dump = await Eventually.HoldsAsync(app.DumpDatabaseAsync, d => !personalValues.Any(v => Escaped(d, v)), Soon,
            "the database holds nothing of the person");
        Assert.DoesNotContain(personId.ToString(), dump);
        Assert.Equal(0, await app.CountAsync("SELECT count(*) FROM deliveries WHERE person_id IS NOT NULL"));
        var stopped = Assert.Single(await app.DeliveriesAsync(waiting.EndpointId));
        Assert.Equal("Failed", stopped.GetProperty("status").GetString());
        Assert.Equal("The person's data was erased before it was delivered.", stopped.GetProperty("lastError").GetString());

        // Replays after the erasure: the same event, the same webhook-id, and nothing personal.
        Receiver.Set(waiting.Name, ReceiverMode.Ok);
        using var admin = app.CreateAdminClient();
        foreach (var endpoint in new[] { delivered, waiting })
        {
            var delivery = Assert.Single(await app.DeliveriesAsync(endpoint.EndpointId)).GetProperty("id").GetGuid();
            using var replay = await admin.PostAsync($"/api/partner-hooks/deliveries/{delivery}/replay", null);
            Assert.Equal(HttpStatusCode.Accepted, replay.StatusCode);
        }

        await Eventually.HoldsAsync(
            () => Task.FromResult(Receiver.RequestsTo(delivered.Name).Concat(Receiver.RequestsTo(waiting.Name)).ToList()),
            requests => requests.Count(r => r.AnsweredWith == ReceiverMode.Ok) == 3, Soon, "both replays reached the bank");
        var first = Receiver.RequestsTo(delivered.Name)[0];
        foreach (var replayed in new[] { Receiver.RequestsTo(delivered.Name)[^1], Receiver.RequestsTo(waiting.Name)[^1] })
        {
            Assert.True(replayed.SignatureVerified);
            Assert.Equal(first.WebhookId, replayed.WebhookId);
            Assert.All(personalValues, value => Assert.False(Escaped(replayed.Body, value), $"{value} in {replayed.Body}"));
            var data = JsonDocument.Parse(replayed.Body).RootElement.GetProperty("data");
            Assert.Equal("scop-agir-card", data.GetProperty("benefitCode").GetString());
            Assert.Empty(data.GetProperty("person").EnumerateObject());
        }

        // Nothing of the person was ever logged or put on a span, from the enrolment's arrival to the replays.
        Assert.True(telemetry.SpanCount > 0 && telemetry.LogCount > 0, $"{telemetry.SpanCount} spans, {telemetry.LogCount} log entries");
        Assert.Empty(telemetry.Containing(personalValues.Concat(personalValues.Select(JsonEscaped))));
    }

    private async Task<(Guid EndpointId, string Name)> NewEndpointAsync(Guid partnerId, ReceiverMode mode)
    {
        var name = Guid.NewGuid().ToString("N");
        Receiver.Set(name, mode);
        var (endpointId, secret) = await app.CreateEndpointAsync(partnerId, Receiver.UrlOf(name),
            "scop.membership.benefit-enrolment.requested");
        Receiver.TrustSecrets(name, secret);
        return (endpointId, name);
    }

    /// <summary>The value as it is, or as JSON escapes it (é as \u00E9): stored bodies are JSON text.</summary>
    private static bool Escaped(string text, string value) =>
        text.Contains(value, StringComparison.OrdinalIgnoreCase) || text.Contains(JsonEscaped(value), StringComparison.OrdinalIgnoreCase);

    private static string JsonEscaped(string value) => JsonSerializer.Serialize(value)[1..^1];
}
