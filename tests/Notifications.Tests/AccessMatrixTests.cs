using Scop.Aspire.Contracts.Training;
using Scop.Aspire.Notifications.Tests.Support;
using Scop.Aspire.ServiceDefaults.Security;
using Scop.Aspire.Testing.Access;
using static Scop.Aspire.Testing.Access.AccessRequests;

namespace Scop.Aspire.Notifications.Tests;

/// <summary>
/// Every endpoint the service maps, against every kind of caller: a person's inbox and preferences are theirs alone
/// (by the token's person_id: someone else's notification does not exist for them, a token naming no person has an
/// empty inbox and no preferences); the delivery log is the confederation staff's; partners' machine clients have none.
/// </summary>
[Collection(NotificationsServersCollection.Name)]
public sealed class AccessMatrixTests(NotificationsServers servers, NotificationsAppPerClass perClass)
    : NotificationsTestBase(servers, perClass), IClassFixture<NotificationsAppPerClass>
{
    [Fact]
    public async Task Every_mapped_endpoint_names_a_policy_and_answers_each_caller_as_the_matrix_says()
    {
        var person = await App.HireAsync();
        var released = new BookingReleased(Guid.NewGuid(), App.Time.GetUtcNow(), Guid.NewGuid(), Guid.NewGuid(), "SessionCancelled", [person.Id]);
        await App.PublishAsync(released);
        var notification = Assert.Single(await App.SettledAsync(released.EventId, "sent")).Id;
        var booking = released.BookingId.ToString(); // in the message's links only
        var subject = new AccessSubject(person.Cooperative, "urscop-aura", person.Id);
        const string preferences = """{"kinds":[{"kind":"mandate-started","email":true,"inbox":true}]}""";

        var matrix = new AccessMatrix()
            //                                                                      anon mem  self mgr  mgr2 elec dlg  dlg2 fed  adm  partner
            .Row("GET /api/notifications/ping",                                    "* 200", () => Get("/api/notifications/ping"))
            .Row("* /health",                                                      "* 200", () => Get("/health"))
            .Row("* /alive",                                                       "* 200", () => Get("/alive"))
            .Row("GET /openapi/{documentName}.json",                               "* 200", () => Get("/openapi/v1.json"))
            .Row("GET /api/notifications/me/notifications/",                       "401 200- 200 200- 200- 200- 200- 200- 200- 200- 403",
                () => Get("/api/notifications/me/notifications"), marker: booking)
            .Row("GET /api/notifications/me/notifications/unread-count",           "401 200 200 200 200 200 200 200 200 200 403",
                () => Get("/api/notifications/me/notifications/unread-count"))
            .Row("GET /api/notifications/me/notifications/{id:guid}",              "401 404 200 404 404 404 404 404 404 404 403",
                () => Get($"/api/notifications/me/notifications/{notification}"), marker: booking)
            .Row("POST /api/notifications/me/notifications/{id:guid}/read",        "401 404 200 404 404 404 404 404 404 404 403",
                () => Post($"/api/notifications/me/notifications/{notification}/read"), marker: booking)
            .Row("POST /api/notifications/me/notifications/read-all",              "401 200 200 200 200 200 200 200 200 200 403",
                () => Post("/api/notifications/me/notifications/read-all"))
            .Row("GET /api/notifications/me/preferences/",                         "401 200 200 404 404 404 404 404 404 404 403",
                () => Get("/api/notifications/me/preferences"))
            .Row("PUT /api/notifications/me/preferences/",                         "401 200 200 404 404 404 404 404 404 404 403",
                () => WithIfMatch(Put("/api/notifications/me/preferences", preferences)))
            .Row("GET /api/notifications/notifications/",                          "401 403 403 403 403 403 403 403 200 200 403",
                () => Get($"/api/notifications/notifications?recipientId={person.Id}"), marker: notification.ToString())
            .Row("POST /api/notifications/notifications/{id:guid}/retry",          "401 403 403 403 403 403 403 403 409 409 403",
                () => Post($"/api/notifications/notifications/{notification}/retry"));

        matrix.AssertCoversEveryEndpoint(App.Services);
        using var client = App.CreateClient();
        await matrix.AssertOutcomesAsync(client,
            caller => Task.FromResult(AccessCallers.TokenOf(caller, PlatformAudiences.Notifications, subject)));
    }

    private static HttpRequestMessage WithIfMatch(HttpRequestMessage request)
    {
        request.Headers.TryAddWithoutValidation("If-Match", "*");
        return request;
    }
}
