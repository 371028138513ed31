using System.Net;
using System.Net.Http.Json;
using Scop.Aspire.Membership.Tests.Support;
using Scop.Aspire.ServiceDefaults.Security;
using Scop.Aspire.Testing;

namespace Scop.Aspire.Membership.Tests;

/// <summary>
/// A person's erasure in the register: afterwards its database holds nothing of them — not the register entry, not a
/// kept idempotent answer, not an outbox copy of an event — and nothing of them was ever written to a log or a span,
/// from their hire to their erasure.
/// </summary>
[Collection(MembershipServersCollection.Name)]
public sealed class ErasureTests(MembershipServers servers) : IAsyncLifetime
{
    private readonly TelemetryCapture telemetry = new();
    private MembershipApp app = null!;

    public async Task InitializeAsync() => app = await servers.StartAppAsync(capture: telemetry);

    public async Task DisposeAsync()
    {
        await app.DisposeAsync();
        telemetry.Dispose();
    }

    [Fact]
    public async Task After_erasure_the_register_database_holds_nothing_of_the_person_and_no_log_or_span_ever_did()
    {
        using var admin = app.CreateClient(TestTokens.For(PlatformAudiences.Membership, PlatformRoles.ConfederationAdmin));
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var hire = new
        {
            givenName = $"Héloïse{suffix}", familyName = $"Marchand{suffix}", email = $"heloise.{suffix}@example.coop",
            phone = "+33 6 71 82 93 04", birthDate = "1961-02-17", role = "worker-member", hiredOn = "2025-09-01",
        };

        using var registered = await admin.SendAsync(TestData.Post(TestData.Registration()));
        var cooperative = (await registered.ReadJsonAsync()).GetProperty("id").GetGuid();
        var hireKey = $"hire-{Guid.NewGuid():N}";
        using var hired = await admin.SendAsync(Post($"/api/membership/cooperatives/{cooperative}/people", hire, hireKey));
        Assert.Equal(HttpStatusCode.Created, hired.StatusCode);
        var person = (await hired.ReadJsonAsync()).GetProperty("id").GetGuid();
        using var enrolled = await admin.SendAsync(Post($"/api/membership/people/{person}/benefit-enrolments",
            new { benefitCode = "scop-agir-card", consentedFields = new[] { "givenName", "familyName", "email", "birthDate" } },
            $"enrol-{Guid.NewGuid():N}"));
        Assert.Equal(HttpStatusCode.Created, enrolled.StatusCode);
        using var export = await admin.GetAsync($"/api/membership/people/{person}/export");
        Assert.Contains(hire.email, await export.Content.ReadAsStringAsync());

        // Before: the person is in the register, in the kept answer of their hire and in the enrolment's event.
        string[] needles = [suffix, hire.email, "1961-02-17", "71 82 93 04", "671829304", person.ToString()];
        Assert.NotEmpty(await DatabaseScan.FindAsync(app.DatabaseConnectionString, needles));
        await WaitUntilAsync(async () => await app.QueryScalarAsync<long>(
            "SELECT count(*) FROM outbox_messages WHERE sent_at IS NULL") == 0, "the events about them are published");

        using var erased = await admin.PostAsync($"/api/membership/people/{person}/erasure", null);
        Assert.Equal(HttpStatusCode.OK, erased.StatusCode);

        // After: nowhere, in any text or JSON column; the erasure's own event is published and not kept.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        List<string> found;
        while ((found = await DatabaseScan.FindAsync(app.DatabaseConnectionString, needles)).Count > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        Assert.Empty(found);

        // A late retry of the hire is still answered — its status, with nothing of the person — and hires no one again.
        using var retried = await admin.SendAsync(Post($"/api/membership/cooperatives/{cooperative}/people", hire, hireKey));
        Assert.Equal(HttpStatusCode.Created, retried.StatusCode);
        Assert.Equal("true", Assert.Single(retried.Headers.GetValues("Idempotent-Replayed")));
        Assert.Empty(await retried.Content.ReadAsStringAsync());
        Assert.Equal(1L, await app.QueryScalarAsync<long>("SELECT count(*) FROM people WHERE cooperative_id = @c", ("c", cooperative)));

        Assert.True(telemetry.SpanCount > 0 && telemetry.LogCount > 0, $"{telemetry.SpanCount} spans, {telemetry.LogCount} log entries");
        Assert.Empty(telemetry.Containing(needles[..^1].Append(hire.givenName).Append(hire.familyName)));
    }

    private static HttpRequestMessage Post(string path, object body, string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", key);
        return request;
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Not within 30 s: {what}");
            await Task.Delay(100);
        }
    }
}
