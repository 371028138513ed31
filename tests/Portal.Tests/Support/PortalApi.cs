using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Scop.Aspire.Contracts.Membership;
using Scop.Aspire.Testing;

namespace Scop.Aspire.Portal.Tests.Support;

/// <summary>The portal's API as a client uses it: JSON in, JSON (or a problem) out, with the status and headers.</summary>
public static class PortalApi
{
    public sealed record Answer(HttpStatusCode Status, JsonNode? Json, string Text, HttpResponseHeaders Headers)
    {
        public string? ETag => Headers.ETag?.ToString();

        public JsonNode Body => Json ?? throw new InvalidOperationException($"{(int)Status}: no JSON body: {Text}");

        public Answer Expect(HttpStatusCode status)
        {
            Assert.True(Status == status, $"expected {(int)status}, got {(int)Status}: {Text}");
            return this;
        }

        /// <summary>The fields a 400's problem names.</summary>
        public IReadOnlyList<string> ErrorFields => Json?["errors"]?.AsObject().Select(p => p.Key).ToList() ?? [];
    }

    public static async Task<Answer> SendAsync(this HttpClient client, HttpMethod method, string path, object? body = null,
        string? token = null, IDictionary<string, string>? headers = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body as string ?? JsonSerializer.Serialize(body, Json), Encoding.UTF8, "application/json");
        }

        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        JsonNode? json = null;
        if (response.Content.Headers.ContentType?.MediaType?.Contains("json") == true && text.Length > 0)
        {
            json = JsonNode.Parse(text);
        }

        return new Answer(response.StatusCode, json, text, response.Headers);
    }

    public static Task<Answer> ReadAsync(this HttpClient client, string path, string? token = null, string? ifNoneMatch = null) =>
        client.SendAsync(HttpMethod.Get, path, token: token,
            headers: ifNoneMatch is null ? null : new Dictionary<string, string> { ["If-None-Match"] = ifNoneMatch });

    public static Task<Answer> PostJsonAsync(this HttpClient client, string path, object? body, string? token) =>
        client.SendAsync(HttpMethod.Post, path, body ?? new { }, token);

    public static Task<Answer> PutJsonAsync(this HttpClient client, string path, object body, string? token, string? ifMatch) =>
        client.SendAsync(HttpMethod.Put, path, body, token,
            ifMatch is null ? null : new Dictionary<string, string> { ["If-Match"] = ifMatch });

    /// <summary>Web defaults, with markup written as it is (a megabyte of Markdown stays a megabyte of JSON).</summary>
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>A draft on <paramref name="site"/> by <paramref name="token"/>, its answer checked.</summary>
    public static async Task<JsonNode> CreateItemAsync(this HttpClient client, string site, string token, string title,
        string body = "Un texte.", string kind = "news", object? extra = null)
    {
        var fields = new Dictionary<string, object?> { ["kind"] = kind, ["title"] = title, ["body"] = body };
        if (extra is not null)
        {
            foreach (var property in JsonSerializer.SerializeToNode(extra, Json)!.AsObject())
            {
                fields[property.Key] = property.Value?.DeepClone();
            }
        }

        return (await client.PostJsonAsync($"/api/portal/sites/{site}/items", fields, token)).Expect(HttpStatusCode.Created).Body;
    }

    public static async Task<JsonNode> PublishAsync(this HttpClient client, JsonNode item, string token, DateTimeOffset? at = null) =>
        (await client.PostJsonAsync($"/api/portal/items/{item["id"]}/publish", at is null ? new { } : new { at }, token))
            .Expect(HttpStatusCode.OK).Body;

    /// <summary>The cooperative's site, once the portal consumed its CooperativeJoined.</summary>
    public static async Task<string> SiteOfAsync(this PortalApp app, HttpClient client, CooperativeJoined joined)
    {
        await app.PublishAsync(joined);
        var slug = await Feed.EventuallyAsync(
            () => app.QueryScalarAsync<object>("SELECT coalesce((SELECT slug FROM sites WHERE cooperative_id = @c), '')",
                ("c", joined.CooperativeId)),
            s => s is string { Length: > 0 }, "the cooperative's site");
        return (string)slug;
    }
}
