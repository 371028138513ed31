using System.Net.Http.Json;
using System.Text.Json;
using Scop.Aspire.Ambassadors.Tests.Support;
using Scop.Aspire.ServiceDefaults;

namespace Scop.Aspire.Ambassadors.Tests;

/// <summary>
/// A label lasts three years (<c>LabelYears</c>); 90 days before its end (<c>RenewalNotice</c>) a durable timer asks its
/// manager for the renewal; an approved renewal extends it from its end; a label reaching its end unrenewed expires and
/// leaves the directory. All on the service's (fake) clock.
/// </summary>
[Collection(AmbassadorsServersCollection.Name)]
public sealed class LabelTimerTests(AmbassadorsServers servers, AmbassadorsAppPerClass perClass)
    : AmbassadorsTestBase(servers, perClass), IClassFixture<AmbassadorsAppPerClass>
{
    [Fact]
    public async Task The_renewal_is_asked_before_the_end_a_renewed_label_runs_on_and_an_unrenewed_one_expires()
    {
        var (renewedCooperative, renewed) = await App.LabelledAsync(Client);
        var (_, unrenewed) = await App.LabelledAsync(Client);
        var endsOn = DateOnly.Parse((await GetAsync(renewed)).GetProperty("labelEndsOn").GetString()!);
        var end = ParisCalendar.StartOf(endsOn.AddDays(1));

        // A day before the notice: nothing asked yet.
        App.Advance(end - TimeSpan.FromDays(91) - App.Time.GetUtcNow());
        await Task.Delay(300);
        Assert.Equal(0, await App.EventsAsync("AmbassadeRenewalDue", renewed));

        // The notice: both managers are asked.
        App.Advance(TimeSpan.FromDays(1) + TimeSpan.FromMinutes(1));
        foreach (var id in new[] { renewed, unrenewed })
        {
            await AmbassadorsApp.WaitUntilAsync(async () => await App.EventsAsync("AmbassadeRenewalDue", id) == 1,
                "the renewal was asked 90 days before the label's end");
        }

        Assert.Equal(1, await App.ScalarAsync(
            "SELECT count(*) FROM outbox_messages WHERE message_type LIKE '%AmbassadeRenewalDue,%' AND body->>'ambassadeId' = @id AND body->>'labelEndsOn' = @end",
            ("id", renewed.ToString()), ("end", endsOn.ToString("yyyy-MM-dd"))));

        // One manager asks for the renewal; the delegate reviews and approves it: three more years from the end.
        using var manager = App.ManagerClient(renewedCooperative);
        using (var request = new HttpRequestMessage(HttpMethod.Post, "/api/ambassadors/me/ambassade/renewal")
               { Content = JsonContent.Create(new { motivation = "Trois ans de plus d'accueil." }) })
        {
            request.Headers.TryAddWithoutValidation("If-Match", await AmbassadorsApp.ETagAsync(Client, renewed));
            var asked = await (await manager.SendAsync(request)).ExpectAsync(200);
            Assert.True(asked.GetProperty("awaitsDecision").GetBoolean());
            Assert.Equal("Labelled", asked.GetProperty("status").GetString());
        }

        Assert.Equal(1, await App.ScalarAsync(
            "SELECT count(*) FROM outbox_messages WHERE message_type LIKE '%AmbassadeApplied,%' AND body->>'ambassadeId' = @id AND (body->>'renewal')::boolean",
            ("id", renewed.ToString())));
        await (await AmbassadorsApp.StepAsync(Client, renewed, "approve", new { })).ExpectRuleAsync("reviewed-before-approval");
        await (await AmbassadorsApp.StepAsync(Client, renewed, "review", App.Checklist())).ExpectAsync(200);
        var extended = await (await AmbassadorsApp.StepAsync(Client, renewed, "approve", new { })).ExpectAsync(200);
        Assert.Equal(endsOn.AddYears(3), DateOnly.Parse(extended.GetProperty("labelEndsOn").GetString()!));
        Assert.False(extended.GetProperty("awaitsDecision").GetBoolean());
        Assert.Equal(1, await App.ScalarAsync(
            "SELECT count(*) FROM outbox_messages WHERE message_type LIKE '%AmbassadeLabelled,%' AND body->>'ambassadeId' = @id AND (body->>'renewal')::boolean",
            ("id", renewed.ToString())));
        // A renewal orders no second signage kit (the first label's order was sent, and left the outbox, years ago).
        Assert.Equal(0, await App.EventsAsync("SignageKitOrdered", renewed));

        // The end passes: the unrenewed label expires and leaves the directory; the renewed one's old timer finds it
        // running to its new end.
        App.Advance(end + TimeSpan.FromMinutes(1) - App.Time.GetUtcNow());
        await AmbassadorsApp.WaitUntilAsync(async () => await App.EventsAsync("AmbassadeExpired", unrenewed) == 1, "the unrenewed label expired");
        await AmbassadorsApp.WaitUntilAsync(async () => await App.ScalarAsync(
            "SELECT count(*) FROM inbox_messages WHERE consumer LIKE '%LabelEndConsumer'") == 2, "both end timers fired");
        Assert.Equal("Expired", (await GetAsync(unrenewed)).GetProperty("status").GetString());
        Assert.Equal("Labelled", (await GetAsync(renewed)).GetProperty("status").GetString());
        Assert.Equal(0, await App.EventsAsync("AmbassadeExpired", renewed));
        var listed = await DirectoryIdsAsync();
        Assert.Contains(renewed, listed);
        Assert.DoesNotContain(unrenewed, listed);
        var history = (await (await Client.GetAsync($"/api/ambassadors/ambassades/{unrenewed}/history")).ExpectAsync(200)).EnumerateArray().ToList();
        Assert.Equal(["Applied", "Reviewed", "Labelled", "RenewalDue", "Expired"], history.Select(l => l.GetProperty("step").GetString()));
        Assert.Equal("timer", history[^1].GetProperty("actorRole").GetString());

        // The renewed label's own notice comes 90 days before its new end, once.
        var newEnd = ParisCalendar.StartOf(endsOn.AddYears(3).AddDays(1));
        App.Advance(newEnd - TimeSpan.FromDays(90) + TimeSpan.FromMinutes(1) - App.Time.GetUtcNow());
        await AmbassadorsApp.WaitUntilAsync(async () => await App.ScalarAsync(
            "SELECT count(*) FROM ambassade_history WHERE ambassade_id = @id AND step = 'RenewalDue'", ("id", renewed)) == 2,
            "the renewed label's notice came");
    }

    private async Task<JsonElement> GetAsync(Guid id) => await (await Client.GetAsync($"/api/ambassadors/ambassades/{id}")).ExpectAsync(200);

    private async Task<List<Guid>> DirectoryIdsAsync() =>
        (await (await Public.GetAsync($"/api/ambassadors/directory?commune={AmbassadorsApp.Lyon}&pageSize=100")).ExpectAsync(200))
            .GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetGuid()).ToList();
}
