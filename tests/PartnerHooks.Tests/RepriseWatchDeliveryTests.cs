using System.Text.Json;
using Scop.Aspire.Contracts.RepriseWatch;
using Scop.Aspire.PartnerHooks.Tests.Support;
using Scop.Aspire.Testing;

namespace Scop.Aspire.PartnerHooks.Tests;

/// <summary>
/// The watch's financing: the seed fund's requests and decisions reach the partners who fund the compartments
/// concerned, each with its own parts only, signed, once; a job premium reaches the bank asked to double it; a partner
/// concerned by none of them receives nothing.
/// </summary>
[Collection(PartnerHooksCollection.Name)]
public sealed class RepriseWatchDeliveryTests(PartnerHooksServers servers) : IAsyncLifetime
{
    private static readonly TimeSpan Soon = TimeSpan.FromSeconds(15);
    private static readonly string[] SeedFundTypes =
        ["scop.reprise-watch.seed-fund.requested", "scop.reprise-watch.seed-fund.approved", "scop.reprise-watch.seed-fund.refused",
            "scop.reprise-watch.job-premium.granted"];

    private PartnerHooksApp app = null!;

    private Receiver Receiver => servers.Receiver;

    public async Task InitializeAsync() => app = await PartnerHooksApp.StartAsync(servers);

    public async Task DisposeAsync() => await app.DisposeAsync();

    private async Task<(string Code, string Receives)> PartnerAsync()
    {
        var name = Guid.NewGuid().ToString("N");
        Receiver.Set(name, ReceiverMode.Ok);
        var (partnerId, code) = await app.CreatePartnerAsync();
        var (_, secret) = await app.CreateEndpointAsync(partnerId, Receiver.UrlOf(name), SeedFundTypes);
        Receiver.TrustSecrets(name, secret);
        return (code, name);
    }

    [Fact]
    public async Task Each_funder_is_told_of_its_own_parts_of_a_request_and_of_the_decision_and_no_one_else_is()
    {
        var bank = await PartnerAsync();
        var region = await PartnerAsync();
        var bystander = await PartnerAsync();
        var national = new SeedFundPart(Guid.CreateVersion7(), "National", 80_000, [bank.Code]);
        var regional = new SeedFundPart(Guid.CreateVersion7(), "Auvergne-Rhône-Alpes", 20_000, [bank.Code, region.Code]);
        var requested = new SeedFundFinancingRequested(Guid.CreateVersion7(), DateTimeOffset.UtcNow, Guid.CreateVersion7(), Guid.CreateVersion7(),
            "urscop-aura", "25.62B", 18, Siren: null, CompanyName: null, 100_000, [national, regional]);

        await app.PublishAsync(requested);
        await app.PublishAsync(requested); // delivered twice by the broker: told once

        await Eventually.HoldsAsync(() => Receiver.RequestsTo(bank.Receives).Count == 1 && Receiver.RequestsTo(region.Receives).Count == 1,
            Soon, "both funders are told");
        var toBank = Data(Receiver.RequestsTo(bank.Receives).Single());
        Assert.Equal(100_000, toBank.GetProperty("amount").GetInt64());
        Assert.Equal(["National", "Auvergne-Rhône-Alpes"], toBank.GetProperty("parts").EnumerateArray().Select(p => p.GetProperty("compartmentName").GetString()));
        var toRegion = Data(Receiver.RequestsTo(region.Receives).Single());
        Assert.Equal(20_000, toRegion.GetProperty("amount").GetInt64());
        Assert.Equal([regional.CompartmentId], toRegion.GetProperty("parts").EnumerateArray().Select(p => p.GetProperty("compartmentId").GetGuid()));
        Assert.False(toRegion.TryGetProperty("companyName", out _), "a confidential company is not named");
        Assert.DoesNotContain(bank.Code, Receiver.RequestsTo(region.Receives).Single().Body);
        Assert.True(Receiver.RequestsTo(region.Receives).Single().SignatureVerified);

        await app.PublishAsync(new SeedFundFinancingDecided(Guid.CreateVersion7(), DateTimeOffset.UtcNow, requested.RequestId, requested.OpportunityId,
            "urscop-aura", Approved: false, 100_000, [national, regional]));
        await Eventually.HoldsAsync(() => Receiver.RequestsTo(region.Receives).Count == 2, Soon, "the region is told of the refusal");
        var refusal = JsonDocument.Parse(Receiver.RequestsTo(region.Receives)[1].Body).RootElement;
        Assert.Equal("scop.reprise-watch.seed-fund.refused", refusal.GetProperty("type").GetString());
        Assert.Equal("refused", refusal.GetProperty("data").GetProperty("decision").GetString());

        await Eventually.HoldsAsync(() => Receiver.RequestsTo(bank.Receives).Count == 2, Soon, "the bank is told of the refusal");
        await Task.Delay(1000);
        Assert.Empty(Receiver.RequestsTo(bystander.Receives));
        Assert.Equal(2, Receiver.RequestsTo(bank.Receives).Count);
    }

    [Fact]
    public async Task A_job_premium_is_sent_to_the_bank_asked_to_double_it_only()
    {
        var bank = await PartnerAsync();
        var other = await PartnerAsync();
        var granted = new JobPremiumGranted(Guid.CreateVersion7(), DateTimeOffset.UtcNow, Guid.CreateVersion7(), Guid.CreateVersion7(), "552100554",
            "urscop-aura", 2026, 8, 12_000, 3_000, bank.Code);

        await app.PublishAsync(granted);

        await Eventually.HoldsAsync(() => Receiver.RequestsTo(bank.Receives).Count == 1, Soon, "the bank is asked");
        var request = Receiver.RequestsTo(bank.Receives).Single();
        Assert.True(request.SignatureVerified);
        var body = JsonDocument.Parse(request.Body).RootElement;
        Assert.Equal("scop.reprise-watch.job-premium.granted", body.GetProperty("type").GetString());
        Assert.Equal(granted.PremiumId, body.GetProperty("data").GetProperty("premiumId").GetGuid());
        Assert.Equal(12_000, body.GetProperty("data").GetProperty("amount").GetInt64());
        Assert.DoesNotContain(granted.CooperativeId.ToString(), request.Body); // the register's internal id stays in
        await Task.Delay(1000);
        Assert.Empty(Receiver.RequestsTo(other.Receives));
    }

    private static JsonElement Data(ReceivedRequest request) => JsonDocument.Parse(request.Body).RootElement.GetProperty("data");
}
