using System.Text.Json.Nodes;
using Scop.Aspire.HostileInput.Tests.Contract;
using Scop.Aspire.ServiceDefaults;

namespace Scop.Aspire.HostileInput.Tests.Examples;

/// <summary>A partner bank with an endpoint on a receiver that accepts every webhook, and a delivery (a ping) to it.</summary>
public sealed class PartnerHooksExamples : ServiceExamples
{
    public override string Service => ResourceNames.PartnerHooks;

    /// <summary>Deliveries due (a replay queues them): the senders deliver them to the receiver on their own.</summary>
    public override IReadOnlyList<string> PendingWork =>
        [.. base.PendingWork, "SELECT count(*) FROM deliveries WHERE status = 'Pending' AND next_attempt_at <= now()"];

    public override async Task SetUpAsync(ServiceContext context, ExampleValues examples)
    {
        examples
            .Set("code", () => JsonValue.Create($"banque-{Guid.NewGuid():N}"[..20]))
            .Set("name", JsonValue.Create("Banque coopérative"))
            .Set("eventTypes", new JsonArray("scop.membership.cooperative.joined"))
            .Set("description", JsonValue.Create("Adhésions des coopératives"))
            .Set("overlapMinutes", JsonValue.Create(60))
            .Set("since", JsonValue.Create("2020-01-01T00:00:00Z"))
            .Set("ListDeliveries.status", JsonValue.Create("Succeeded"));

        var partner = (await context.PostAsync("/api/partner-hooks/partners", new { code = $"banque-{Guid.NewGuid():N}"[..20], name = "Banque" }))
            .GetProperty("id").GetGuid();
        var endpoint = (await context.PostAsync($"/api/partner-hooks/partners/{partner}/endpoints", new
        {
            url = context.ReceiverUrl, eventTypes = new[] { "scop.membership.cooperative.joined" },
        })).GetProperty("endpoint").GetProperty("id").GetGuid();
        var delivery = (await context.PostAsync($"/api/partner-hooks/endpoints/{endpoint}/ping")).GetProperty("id").GetGuid();

        examples
            .Set("partners.id", partner)
            .Set("partnerId", partner)
            .Set("endpoints.id", endpoint)
            .Set("endpointId", endpoint)
            .Set("deliveries.id", delivery);
    }
}
