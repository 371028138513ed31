using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Scop.Aspire.Contracts.Membership;
using Scop.Aspire.Contracts.Training;
using Scop.Aspire.Notifications.Tests.Support;
using Scop.Aspire.Testing;

namespace Scop.Aspire.Notifications.Tests;

/// <summary>A person chooses, kind by kind, e-mail, inbox, both or neither; what they chose is what happens.</summary>
[Collection(NotificationsServersCollection.Name)]
public sealed class PreferencesTests(NotificationsServers servers, NotificationsAppPerClass perClass)
    : NotificationsTestBase(servers, perClass), IClassFixture<NotificationsAppPerClass>
{
    [Fact]
    public async Task Every_kind_comes_both_ways_until_the_person_chooses()
    {
        var person = await App.HireAsync();
        using var client = App.ClientOf(person.Id);

        using var response = await client.GetAsync("/api/notifications/me/preferences");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var preferences = await response.Content.ReadFromJsonAsync<PreferencesBody>(NotificationsApp.Json);
        Assert.Contains(preferences!.Kinds, k => k.Kind == "waitlist-offer" && k.Email && k.Inbox);
        Assert.All(preferences.Kinds, k => Assert.True(k.Email && k.Inbox));
        Assert.Equal(response.Headers.ETag!.Tag, preferences.ETag);
    }

    [Fact]
    public async Task Email_off_inbox_off_or_both_off_are_respected()
    {
        var person = await App.HireAsync(PersonRoles.Manager);
        using var client = App.ClientOf(person.Id);
        var set = await SetAsync(client, """
            {"kinds":[{"kind":"booking-released","email":false,"inbox":true},
                      {"kind":"mandate-started","email":true,"inbox":false},
                      {"kind":"training-completed","email":false,"inbox":false}]}
            """);
        Assert.Equal(HttpStatusCode.OK, set.StatusCode);

        var now = App.Time.GetUtcNow();
        var released = new BookingReleased(Guid.NewGuid(), now, Guid.NewGuid(), Guid.NewGuid(), "SessionCancelled", [person.Id]);
        var mandate = new MandateStarted(Guid.NewGuid(), now, Guid.NewGuid(), person.Id, "Federal", "Conseiller fédéral",
            "urscop-aura", new DateOnly(2027, 1, 1), null);
        var completed = new TrainingCompleted(Guid.NewGuid(), now, person.Id, Guid.NewGuid(), "Gérer une SCOP", "Management",
            Guid.NewGuid(), "SCOP-2026-000077", new DateOnly(2026, 11, 2), "Manager", "urscop-aura", person.Cooperative);
        var renewed = new MembershipRenewed(Guid.NewGuid(), now, Guid.NewGuid(), person.Cooperative, "urscop-aura",
            new DateOnly(2027, 1, 1), new DateOnly(2027, 12, 31)); // a kind left as it was: both ways
        await App.PublishAsync(released);
        await App.PublishAsync(mandate);
        await App.PublishAsync(completed);
        await App.PublishAsync(renewed);

        Assert.True(Assert.Single(await App.SettledAsync(released.EventId, "skipped")).InInbox);
        Assert.False(Assert.Single(await App.SettledAsync(mandate.EventId, "sent")).InInbox);
        await App.SettledAsync(renewed.EventId, "sent");
        await Eventually.HoldsAsync(() => Task.FromResult(App.ConsumedCount(completed.EventId)), n => n >= 1, "the completion consumed");
        Assert.Empty(await App.DeliveriesOfAsync(completed.EventId));

        var inbox = await App.InboxAsync(person.Id);
        Assert.Equal(["booking-released", "membership-renewed"], inbox.Select(e => e.Kind).Order());
        var mail = await Eventually.HoldsAsync(() => Mail.MessagesToAsync(person.Email!), m => m.Count >= 2, "two e-mails");
        Assert.Equal(["mandate-started", "membership-renewed"], mail.Select(m => m.Headers["X-Scop-Kind"]).Order());
    }

    [Fact]
    public async Task A_change_needs_the_version_read_and_a_stale_one_is_refused()
    {
        var person = await App.HireAsync();
        using var client = App.ClientOf(person.Id);
        const string body = """{"kinds":[{"kind":"waitlist-offer","email":false,"inbox":true}]}""";

        using (var missing = await SetAsync(client, body, ifMatch: null))
        {
            Assert.Equal(HttpStatusCode.PreconditionRequired, missing.StatusCode);
        }

        var etag = (await client.GetAsync("/api/notifications/me/preferences")).Headers.ETag!.Tag;
        using (var first = await SetAsync(client, body, etag))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
            Assert.NotEqual(etag, first.Headers.ETag!.Tag);
        }

        using (var stale = await SetAsync(client, """{"kinds":[{"kind":"waitlist-offer","email":true,"inbox":true}]}""", etag))
        {
            Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
        }

        var now = await client.GetFromJsonAsync<PreferencesBody>("/api/notifications/me/preferences", NotificationsApp.Json);
        Assert.Contains(now!.Kinds, k => k.Kind == "waitlist-offer" && !k.Email && k.Inbox);
    }

    [Theory]
    [InlineData("""{"kinds":[{"kind":"spam","email":true,"inbox":true}]}""", "kinds[0].kind")]
    [InlineData("""{"kinds":[{"kind":"account-invitation","email":false,"inbox":false}]}""", "kinds[0].kind")]
    [InlineData("""{"kinds":[{"kind":"waitlist-offer","inbox":true}]}""", "kinds[0].email")]
    [InlineData("""{"kinds":[{"kind":"waitlist-offer","email":"no","inbox":true}]}""", "kinds[0].email")]
    [InlineData("""{"kinds":[]}""", "kinds")]
    [InlineData("""{"kinds":[{"kind":"waitlist-offer","email":true,"inbox":true},{"kind":"waitlist-offer","email":false,"inbox":true}]}""", "kinds[1].kind")]
    [InlineData("""{"kinds":[],"personId":"0195a3c4-1f00-7000-8000-000000000001"}""", "personId")]
    public async Task Bad_input_is_a_400_naming_the_field_and_changes_nothing(string body, string field)
    {
        var person = await App.HireAsync();
        using var client = App.ClientOf(person.Id);

        using var response = await SetAsync(client, body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.True(problem.RootElement.GetProperty("errors").TryGetProperty(field, out _), problem.RootElement.ToString());
        Assert.Equal(0, await App.QueryScalarAsync<long>("SELECT count(*) FROM preferences WHERE person_id = @p", ("p", person.Id)));
    }

    private static async Task<HttpResponseMessage> SetAsync(HttpClient client, string json, string? ifMatch = "*")
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, "/api/notifications/me/preferences")
        {
            Content = new StringContent(json, Encoding.UTF8, "application/json"),
        };
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        return await client.SendAsync(request);
    }

    private sealed record Choice(string Kind, bool Email, bool Inbox);

    private sealed record PreferencesBody(IReadOnlyList<Choice> Kinds, string ETag);
}
