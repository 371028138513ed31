using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Scop.Aspire.Membership.Tests.Support;
using Scop.Aspire.ServiceDefaults.Security;
using Scop.Aspire.Testing;

namespace Scop.Aspire.Membership.Tests;

[Collection(MembershipServersCollection.Name)]
public sealed class IdempotencyTests(MembershipServers servers, MembershipAppPerClass perClass)
    : IClassFixture<MembershipAppPerClass>, IAsyncLifetime
{
    private MembershipApp app = null!;
    private HttpClient client = null!;

    public async Task InitializeAsync()
    {
        app = await perClass.GetAsync(servers);
        client = app.CreateClient(TestTokens.For(PlatformAudiences.Membership, PlatformRoles.ConfederationAdmin));
    }

    public Task DisposeAsync()
    {
        client.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task A_retry_with_the_same_key_gets_the_first_answer_and_creates_nothing_more()
    {
        var key = Guid.NewGuid().ToString();
        var body = TestData.Registration();
        var siren = body["siren"]!.GetValue<string>();

        using var first = await client.SendAsync(TestData.Post(body, key));
        var firstBody = await first.Content.ReadAsStringAsync();
        using var retry = await client.SendAsync(TestData.Post(body, key));
        var retryBody = await retry.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.False(first.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal(HttpStatusCode.Created, retry.StatusCode);
        Assert.Equal("true", Assert.Single(retry.Headers.GetValues("Idempotent-Replayed")));
        Assert.Equal(first.Headers.Location, retry.Headers.Location);
        Assert.Equal("application/json", retry.Content.Headers.ContentType?.MediaType);
        var id = JsonDocument.Parse(firstBody).RootElement.GetProperty("id").GetGuid();
        Assert.Equal(id, JsonDocument.Parse(retryBody).RootElement.GetProperty("id").GetGuid());
        Assert.Equal(siren, JsonDocument.Parse(retryBody).RootElement.GetProperty("siren").GetString());

        Assert.Equal(1L, await app.QueryScalarAsync<long>("SELECT count(*) FROM cooperatives WHERE siren = @s", ("s", siren)));
        Assert.Equal(1L, await app.QueryScalarAsync<long>(
            "SELECT count(*) FROM outbox_messages WHERE body->>'cooperativeId' = @id", ("id", id.ToString())));
        Assert.Equal(1L, await app.QueryScalarAsync<long>("SELECT count(*) FROM idempotency_keys WHERE key = @k", ("k", key)));
    }

    [Fact]
    public async Task The_same_key_with_another_body_is_a_422_problem()
    {
        var key = Guid.NewGuid().ToString();
        var firstBody = TestData.Registration();
        var otherBody = TestData.Registration();

        using var first = await client.SendAsync(TestData.Post(firstBody, key));
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var before = await app.CountWritesAsync();

        using var other = await client.SendAsync(TestData.Post(otherBody, key));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, other.StatusCode);
        Assert.Equal("application/problem+json", other.Content.Headers.ContentType?.MediaType);
        Assert.Equal(422, (await other.ReadJsonAsync()).GetProperty("status").GetInt32());
        Assert.Equal(before, await app.CountWritesAsync());
        Assert.Equal(0L, await app.QueryScalarAsync<long>("SELECT count(*) FROM cooperatives WHERE siren = @s",
            ("s", otherBody["siren"]!.GetValue<string>())));
    }

    [Fact]
    public async Task Twenty_concurrent_requests_with_one_key_create_one_cooperative_and_all_get_its_id()
    {
        var key = Guid.NewGuid().ToString();
        var body = TestData.Registration();
        var siren = body["siren"]!.GetValue<string>();
        using var start = new ManualResetEventSlim();

        var requests = Enumerable.Range(0, 20).Select(_ => Task.Run(async () =>
        {
            start.Wait();
            using var response = await client.SendAsync(TestData.Post(body, key));
            return (response.StatusCode, Replayed: response.Headers.Contains("Idempotent-Replayed"),
                Body: await response.Content.ReadAsStringAsync());
        })).ToList();
        start.Set();
        var answers = await Task.WhenAll(requests);

        Assert.All(answers, a => Assert.True(a.StatusCode == HttpStatusCode.Created, $"{a.StatusCode}: {a.Body}"));
        var ids = answers.Select(a => JsonDocument.Parse(a.Body).RootElement.GetProperty("id").GetGuid()).Distinct().ToList();
        var id = Assert.Single(ids);
        Assert.Equal(19, answers.Count(a => a.Replayed));
        Assert.Equal(1L, await app.QueryScalarAsync<long>("SELECT count(*) FROM cooperatives WHERE siren = @s", ("s", siren)));
        Assert.Equal(id, await app.QueryScalarAsync<Guid>("SELECT id FROM cooperatives WHERE siren = @s", ("s", siren)));
        Assert.Equal(1L, await app.QueryScalarAsync<long>(
            "SELECT count(*) FROM outbox_messages WHERE body->>'cooperativeId' = @id", ("id", id.ToString())));
    }

    /// <summary>
    /// A key is its caller's own: another caller who happens to send the same key (two delegates' clients numbering
    /// their requests alike) has their request run, and each one's retries get their own first answer.
    /// </summary>
    [Fact]
    public async Task Another_callers_key_of_the_same_name_is_their_own()
    {
        var cooperative = await RegisterAsync();
        using var colleague = app.CreateClient(TestTokens.For(PlatformAudiences.Membership, PlatformRoles.ConfederationAdmin));
        var key = $"hire-{Guid.NewGuid():N}";

        var mine = await HireAsync(client, cooperative, key);
        var theirs = await HireAsync(colleague, cooperative, key);
        var mineAgain = await HireAsync(client, cooperative, key);
        var theirsAgain = await HireAsync(colleague, cooperative, key);

        Assert.False(mine.Replayed);
        Assert.False(theirs.Replayed);
        Assert.NotEqual(mine.Id, theirs.Id);
        Assert.Equal((mine.Id, true), (mineAgain.Id, mineAgain.Replayed));
        Assert.Equal((theirs.Id, true), (theirsAgain.Id, theirsAgain.Replayed));
        Assert.Equal(2L, await app.QueryScalarAsync<long>("SELECT count(*) FROM people WHERE cooperative_id = @c", ("c", cooperative)));
    }

    /// <summary>
    /// A key names the request target with its route values: the same key used to hire into two cooperatives is two
    /// hires, not a replay of the first in the wrong cooperative.
    /// </summary>
    [Fact]
    public async Task The_same_key_on_another_target_is_another_request()
    {
        var first = await RegisterAsync();
        var second = await RegisterAsync();
        var key = $"hire-{Guid.NewGuid():N}";

        var intoFirst = await HireAsync(client, first, key);
        var intoSecond = await HireAsync(client, second, key);

        Assert.False(intoSecond.Replayed);
        Assert.NotEqual(intoFirst.Id, intoSecond.Id);
        Assert.Equal(second, await app.QueryScalarAsync<Guid>("SELECT cooperative_id FROM people WHERE id = @p", ("p", intoSecond.Id)));
        Assert.Equal(2L, await app.QueryScalarAsync<long>("SELECT count(*) FROM idempotency_keys WHERE key = @k", ("k", key)));
    }

    private async Task<Guid> RegisterAsync()
    {
        using var response = await client.SendAsync(TestData.Post(TestData.Registration()));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.ReadJsonAsync()).GetProperty("id").GetGuid();
    }

    private static async Task<(Guid Id, bool Replayed)> HireAsync(HttpClient caller, Guid cooperative, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/membership/cooperatives/{cooperative}/people")
        {
            Content = JsonContent.Create(new { givenName = "Louise", familyName = "Michel", role = "employee", hiredOn = "2025-03-01" }),
        };
        request.Headers.Add("Idempotency-Key", key);
        using var response = await caller.SendAsync(request);
        var body = await response.ReadJsonAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, body.ToString());
        return (body.GetProperty("id").GetGuid(), response.Headers.Contains("Idempotent-Replayed"));
    }

    [Fact]
    public async Task Different_keys_are_different_requests()
    {
        var body = TestData.Registration();

        using var first = await client.SendAsync(TestData.Post(body, Guid.NewGuid().ToString()));
        using var second = await client.SendAsync(TestData.Post(body, Guid.NewGuid().ToString()));

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode); // the same SIREN again, not a replay
        Assert.False(second.Headers.Contains("Idempotent-Replayed"));
    }
}
