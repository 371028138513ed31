using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Scop.Aspire.Membership.Consumers;
using Scop.Aspire.Membership.Tests.Support;
using Scop.Aspire.ServiceDefaults.Security;
using Scop.Aspire.Testing;
using Scop.Aspire.ServiceDefaults;

namespace Scop.Aspire.Membership.Tests;

/// <summary>
/// MembershipLapsed goes out when the grace period ends, by the durable timer the payment wrote to the outbox, on a
/// fake clock: exactly once, even when the timer is delivered again, and not at all when a renewal came in between.
/// </summary>
[Collection(MembershipServersCollection.Name)]
public sealed class MembershipLapseTests(MembershipServers servers) : IAsyncLifetime
{
    private readonly FakeTimeProvider time = new(DateTimeOffset.UtcNow);
    private MembershipApp app = null!;
    private HttpClient admin = null!;

    public async Task InitializeAsync()
    {
        app = await servers.StartAppAsync(time);
        // The token outlives the clock jumps below.
        admin = app.CreateClient(TestTokens.Mint(PlatformAudiences.Membership, [PlatformRoles.ConfederationAdmin],
            expires: DateTime.UtcNow.AddYears(5)));
    }

    public async Task DisposeAsync()
    {
        admin.Dispose();
        await app.DisposeAsync();
    }

    [Fact]
    public async Task The_lapse_is_published_once_at_the_end_of_grace_and_a_renewal_in_between_cancels_it()
    {
        var lapsing = await MemberAsync();
        var renewing = await MemberAsync();
        var firstTermEnd = ParisCalendar.Today(time).AddYears(1).AddDays(-1);

        time.Advance(TimeSpan.FromDays(365 + 30)); // in grace
        using (var status = await admin.GetAsync($"/api/membership/cooperatives/{lapsing}/membership"))
        {
            Assert.Equal("Grace", (await status.ReadJsonAsync()).GetProperty("status").GetString());
        }

        using (var renewal = await admin.PostAsJsonAsync($"/api/membership/cooperatives/{renewing}/membership/payments", new { amountCents = 50_000 }))
        {
            var renewed = await renewal.ReadJsonAsync();
            Assert.True(renewal.StatusCode == HttpStatusCode.OK, renewed.ToString());
            Assert.Equal(firstTermEnd.AddDays(1).ToString("yyyy-MM-dd"), renewed.GetProperty("terms")[1].GetProperty("startsOn").GetString());
        }

        Assert.Equal(0, await LapsedCountAsync());
        time.Advance(TimeSpan.FromDays(65)); // past the end of the first terms' grace (90 days)
        await Eventually(async () => await ChecksConsumedAsync() >= 2);
        await Eventually(async () => await LapsedCountAsync() == 1);
        Assert.Equal(1L, await app.QueryScalarAsync<long>(
            "SELECT count(*) FROM outbox_messages WHERE message_type LIKE '%MembershipLapsed%' AND body->>'cooperativeId' = @c",
            ("c", lapsing.ToString())));

        // The same timer delivered again as another message (a new message id, so the inbox does not recognise it):
        // still one lapse. (The relay's clean-up of sent rows runs on the fake clock too, so it is published anew here.)
        var membershipId = await app.QueryScalarAsync<Guid>("SELECT id FROM memberships WHERE cooperative_id = @c", ("c", lapsing));
        await app.Services.GetRequiredService<IBus>().Publish(
            new GraceEndCheck(Guid.NewGuid(), time.GetUtcNow(), membershipId, firstTermEnd));
        await Eventually(async () => await ChecksConsumedAsync() >= 3);
        Assert.Equal(1, await LapsedCountAsync());
        Assert.Equal(firstTermEnd, DateOnly.FromDateTime(await app.QueryScalarAsync<DateTime>(
            "SELECT lapse_reported_for::timestamp FROM memberships WHERE cooperative_id = @c", ("c", lapsing))));

        using var read = await admin.GetAsync($"/api/membership/cooperatives/{renewing}/membership");
        Assert.Equal("Current", (await read.ReadJsonAsync()).GetProperty("status").GetString());
    }

    private async Task<Guid> MemberAsync()
    {
        using var registered = await admin.SendAsync(TestData.Post(TestData.Registration()));
        var id = (await registered.ReadJsonAsync()).GetProperty("id").GetGuid();
        using var apply = await admin.PostAsJsonAsync($"/api/membership/cooperatives/{id}/membership", new { termKind = "rolling", duesCents = 50_000 });
        Assert.Equal(HttpStatusCode.Created, apply.StatusCode);
        using var pay = await admin.PostAsJsonAsync($"/api/membership/cooperatives/{id}/membership/payments", new { amountCents = 50_000 });
        JsonElement paid = await pay.ReadJsonAsync();
        Assert.True(pay.StatusCode == HttpStatusCode.OK, paid.ToString());
        Assert.Equal("New", paid.GetProperty("status").GetString());
        return id;
    }

    private async Task<int> LapsedCountAsync() => (int)await app.QueryScalarAsync<long>(
        "SELECT count(*) FROM outbox_messages WHERE message_type LIKE '%MembershipLapsed%'");

    private Task<long> ChecksConsumedAsync() => app.QueryScalarAsync<long>(
        "SELECT count(*) FROM inbox_messages WHERE consumer LIKE '%GraceEndCheckConsumer%'");

    private static async Task Eventually(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(40);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "The condition did not hold within 40 s.");
            await Task.Delay(100);
        }
    }
}
