using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Scop.Aspire.ServiceDefaults.Http;
using Scop.Aspire.Testing;

namespace Scop.Aspire.Messaging.Tests;

/// <summary>
/// The rules of <c>Idempotency-Key</c> (ServiceDefaults' filter) on a real service and database: whose key it is, which
/// request it names, which answers are kept, and how long.
/// </summary>
[Collection(MessagingCollection.Name)]
public sealed class IdempotencyTests(MessagingServers servers) : IAsyncLifetime
{
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 3, 2, 8, 0, 0, TimeSpan.Zero));
    private IdempotentService service = null!;

    // The purge sleeps for a year: these tests see what the filter alone does with an expired key.
    public async Task InitializeAsync() => service = await IdempotentService.StartAsync(servers, time, TimeSpan.FromDays(365));

    public async Task DisposeAsync() => await service.DisposeAsync();

    private static async Task<Answer> PostAsync(HttpClient client, string path, string key, string? answer = null,
        object? body = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body ?? new { name = "x" }) };
        request.Headers.Add(Idempotency.HeaderName, key);
        if (answer is not null)
        {
            request.Headers.Add(IdempotentService.AnswerHeader, answer);
        }

        using var response = await client.SendAsync(request);
        return new Answer(response.StatusCode, response.Headers.Contains(Idempotency.ReplayedHeaderName),
            response.Headers.Location?.ToString(), await response.Content.ReadAsStringAsync());
    }

    /// <summary>The same JSON, whatever its spacing (the kept copy is PostgreSQL's jsonb).</summary>
    private static bool SameJson(string a, string b) => JsonNode.DeepEquals(JsonNode.Parse(a), JsonNode.Parse(b));

    private sealed record Answer(HttpStatusCode Status, bool Replayed, string? Location, string Body);

    [Fact]
    public async Task A_key_is_its_callers_own_and_another_callers_key_of_that_name_runs_their_request()
    {
        using var alice = service.Client(IdempotentService.PersonToken("alice"));
        using var bruno = service.Client(IdempotentService.PersonToken("bruno"));

        var first = await PostAsync(alice, "/things/a", "k1");
        var brunos = await PostAsync(bruno, "/things/a", "k1");
        var aliceAgain = await PostAsync(alice, "/things/a", "k1");
        var brunoAgain = await PostAsync(bruno, "/things/a", "k1");

        Assert.Equal((HttpStatusCode.Created, false), (first.Status, first.Replayed));
        Assert.Equal((HttpStatusCode.Created, false), (brunos.Status, brunos.Replayed));
        Assert.NotEqual(first.Location, brunos.Location);
        Assert.Equal((first.Location, true), (aliceAgain.Location, aliceAgain.Replayed));
        Assert.True(SameJson(first.Body, aliceAgain.Body), aliceAgain.Body);
        Assert.Equal((brunos.Location, true), (brunoAgain.Location, brunoAgain.Replayed));
        Assert.True(SameJson(brunos.Body, brunoAgain.Body), brunoAgain.Body);
        Assert.Equal(["a", "a"], await service.EffectsAsync());
    }

    [Fact]
    public async Task A_machine_is_known_by_its_client_id_whatever_token_it_holds_and_a_person_using_that_client_by_their_own()
    {
        // Two tokens of one machine (a new one every 15 minutes): one caller. A person signed in through a client of
        // the same name is someone else.
        using var bank = service.Client(IdempotentService.MachineToken("credit-cooperatif"));
        using var bankLater = service.Client(IdempotentService.MachineToken("credit-cooperatif"));
        using var person = service.Client(TestTokensFor("someone", clientId: "credit-cooperatif"));

        var first = await PostAsync(bank, "/things/a", "k1");
        var retry = await PostAsync(bankLater, "/things/a", "k1");
        var persons = await PostAsync(person, "/things/a", "k1");

        Assert.False(first.Replayed);
        Assert.Equal((first.Location, true), (retry.Location, retry.Replayed));
        Assert.False(persons.Replayed);
        Assert.Equal(2, (await service.EffectsAsync()).Count);
        Assert.Equal(1, await service.CountAsync("SELECT count(*) FROM idempotency_keys WHERE caller = 'client:credit-cooperatif'"));
        Assert.Equal(1, await service.CountAsync("SELECT count(*) FROM idempotency_keys WHERE caller = 'user:someone'"));
    }

    private static string TestTokensFor(string subject, string clientId) =>
        TestTokens.Mint(IdempotentService.Audience, [], clientId: clientId, subject: subject);

    [Fact]
    public async Task The_same_key_on_another_path_or_query_is_another_request()
    {
        using var alice = service.Client(IdempotentService.PersonToken("alice"));

        var onA = await PostAsync(alice, "/things/a", "k1");
        var onB = await PostAsync(alice, "/things/b", "k1");
        var onAWithQuery = await PostAsync(alice, "/things/a?week=12", "k1");
        var onAAgain = await PostAsync(alice, "/things/a", "k1");

        Assert.All([onA, onB, onAWithQuery], a => Assert.Equal((HttpStatusCode.Created, false), (a.Status, a.Replayed)));
        Assert.Equal((onA.Location, true), (onAAgain.Location, onAAgain.Replayed));
        Assert.Equal(["a", "b", "a?week=12"], await service.EffectsAsync());
        Assert.Equal(["POST /things/a", "POST /things/a?week=12", "POST /things/b"],
            await TargetsAsync());
    }

    private async Task<List<string>> TargetsAsync()
    {
        await using var command = service.Services.GetRequiredService<Npgsql.NpgsqlDataSource>()
            .CreateCommand("SELECT target FROM idempotency_keys ORDER BY target");
        await using var reader = await command.ExecuteReaderAsync();
        var targets = new List<string>();
        while (await reader.ReadAsync())
        {
            targets.Add(reader.GetString(0));
        }

        return targets;
    }

    [Fact]
    public async Task A_success_is_kept_with_its_effect_and_the_same_key_with_another_body_is_a_422()
    {
        using var alice = service.Client(IdempotentService.PersonToken("alice"));

        var first = await PostAsync(alice, "/things/a", "k1");
        var retry = await PostAsync(alice, "/things/a", "k1");
        var other = await PostAsync(alice, "/things/a", "k1", body: new { name = "another" });

        Assert.Equal((HttpStatusCode.Created, true, first.Location), (retry.Status, retry.Replayed, retry.Location));
        Assert.True(SameJson(first.Body, retry.Body), retry.Body);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, other.Status);
        Assert.Equal(["a"], await service.EffectsAsync());
    }

    [Fact]
    public async Task A_validation_refusal_is_kept_and_answered_again()
    {
        using var alice = service.Client(IdempotentService.PersonToken("alice"));

        var refused = await PostAsync(alice, "/things/a", "k1", answer: "invalid");
        var retry = await PostAsync(alice, "/things/a", "k1"); // the same request: its answer is the refusal

        Assert.Equal((HttpStatusCode.BadRequest, false), (refused.Status, refused.Replayed));
        Assert.Equal((HttpStatusCode.BadRequest, true), (retry.Status, retry.Replayed));
        Assert.Contains("\"name\"", retry.Body);
        Assert.Empty(await service.EffectsAsync());
        Assert.Equal(400, await service.CountAsync("SELECT status_code::bigint FROM idempotency_keys WHERE key = 'k1'"));
    }

    [Fact]
    public async Task A_refusal_after_the_handler_wrote_is_kept_without_what_it_wrote()
    {
        using var alice = service.Client(IdempotentService.PersonToken("alice"));

        var refused = await PostAsync(alice, "/things/a", "k1", answer: "refused");
        var retry = await PostAsync(alice, "/things/a", "k1");

        Assert.Equal(HttpStatusCode.Conflict, refused.Status);
        Assert.Equal((HttpStatusCode.Conflict, true), (retry.Status, retry.Replayed));
        Assert.Empty(await service.EffectsAsync()); // the refusal stands alone: the handler's write was rolled back
    }

    [Theory]
    [InlineData("unavailable")]
    [InlineData("crash")]
    public async Task A_failure_keeps_nothing_and_the_retry_runs_again(string failure)
    {
        using var alice = service.Client(IdempotentService.PersonToken("alice"));

        var failed = await PostAsync(alice, "/things/a", "k1", answer: failure);
        Assert.True((int)failed.Status >= 500, failed.Body);
        Assert.Empty(await service.EffectsAsync());
        Assert.Equal(0, await service.CountAsync("SELECT count(*) FROM idempotency_keys"));

        var retry = await PostAsync(alice, "/things/a", "k1");
        Assert.Equal((HttpStatusCode.Created, false), (retry.Status, retry.Replayed));
        Assert.Equal(["a"], await service.EffectsAsync());
    }

    [Fact]
    public async Task A_kept_answer_lasts_a_day_then_the_key_is_free_again()
    {
        using var alice = service.Client(IdempotentService.PersonToken("alice"));
        var retention = new IdempotencyOptions().Retention;
        Assert.Equal(TimeSpan.FromHours(24), retention);

        var first = await PostAsync(alice, "/things/a", "k1");
        time.Advance(retention - TimeSpan.FromSeconds(1));
        var withinTheDay = await PostAsync(alice, "/things/a", "k1");
        time.Advance(TimeSpan.FromSeconds(1));
        var afterIt = await PostAsync(alice, "/things/a", "k1", body: new { name = "next day" });
        var retryOfThat = await PostAsync(alice, "/things/a", "k1", body: new { name = "next day" });

        Assert.Equal((first.Location, true), (withinTheDay.Location, withinTheDay.Replayed));
        Assert.Equal((HttpStatusCode.Created, false), (afterIt.Status, afterIt.Replayed));
        Assert.NotEqual(first.Location, afterIt.Location);
        Assert.Equal((afterIt.Location, true), (retryOfThat.Location, retryOfThat.Replayed));
        Assert.Equal(["a", "a"], await service.EffectsAsync());
        Assert.Equal(1, await service.CountAsync("SELECT count(*) FROM idempotency_keys"));
    }

    [Fact]
    public async Task A_request_target_too_long_to_keep_is_a_400_naming_the_header_and_runs_nothing()
    {
        using var alice = service.Client(IdempotentService.PersonToken("alice"));

        var refused = await PostAsync(alice, $"/things/a?q={new string('q', IdempotencyRecord.MaxTargetLength)}", "k1");

        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.Contains(Idempotency.HeaderName, refused.Body);
        Assert.Empty(await service.EffectsAsync());
    }
}

