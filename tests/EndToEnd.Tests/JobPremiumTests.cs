using System.Net;
using Scop.Aspire.Bench;
using Scop.Aspire.ServiceDefaults;
using static Scop.Aspire.EndToEnd.Tests.GatewayCalls;

namespace Scop.Aspire.EndToEnd.Tests;

/// <summary>
/// The bank's side of the job premium, through the gateway with real tokens: the register registers a cooperative,
/// staff grant it its premium, the bank's real receiver gets the signed webhook and checks its signature, then the bank
/// answers with its machine client's token; the premium shows the loan's reference.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class JobPremiumTests(PlatformFixture platform)
{
    private const string Scopes = "openid membership reprise-watch partner-hooks";

    [Fact]
    public async Task The_bank_receives_the_signed_premium_and_its_answer_with_its_machine_token_shows_the_loan_reference()
    {
        var admin = await PlatformTokens.SignInAsync(platform, "admin", Scopes);
        var aura = await PlatformTokens.SignInAsync(platform, "delegate-aura", Scopes);

        // The bank's receiver, which refuses (401) any request whose Standard Webhooks signature does not verify.
        await using var receiver = await WebhookReceiver.StartAsync(CancellationToken.None);
        var partner = await platform.Gateway.PartnerAsync(admin, "credit-cooperatif", "Crédit Coopératif");
        var endpoint = await platform.Gateway.ExpectAsync(Send(HttpMethod.Post, $"/api/partner-hooks/partners/{partner}/endpoints", admin,
            new { url = receiver.Url, eventTypes = new[] { "scop.reprise-watch.job-premium.granted" } }), HttpStatusCode.Created);
        receiver.Secret = endpoint.GetProperty("secret").GetString()!;

        // This year's premium, asked of the bank; a new cooperative of Lyon, known to the watch by the register's event.
        var year = ParisCalendar.Today(TimeProvider.System).Year;
        using (var set = await platform.Gateway.SendAsync(Send(HttpMethod.Put, $"/api/reprise-watch/job-premium/years/{year}", admin,
                   new { amountPerJob = 1_500, budget = 2_000_000, partnerCode = "credit-cooperatif" })))
        {
            Assert.True(set.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK, await set.Content.ReadAsStringAsync());
        }

        var cooperative = await platform.Gateway.CreatedIdAsync(Send(HttpMethod.Post, "/api/membership/cooperatives", aura, new
        {
            name = "Scop de la Croix-Rousse", siren = Siren(), legalForm = "SCOP", communeCode = "69123", nafCode = "13.20Z", headcount = 9,
        }));
        var premium = Guid.Empty;
        await Until(async () =>
        {
            using var granted = await platform.Gateway.SendAsync(Send(HttpMethod.Post, "/api/reprise-watch/job-premium/premiums", admin,
                new { cooperativeId = cooperative, jobs = 6 }));
            var body = await granted.Content.ReadAsStringAsync();
            Assert.True(granted.StatusCode is HttpStatusCode.Created or HttpStatusCode.BadRequest, body); // 400 until the watch knows it
            if (granted.StatusCode == HttpStatusCode.Created)
            {
                premium = System.Text.Json.JsonDocument.Parse(body).RootElement.GetProperty("id").GetGuid();
            }

            return premium != Guid.Empty;
        }, "the watch knows the cooperative and grants its premium");

        await Until(() => Task.FromResult(receiver.ReceivedByEvent().Premiums.Contains(premium)), "the bank received the premium");
        Assert.Equal(0, receiver.BadSignatures);

        // The bank answers with its own token: the loan doubling the premium is granted.
        var bank = await PlatformTokens.ClientCredentialsAsync(platform, "credit-cooperatif", "reprise-watch");
        var answered = await platform.Gateway.ExpectAsync(Send(HttpMethod.Post, $"/api/reprise-watch/job-premium/premiums/{premium}/loan", bank,
            new { accepted = true, loanReference = "PTZ-2026-000417" }), HttpStatusCode.OK);
        Assert.Equal("Accepted", answered.GetProperty("loanStatus").GetString());

        var read = await platform.Gateway.ReadAsync($"/api/reprise-watch/job-premium/premiums/{premium}", admin);
        Assert.Equal("PTZ-2026-000417", read.GetProperty("loanReference").GetString());
        Assert.Equal(9_000, read.GetProperty("amount").GetInt64());
    }
}
