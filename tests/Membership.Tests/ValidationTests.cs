using System.Net;
using System.Text.Json.Nodes;
using Scop.Aspire.Membership.Tests.Support;
using Scop.Aspire.ServiceDefaults.Security;
using Scop.Aspire.Testing;

namespace Scop.Aspire.Membership.Tests;

/// <summary>Bad input is a 400 ValidationProblem naming the field, and writes nothing at all.</summary>
[Collection(MembershipServersCollection.Name)]
public sealed class ValidationTests(MembershipServers servers, MembershipAppPerClass perClass)
    : IClassFixture<MembershipAppPerClass>, IAsyncLifetime
{
    private MembershipApp app = null!;
    private HttpClient client = null!;

    public async Task InitializeAsync()
    {
        app = await perClass.GetAsync(servers);
        client = app.CreateClient(TestTokens.For(PlatformAudiences.Membership, PlatformRoles.ConfederationAdmin));

        // One cooperative already registered, so "unchanged" is measured against tables that are not empty.
        if (await app.CountAsync("cooperatives") > 0)
        {
            return;
        }

        using var seed = await client.SendAsync(TestData.Post(TestData.Registration(), idempotencyKey: Guid.NewGuid().ToString()));
        Assert.Equal(HttpStatusCode.Created, seed.StatusCode);
    }

    public Task DisposeAsync()
    {
        client.Dispose();
        return Task.CompletedTask;
    }

    public static TheoryData<string, string, string, string> BadRequests()
    {
        var data = new TheoryData<string, string, string, string>();
        void Add(string @case, string field, JsonObject body) => data.Add(@case, "application/json", body.ToJsonString(), field);
        JsonObject With(string field, JsonNode? value)
        {
            var body = TestData.Registration(siren: "552100554");
            body[field] = value;
            return body;
        }

        JsonObject Without(string field)
        {
            var body = TestData.Registration(siren: "552100554");
            body.Remove(field);
            return body;
        }

        Add("bad SIREN key", "siren", With("siren", "552100555"));
        Add("SIREN with a letter", "siren", With("siren", "55210055A"));
        Add("SIREN of 8 digits", "siren", With("siren", "55210055"));
        Add("SIREN of 10 digits", "siren", With("siren", "5521005540"));
        Add("unknown NAF code", "nafCode", With("nafCode", "99.99Z"));
        Add("malformed NAF code", "nafCode", With("nafCode", "informatique"));
        Add("unknown commune", "communeCode", With("communeCode", "99999"));
        Add("bad legal form", "legalForm", With("legalForm", "SARL"));
        Add("numeric legal form", "legalForm", With("legalForm", "1"));
        foreach (var field in new[] { "name", "siren", "legalForm", "communeCode", "nafCode" })
        {
            Add($"{field} missing", field, Without(field));
            Add($"{field} blank", field, With(field, "   "));
            Add($"{field} null", field, With(field, null));
        }

        Add("name of 201 characters", "name", With("name", new string('a', 201)));
        Add("name is a number", "name", With("name", 12));
        Add("siren is a boolean", "siren", With("siren", true));
        Add("nafCode is an object", "nafCode", With("nafCode", new JsonObject { ["code"] = "62.01Z" }));
        Add("unknown extra field", "extra", With("extra", "surprise"));
        data.Add("malformed JSON", "application/json", """{"name": "Scop", "siren": """, "siren");
        data.Add("JSON with a trailing comma", "application/json", """{"name": "Scop",}""", "$");
        data.Add("empty body", "application/json", "", "$");
        data.Add("JSON null", "application/json", "null", "$");
        data.Add("JSON array", "application/json", "[]", "$");
        return data;
    }

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task Bad_input_is_a_400_naming_the_field_and_writes_nothing(string @case, string contentType, string body, string field)
    {
        var before = await app.CountWritesAsync();

        // Sent with an Idempotency-Key, as careful clients do: the refusal is the key's answer, and nothing else is kept.
        var key = Guid.NewGuid().ToString();
        using var response = await client.SendAsync(TestData.Post(body, contentType, idempotencyKey: key));

        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{@case}: {TestData.Describe(response, text)}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = System.Text.Json.JsonDocument.Parse(text).RootElement;
        Assert.Equal(400, problem.GetProperty("status").GetInt32());
        var errors = problem.GetProperty("errors");
        Assert.True(errors.TryGetProperty(field, out var messages), $"{@case}: no error for '{field}' in {text}");
        Assert.Contains(messages.EnumerateArray(), m => !string.IsNullOrWhiteSpace(m.GetString()));
        Assert.Equal(before with { IdempotencyKeys = before.IdempotencyKeys + 1 }, await app.CountWritesAsync());
        Assert.Equal(400, await app.QueryScalarAsync<int>("SELECT status_code FROM idempotency_keys WHERE key = @k", ("k", key)));
    }

    /// <summary>
    /// A body that is not JSON at all is refused by the endpoint's declared media type, before the handler: 415, as
    /// HTTP has it, with a ProblemDetails, and nothing written.
    /// </summary>
    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("application/xml")]
    public async Task A_body_that_is_not_json_is_a_415_problem_and_writes_nothing(string contentType)
    {
        var before = await app.CountWritesAsync();

        using var response = await client.SendAsync(
            TestData.Post(TestData.Registration().ToJsonString(), contentType, idempotencyKey: Guid.NewGuid().ToString()));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(415, (await response.ReadJsonAsync()).GetProperty("status").GetInt32());
        Assert.Equal(before, await app.CountWritesAsync());
    }

    [Fact]
    public async Task Every_invalid_field_is_reported_at_once()
    {
        var body = new JsonObject
        {
            ["name"] = "",
            ["siren"] = "552100555",
            ["legalForm"] = "SA",
            ["communeCode"] = "00000",
            ["nafCode"] = "99.99Z",
        };

        using var response = await client.SendAsync(TestData.Post(body));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.ReadJsonAsync()).GetProperty("errors");
        Assert.Equal(["communeCode", "legalForm", "nafCode", "name", "siren"],
            errors.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
    }

    /// <summary>
    /// A refused request's key keeps its refusal, like any answer: a retry gets it again, and the corrected request is
    /// another request, under a key of its own.
    /// </summary>
    [Fact]
    public async Task An_idempotency_key_keeps_its_refusal_and_the_corrected_request_takes_a_new_key()
    {
        var key = Guid.NewGuid().ToString();
        var body = TestData.Registration();
        var wrong = body.DeepClone().AsObject();
        wrong["nafCode"] = "99.99Z";

        using var refused = await client.SendAsync(TestData.Post(wrong, key));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var refusal = await refused.ReadJsonAsync();

        using var retried = await client.SendAsync(TestData.Post(wrong, key));
        Assert.Equal(HttpStatusCode.BadRequest, retried.StatusCode);
        Assert.Equal("true", Assert.Single(retried.Headers.GetValues("Idempotent-Replayed")));
        Assert.Equal("application/problem+json", retried.Content.Headers.ContentType?.MediaType);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(refusal.GetProperty("errors").GetRawText()),
            JsonNode.Parse((await retried.ReadJsonAsync()).GetProperty("errors").GetRawText())));

        using var correctedUnderTheSameKey = await client.SendAsync(TestData.Post(body, key));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, correctedUnderTheSameKey.StatusCode);

        using var corrected = await client.SendAsync(TestData.Post(body, Guid.NewGuid().ToString()));
        Assert.Equal(HttpStatusCode.Created, corrected.StatusCode);
    }

    [Fact]
    public async Task An_idempotency_key_longer_than_200_characters_is_refused()
    {
        var before = await app.CountWritesAsync();

        using var response = await client.SendAsync(TestData.Post(TestData.Registration(), new string('k', 201)));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.ReadJsonAsync()).GetProperty("errors").TryGetProperty("Idempotency-Key", out _));
        Assert.Equal(before, await app.CountWritesAsync());
    }
}
