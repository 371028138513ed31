using System.Net.Http.Json;
using System.Text.Json;
using Scop.Aspire.Ambassadors.Tests.Support;

namespace Scop.Aspire.Ambassadors.Tests;

/// <summary>
/// A project holder's enquiry: sent anonymously to an Ambassade of the directory or to the nearest one, every field
/// checked, its text kept inert, followed and withdrawn through the private link, read and answered by the Ambassade's
/// manager and its union only.
/// </summary>
[Collection(AmbassadorsServersCollection.Name)]
public sealed class EnquiryTests(AmbassadorsServers servers, AmbassadorsAppPerClass perClass)
    : AmbassadorsTestBase(servers, perClass), IClassFixture<AmbassadorsAppPerClass>
{
    private const string Enquiries = "/api/ambassadors/enquiries";

    [Fact]
    public async Task An_enquiry_reaches_the_chosen_Ambassade_or_the_nearest_and_its_event_names_no_person()
    {
        var (_, chosen) = await App.LabelledAsync(Client);
        var sent = await (await Public.PostAsJsonAsync(Enquiries, AmbassadorsApp.Enquiry(chosen))).ExpectAsync(201);
        Assert.Equal(chosen, sent.GetProperty("ambassadeId").GetGuid());
        var token = sent.GetProperty("followToken").GetString()!;
        Assert.Equal(43, token.Length);
        var id = sent.GetProperty("id").GetGuid();

        // Only the token's hash is kept.
        Assert.Equal(0, await App.ScalarAsync("SELECT count(*) FROM enquiries WHERE follow_token_hash = @t", ("t", token)));
        Assert.Equal(1, await App.ScalarAsync("SELECT count(*) FROM enquiries WHERE id = @id AND length(follow_token_hash) = 64", ("id", id)));

        // The event: ids, Ambassade, union, sector, commune — no name, contact or text.
        var body = await App.QueryScalarAsync<string>(
            "SELECT body::text FROM outbox_messages WHERE message_type LIKE '%EnquiryReceived,%' AND body->>'enquiryId' = @id",
            [("id", id.ToString())]);
        Assert.Contains("\"regionalUnion\": \"urscop-aura\"", body);
        Assert.Contains("\"sector\": \"16\"", body);
        foreach (var personal in new[] { "Camille", "camille@example.fr", "12 34", "menuiserie" })
        {
            Assert.DoesNotContain(personal, body);
        }

        // Two durable timers wait for the deadlines.
        Assert.Equal(2, await App.ScalarAsync(
            "SELECT count(*) FROM outbox_messages WHERE message_type LIKE '%EnquiryDeadlineDue,%' AND body->>'enquiryId' = @id AND not_before IS NOT NULL",
            ("id", id.ToString())));

        // "nearest": the labelled Ambassade nearest to the project's commune (Bayonne's, for a project in Anglet).
        var basque = (await App.InsertAmbassadesAsync([("64102", "16.23Z")], namePrefix: "Scop basque"))[0];
        var nearest = await (await Public.PostAsJsonAsync(Enquiries, AmbassadorsApp.Enquiry("nearest", communeCode: "64024"))).ExpectAsync(201);
        Assert.Equal(basque, nearest.GetProperty("ambassadeId").GetGuid());
        var followed = await (await Public.GetAsync(nearest.GetProperty("followPath").GetString())).ExpectAsync(200);
        Assert.Equal("Received", followed.GetProperty("status").GetString());
        Assert.StartsWith("Scop basque", followed.GetProperty("ambassadeName").GetString());
        Assert.False(followed.TryGetProperty("answer", out _)); // none yet (nulls are left out)
    }

    [Fact]
    public async Task Bad_fields_are_each_named_and_nothing_is_written()
    {
        var (_, ambassade) = await App.LabelledAsync(Client);
        var suspended = await App.AmbassadeAtAsync("Suspended", reviewed: true, "Scop suspendue");
        var withdrawn = await App.AmbassadeAtAsync("Withdrawn", reviewed: true, "Scop retirée");
        var before = await CountsAsync();

        await (await Public.PostAsJsonAsync(Enquiries, new { })).ExpectInvalidAsync(
            "ambassade", "project", "sector", "communeCode", "email", "consentToContact");
        var bad = AmbassadorsApp.Enquiry(ambassade);
        bad["sector"] = "00";
        bad["communeCode"] = "99999";
        bad["email"] = "pas une adresse";
        bad["phone"] = "appelez-moi";
        bad["consentToContact"] = false;
        await (await Public.PostAsJsonAsync(Enquiries, bad)).ExpectInvalidAsync("sector", "communeCode", "email", "phone", "consentToContact");
        var noContact = AmbassadorsApp.Enquiry(ambassade);
        noContact["email"] = null;
        noContact["phone"] = " ";
        await (await Public.PostAsJsonAsync(Enquiries, noContact)).ExpectInvalidAsync("email");
        await (await Public.PostAsJsonAsync(Enquiries, AmbassadorsApp.Enquiry(Guid.NewGuid()))).ExpectInvalidAsync("ambassade");
        await (await Public.PostAsJsonAsync(Enquiries, AmbassadorsApp.Enquiry("la-plus-proche"))).ExpectInvalidAsync("ambassade");
        // A suspended or withdrawn Ambassade is out of the directory: it receives nothing.
        await (await Public.PostAsJsonAsync(Enquiries, AmbassadorsApp.Enquiry(suspended))).ExpectInvalidAsync("ambassade");
        await (await Public.PostAsJsonAsync(Enquiries, AmbassadorsApp.Enquiry(withdrawn))).ExpectInvalidAsync("ambassade");
        // A field the form does not have.
        var extra = AmbassadorsApp.Enquiry(ambassade);
        extra["followToken"] = "mine";
        await (await Public.PostAsJsonAsync(Enquiries, extra)).ExpectInvalidAsync("followToken");

        Assert.Equal(before, await CountsAsync());
    }

    [Fact]
    public async Task Hostile_content_is_refused_or_kept_as_inert_text_and_the_honeypot_stores_nothing()
    {
        var (cooperative, ambassade) = await App.LabelledAsync(Client);
        var before = await CountsAsync();

        // A 100 kB text, a NUL byte: refused, by field.
        await (await Public.PostAsJsonAsync(Enquiries, AmbassadorsApp.Enquiry(ambassade, project: new string('a', 100_000))))
            .ExpectInvalidAsync("project");
        await (await Public.PostAsJsonAsync(Enquiries, AmbassadorsApp.Enquiry(ambassade, project: "Projet\0caché")))
            .ExpectInvalidAsync("project");

        // The honeypot: answered as if accepted, nothing stored, and its token follows nothing.
        var trap = AmbassadorsApp.Enquiry(ambassade);
        trap["website"] = "http://spam.example";
        var trapped = await (await Public.PostAsJsonAsync(Enquiries, trap)).ExpectAsync(201);
        await (await Public.GetAsync($"{Enquiries}/follow/{trapped.GetProperty("followToken").GetString()}")).ExpectAsync(404);
        Assert.Equal(before, await CountsAsync());

        // Markup and links are only text: kept as sent, answered in JSON, never rendered.
        const string Hostile = "<script>alert(1)</script> voir <a href=\"javascript:alert(2)\">ici</a> https://spam.example";
        var (id, token) = await App.SendEnquiryAsync(ambassade, Hostile);
        Assert.Equal(1, await App.ScalarAsync("SELECT count(*) FROM enquiries WHERE id = @id AND project = @p", ("id", id), ("p", Hostile)));
        using var manager = App.ManagerClient(cooperative);
        var read = await manager.GetAsync($"{Enquiries}/{id}");
        Assert.Equal("application/json", read.Content.Headers.ContentType?.MediaType);
        Assert.Equal(Hostile, (await read.ExpectAsync(200)).GetProperty("project").GetString());
        var followed = await Public.GetAsync($"{Enquiries}/follow/{token}");
        Assert.Equal("application/json", followed.Content.Headers.ContentType?.MediaType);
        Assert.Equal(Hostile, (await followed.ExpectAsync(200)).GetProperty("project").GetString());
    }

    [Fact]
    public async Task The_private_link_follows_and_withdraws_the_enquiry_erasing_the_person()
    {
        var (_, ambassade) = await App.LabelledAsync(Client);
        var (id, token) = await App.SendEnquiryAsync(ambassade);

        await (await Public.GetAsync($"{Enquiries}/follow/{token[..^1]}x")).ExpectAsync(404);
        await (await Public.GetAsync($"{Enquiries}/follow/nope")).ExpectAsync(404);
        await (await Public.PostAsync($"{Enquiries}/follow/{token[..^1]}x/withdraw", null)).ExpectAsync(404);

        var withdrawn = await (await Public.PostAsync($"{Enquiries}/follow/{token}/withdraw", null)).ExpectAsync(200);
        Assert.Equal("Withdrawn", withdrawn.GetProperty("status").GetString());
        Assert.False(withdrawn.TryGetProperty("project", out _));
        // Twice changes nothing.
        await (await Public.PostAsync($"{Enquiries}/follow/{token}/withdraw", null)).ExpectAsync(200);

        // The row stays for the figures, without anything about the person.
        Assert.Equal(1, await App.ScalarAsync(
            """
            SELECT count(*) FROM enquiries WHERE id = @id AND status = 'Withdrawn' AND project IS NULL AND name IS NULL
                AND email IS NULL AND phone IS NULL AND answer IS NULL AND NOT consent_to_contact AND sector = '16'
            """, ("id", id)));
        Assert.Equal(1, await App.ScalarAsync(
            "SELECT count(*) FROM outbox_messages WHERE message_type LIKE '%EnquiryWithdrawn,%' AND body->>'enquiryId' = @id",
            ("id", id.ToString())));
        // A withdrawn enquiry cannot be answered.
        await (await AnswerAsync(Client, id, "Bonjour !")).ExpectRuleAsync("answer-not-withdrawn");
    }

    [Fact]
    public async Task Only_the_Ambassades_manager_its_unions_delegates_and_staff_read_and_answer()
    {
        var (cooperative, ambassade) = await App.LabelledAsync(Client);
        var (otherCooperative, _) = await App.LabelledAsync(Client);
        var (id, token) = await App.SendEnquiryAsync(ambassade);
        using var manager = App.ManagerClient(cooperative);
        using var otherManager = App.ManagerClient(otherCooperative);
        using var delegateOfUnion = App.CreateClient(AmbassadorsApp.DelegateToken(AmbassadorsApp.Aura));
        using var otherDelegate = App.CreateClient(AmbassadorsApp.DelegateToken(AmbassadorsApp.Ouest));

        foreach (var reader in new[] { manager, delegateOfUnion, Client })
        {
            var read = await (await reader.GetAsync($"{Enquiries}/{id}")).ExpectAsync(200);
            Assert.Equal("camille@example.fr", read.GetProperty("email").GetString());
            var listed = await (await reader.GetAsync($"{Enquiries}?ambassadeId={ambassade}")).ExpectAsync(200);
            Assert.Contains(listed.GetProperty("items").EnumerateArray(), e => e.GetProperty("id").GetGuid() == id);
        }

        foreach (var stranger in new[] { otherManager, otherDelegate })
        {
            await (await stranger.GetAsync($"{Enquiries}/{id}")).ExpectAsync(404);
            var listed = await (await stranger.GetAsync($"{Enquiries}?ambassadeId={ambassade}")).ExpectAsync(200);
            Assert.Equal(0, listed.GetProperty("totalCount").GetInt64());
            await (await AnswerAsync(stranger, id, "Je réponds à la place.")).ExpectAsync(404);
        }

        // The version is in the body too, the same as the ETag header, and the answer carries the one it made.
        var one = await manager.GetAsync($"{Enquiries}/{id}");
        var version = one.Headers.ETag?.Tag;
        Assert.NotNull(version);
        Assert.Equal(version, (await one.ExpectAsync(200)).GetProperty("eTag").GetString());

        await (await Public.GetAsync(Enquiries)).ExpectAsync(401);
        await (await Public.GetAsync($"{Enquiries}/{id}")).ExpectAsync(401);

        // The first answer: If-Match required, a stale one refused, once only.
        using (var bare = new HttpRequestMessage(HttpMethod.Post, $"{Enquiries}/{id}/answer") { Content = JsonContent.Create(new { note = "Bonjour" }) })
        {
            await (await manager.SendAsync(bare)).ExpectAsync(428);
        }

        await (await AnswerAsync(manager, id, "Bonjour", "\"1\"")).ExpectAsync(412);
        await (await AnswerAsync(manager, id, " ")).ExpectInvalidAsync("note");
        var answered = await (await AnswerAsync(manager, id, "Venez nous voir jeudi à 18 h.")).ExpectAsync(200);
        Assert.Equal("Answered", answered.GetProperty("status").GetString());
        var afterAnswer = await manager.GetAsync($"{Enquiries}/{id}");
        Assert.NotEqual(version, afterAnswer.Headers.ETag?.Tag);
        Assert.Equal(afterAnswer.Headers.ETag?.Tag, answered.GetProperty("eTag").GetString());
        // The version read before the answer is stale now.
        await (await AnswerAsync(manager, id, "Encore", version)).ExpectAsync(412);
        await (await AnswerAsync(delegateOfUnion, id, "Encore")).ExpectRuleAsync("answer-once");
        var followed = await (await Public.GetAsync($"{Enquiries}/follow/{token}")).ExpectAsync(200);
        Assert.Equal("Answered", followed.GetProperty("status").GetString());
        Assert.Equal("Venez nous voir jeudi à 18 h.", followed.GetProperty("answer").GetString());
        Assert.Equal(1, await App.ScalarAsync(
            "SELECT count(*) FROM outbox_messages WHERE message_type LIKE '%EnquiryAnswered,%' AND body->>'enquiryId' = @id AND (body->>'onTime')::boolean",
            ("id", id.ToString())));
    }

    private async Task<(long Enquiries, long Outbox)> CountsAsync() => (
        await App.ScalarAsync("SELECT count(*) FROM enquiries"),
        await App.ScalarAsync("SELECT count(*) FROM outbox_messages WHERE message_type LIKE '%Enquiry%'"));

    internal static async Task<HttpResponseMessage> AnswerAsync(HttpClient client, Guid id, string note, string? etag = null)
    {
        etag ??= (await client.GetAsync($"{Enquiries}/{id}")).Headers.ETag?.Tag ?? "*";
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{Enquiries}/{id}/answer") { Content = JsonContent.Create(new { note }) };
        request.Headers.TryAddWithoutValidation("If-Match", etag);
        return await client.SendAsync(request);
    }
}
