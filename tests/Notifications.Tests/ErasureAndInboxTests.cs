using System.Net;
using System.Net.Http.Json;
using Scop.Aspire.Contracts.Membership;
using Scop.Aspire.Contracts.Training;
using Scop.Aspire.Notifications.Tests.Support;
using Scop.Aspire.Testing;

namespace Scop.Aspire.Notifications.Tests;

/// <summary>The inbox a person reads (paged, marked read, theirs only), and erasure that purges everything about them.</summary>
[Collection(NotificationsServersCollection.Name)]
public sealed class ErasureAndInboxTests(NotificationsServers servers, NotificationsAppPerClass perClass)
    : NotificationsTestBase(servers, perClass), IClassFixture<NotificationsAppPerClass>
{
    [Fact]
    public async Task The_inbox_pages_newest_first_counts_unread_and_marks_read()
    {
        var person = await App.HireAsync();
        var events = new List<Guid>();
        for (var i = 0; i < 5; i++)
        {
            var released = new BookingReleased(Guid.NewGuid(), App.Time.GetUtcNow(), Guid.NewGuid(), Guid.NewGuid(), "HoldExpired", [person.Id]);
            events.Add(released.EventId);
            await App.PublishAsync(released);
            await App.SettledAsync(released.EventId, "sent");
            App.Time.Advance(TimeSpan.FromMinutes(1)); // one a minute: newest first is the reverse of this order
        }

        using var client = App.ClientOf(person.Id);
        var seen = new List<InboxEntry>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await client.GetFromJsonAsync<InboxPage>(
                "/api/notifications/me/notifications?limit=2" + (cursor is null ? "" : $"&before={Uri.EscapeDataString(cursor)}"), NotificationsApp.Json);
            seen.AddRange(page!.Items);
            cursor = page.NextCursor;
            pages++;
        }
        while (cursor is not null);

        Assert.Equal(3, pages);
        var deliveries = new List<Delivery>();
        foreach (var id in events)
        {
            deliveries.Add(Assert.Single(await App.DeliveriesOfAsync(id)));
        }

        Assert.Equal(deliveries.Select(d => d.Id).Reverse(), seen.Select(e => e.Id));
        Assert.Equal(5, (await client.GetFromJsonAsync<UnreadCount>("/api/notifications/me/notifications/unread-count", NotificationsApp.Json))!.Unread);

        using (var read = await client.PostAsync($"/api/notifications/me/notifications/{seen[0].Id}/read", null))
        {
            Assert.Equal(HttpStatusCode.OK, read.StatusCode);
            Assert.NotNull((await read.Content.ReadFromJsonAsync<InboxEntry>(NotificationsApp.Json))!.ReadAt);
        }

        Assert.Equal(4, (await client.GetFromJsonAsync<UnreadCount>("/api/notifications/me/notifications/unread-count", NotificationsApp.Json))!.Unread);
        var unread = await client.GetFromJsonAsync<InboxPage>("/api/notifications/me/notifications?unread=true", NotificationsApp.Json);
        Assert.DoesNotContain(unread!.Items, e => e.Id == seen[0].Id);

        using (var all = await client.PostAsync("/api/notifications/me/notifications/read-all", null))
        {
            Assert.Equal(HttpStatusCode.OK, all.StatusCode);
        }

        Assert.Equal(0, (await client.GetFromJsonAsync<UnreadCount>("/api/notifications/me/notifications/unread-count", NotificationsApp.Json))!.Unread);

        using var other = App.ClientOf(Guid.NewGuid());
        using var notTheirs = await other.GetAsync($"/api/notifications/me/notifications/{seen[1].Id}");
        Assert.Equal(HttpStatusCode.NotFound, notTheirs.StatusCode);
        using var notTheirsToMark = await other.PostAsync($"/api/notifications/me/notifications/{seen[1].Id}/read", null);
        Assert.Equal(HttpStatusCode.NotFound, notTheirsToMark.StatusCode);
        Assert.Empty((await other.GetFromJsonAsync<InboxPage>("/api/notifications/me/notifications", NotificationsApp.Json))!.Items);
    }

    [Theory]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=101", "limit")]
    [InlineData("before=bm90LWEtY3Vyc29y", "before")]
    public async Task A_bad_page_request_is_a_400_naming_the_field(string query, string field)
    {
        var person = await App.HireAsync();
        using var client = App.ClientOf(person.Id);

        using var response = await client.GetAsync($"/api/notifications/me/notifications?{query}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains($"\"{field}\"", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Erasure_purges_the_address_the_notifications_and_the_preferences_and_later_events_tell_nobody()
    {
        var person = await App.HireAsync();
        using var client = App.ClientOf(person.Id);
        using (var set = new HttpRequestMessage(HttpMethod.Put, "/api/notifications/me/preferences"))
        {
            set.Headers.TryAddWithoutValidation("If-Match", "*");
            set.Content = JsonContent.Create(new { kinds = new[] { new { kind = "waitlist-offer", email = false, inbox = true } } });
            Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(set)).StatusCode);
        }

        var released = new BookingReleased(Guid.NewGuid(), App.Time.GetUtcNow(), Guid.NewGuid(), Guid.NewGuid(), "HoldExpired", [person.Id]);
        await App.PublishAsync(released);
        await App.SettledAsync(released.EventId, "sent");
        var bystander = await App.HireAsync();
        var theirs = new BookingReleased(Guid.NewGuid(), App.Time.GetUtcNow(), Guid.NewGuid(), Guid.NewGuid(), "HoldExpired", [bystander.Id]);
        await App.PublishAsync(theirs);
        await App.SettledAsync(theirs.EventId, "sent");

        await App.PublishAsync(new PersonErased(Guid.NewGuid(), App.Time.GetUtcNow(), person.Id));
        await Eventually.HoldsAsync(() => App.QueryScalarAsync<long>("SELECT count(*) FROM recipients WHERE person_id = @p", ("p", person.Id)),
            n => n == 0, "the address purged");

        Assert.Equal(0, await App.QueryScalarAsync<long>("SELECT count(*) FROM notifications WHERE recipient_id = @p", ("p", person.Id)));
        Assert.Equal(0, await App.QueryScalarAsync<long>("SELECT count(*) FROM preferences WHERE person_id = @p", ("p", person.Id)));
        Assert.Equal(0, await App.QueryScalarAsync<long>(
            "SELECT count(*) FROM notifications WHERE body LIKE @e OR email_to LIKE @e", ("e", $"%{person.Email}%")));
        Assert.Empty(await App.InboxAsync(person.Id));
        Assert.Single(await App.InboxAsync(bystander.Id)); // someone else's stay

        // An event about the erased person, arriving late, tells nobody; a repeated hire does not bring the address back.
        var late = new WaitlistOfferMade(Guid.NewGuid(), App.Time.GetUtcNow(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), 1,
            App.Time.GetUtcNow().AddHours(48), [person.Id]);
        await App.PublishAsync(new PersonHired(Guid.NewGuid(), App.Time.GetUtcNow(), person.Id, person.Cooperative, "urscop-aura",
            new DateOnly(2026, 1, 5), PersonRoles.Employee, person.Email));
        await App.PublishAsync(late);
        await Eventually.HoldsAsync(() => Task.FromResult(App.ConsumedCount(late.EventId)), n => n >= 1, "the late event consumed");
        Assert.Empty(await App.DeliveriesOfAsync(late.EventId));
        Assert.Equal(0, await App.QueryScalarAsync<long>("SELECT count(*) FROM recipients WHERE person_id = @p", ("p", person.Id)));

        // As someone with a dump of the database would look: neither the address nor the id is in any column, the
        // platform's tables included (the erasure is remembered by a digest of the id); the bystander's still are.
        Assert.Empty(await DatabaseScan.FindAsync(App.DatabaseConnectionString, [person.Email!, person.Id.ToString()], includeUuids: true));
        Assert.NotEmpty(await DatabaseScan.FindAsync(App.DatabaseConnectionString, [bystander.Id.ToString()], includeUuids: true));
    }

    private sealed record UnreadCount(int Unread);
}
