using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.Time.Testing;
using Scop.Aspire.Membership.Tests.Support;
using Scop.Aspire.ServiceDefaults.Security;
using Scop.Aspire.Testing;

namespace Scop.Aspire.Membership.Tests;

/// <summary>
/// Dates are days in Paris: at 00:30 in France the UTC date is still the day before, and a delegate recording a payment
/// made « today » must not be told it is in the future.
/// </summary>
[Collection(MembershipServersCollection.Name)]
public sealed class ParisDayTests(MembershipServers servers) : IAsyncLifetime
{
    // 23:30 UTC on a coming day: 00:30 (winter) or 01:30 (summer) the next day in Paris.
    private static readonly DateTimeOffset LateEvening =
        new DateTimeOffset(DateTime.UtcNow.Date.AddDays(1), TimeSpan.Zero).AddHours(23).AddMinutes(30);

    private readonly FakeTimeProvider time = new(LateEvening);
    private MembershipApp app = null!;
    private HttpClient admin = null!;

    public async Task InitializeAsync()
    {
        app = await servers.StartAppAsync(time);
        admin = app.CreateClient(TestTokens.Mint(PlatformAudiences.Membership, [PlatformRoles.ConfederationAdmin],
            expires: DateTime.UtcNow.AddDays(7)));
    }

    public async Task DisposeAsync()
    {
        admin.Dispose();
        await app.DisposeAsync();
    }

    [Fact]
    public async Task After_midnight_in_Paris_the_new_day_is_today_and_the_day_after_is_the_future()
    {
        var parisToday = DateOnly.FromDateTime(LateEvening.UtcDateTime).AddDays(1);
        using var registered = await admin.SendAsync(TestData.Post(TestData.Registration()));
        var id = (await registered.ReadJsonAsync()).GetProperty("id").GetGuid();
        using var apply = await admin.PostAsJsonAsync($"/api/membership/cooperatives/{id}/membership", new { termKind = "rolling", duesCents = 50_000 });
        Assert.Equal(HttpStatusCode.Created, apply.StatusCode);
        Assert.Equal(parisToday.ToString("yyyy-MM-dd"), (await apply.ReadJsonAsync()).GetProperty("appliedOn").GetString());

        using var tomorrow = await admin.PostAsJsonAsync($"/api/membership/cooperatives/{id}/membership/payments",
            new { amountCents = 50_000, paidOn = parisToday.AddDays(1) });
        Assert.Equal(HttpStatusCode.BadRequest, tomorrow.StatusCode);
        Assert.Contains("Not in the future", (await tomorrow.ReadJsonAsync()).GetProperty("errors").GetProperty("paidOn")[0].GetString());

        using var paid = await admin.PostAsJsonAsync($"/api/membership/cooperatives/{id}/membership/payments",
            new { amountCents = 50_000, paidOn = parisToday });
        var membership = await paid.ReadJsonAsync();
        Assert.True(paid.StatusCode == HttpStatusCode.OK, membership.ToString());
        Assert.Equal(parisToday.ToString("yyyy-MM-dd"), membership.GetProperty("terms")[0].GetProperty("startsOn").GetString());
    }
}
