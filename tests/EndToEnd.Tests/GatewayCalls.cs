using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Scop.Aspire.EndToEnd.Tests;

/// <summary>What the end-to-end tests do through the gateway, as a client would: requests with a token, what they created, what they read.</summary>
public static class GatewayCalls
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    public static HttpRequestMessage Send(HttpMethod method, string path, string token, object? body = null) =>
        new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) }.WithToken(token);

    /// <summary>Sends <paramref name="request"/>, expects 201, returns the id of what was created (inside <paramref name="wrapper"/> if given).</summary>
    public static async Task<Guid> CreatedIdAsync(this HttpClient gateway, HttpRequestMessage request, string? wrapper = null) =>
        (wrapper is null ? await gateway.ExpectAsync(request, HttpStatusCode.Created) : (await gateway.ExpectAsync(request, HttpStatusCode.Created)).GetProperty(wrapper))
        .GetProperty("id").GetGuid();

    /// <summary>Sends <paramref name="request"/>, expects <paramref name="status"/>, returns the body (default when empty).</summary>
    public static async Task<JsonElement> ExpectAsync(this HttpClient gateway, HttpRequestMessage request, HttpStatusCode status)
    {
        using (request)
        using (var response = await gateway.SendAsync(request))
        {
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == status, $"{request.Method} {request.RequestUri}: {(int)response.StatusCode} {body}");
            return body.Length == 0 ? default : JsonDocument.Parse(body).RootElement.Clone();
        }
    }

    public static Task<JsonElement> ReadAsync(this HttpClient gateway, string path, string token) =>
        gateway.ExpectAsync(Send(HttpMethod.Get, path, token), HttpStatusCode.OK);

    /// <summary>Polls <paramref name="condition"/> until it holds, failing with <paramref name="what"/> after the patience.</summary>
    public static async Task Until(Func<Task<bool>> condition, string what, TimeSpan? patience = null)
    {
        var deadline = DateTime.UtcNow + (patience ?? Patience);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Not within {(patience ?? Patience).TotalSeconds} s: {what}");
            await Task.Delay(100);
        }
    }

    /// <summary>The partner of <paramref name="code"/> in partner-hooks: registered now, or by another test of this run.</summary>
    public static async Task<Guid> PartnerAsync(this HttpClient gateway, string token, string code, string name)
    {
        using var created = await gateway.SendAsync(Send(HttpMethod.Post, "/api/partner-hooks/partners", token, new { code, name }));
        if (created.StatusCode == HttpStatusCode.Created)
        {
            return (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        }

        Assert.Equal(HttpStatusCode.Conflict, created.StatusCode);
        var partners = await gateway.ReadAsync("/api/partner-hooks/partners?pageSize=100", token);
        return partners.GetProperty("items").EnumerateArray().Single(p => p.GetProperty("code").GetString() == code).GetProperty("id").GetGuid();
    }

    /// <summary>A new SIREN: eight random digits and their Luhn key.</summary>
    public static string Siren()
    {
        var digits = Random.Shared.NextInt64(10_000_000, 99_999_999).ToString();
        for (var key = 0; key <= 9; key++)
        {
            var candidate = digits + key;
            var sum = candidate.Reverse().Select((c, i) => (c - '0') * (i % 2 == 1 ? 2 : 1)).Sum(d => d > 9 ? d - 9 : d);
            if (sum % 10 == 0)
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("Unreachable");
    }
}
