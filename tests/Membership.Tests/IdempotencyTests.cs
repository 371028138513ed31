using System.Net;
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