/// <summary>The purge of expired answers, as each service runs it in the background.</summary>
[Collection(MessagingCollection.Name)]
public sealed class IdempotencyExpiryTests(MessagingServers servers)
{
    [Fact]
    public async Task Expired_answers_are_deleted_by_the_background_purge_and_younger_ones_stay()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 2, 8, 0, 0, TimeSpan.Zero));
        await using var service = await IdempotentService.StartAsync(servers, time);
        using var alice = service.Client(IdempotentService.PersonToken("alice"));

        using (var request = new HttpRequestMessage(HttpMethod.Post, "/things/old") { Content = JsonContent.Create(new { name = "x" }) })
        {
            request.Headers.Add(Idempotency.HeaderName, "old");
            Assert.Equal(HttpStatusCode.Created, (await alice.SendAsync(request)).StatusCode);
        }

        time.Advance(TimeSpan.FromHours(12));
        using (var request = new HttpRequestMessage(HttpMethod.Post, "/things/young") { Content = JsonContent.Create(new { name = "x" }) })
        {
            request.Headers.Add(Idempotency.HeaderName, "young");
            Assert.Equal(HttpStatusCode.Created, (await alice.SendAsync(request)).StatusCode);
        }

        // A day after the first: the purge, every 10 minutes of the service's clock, deletes it and keeps the younger.
        time.Advance(TimeSpan.FromHours(12));
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (await service.CountAsync("SELECT count(*) FROM idempotency_keys WHERE key = 'old'") > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the expired answer was purged within 30 s");
            time.Advance(TimeSpan.FromMinutes(1)); // in case the purge's timer was set after the clock moved
            await Task.Delay(100);
        }

        Assert.Equal(1, await service.CountAsync("SELECT count(*) FROM idempotency_keys WHERE key = 'young'"));
    }
}
