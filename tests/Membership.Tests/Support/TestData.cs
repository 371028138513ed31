using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Scop.Aspire.Membership.Tests.Support;

public static class TestData
{
    /// <summary>A random, well-formed SIREN: 8 random digits and the Luhn key that completes them.</summary>
    public static string NewSiren()
    {
        var digits = string.Concat(Enumerable.Range(0, 8).Select(_ => (char)('0' + Random.Shared.Next(10))));
        for (var key = 0; key <= 9; key++)
        {
            if (LuhnSum(digits + key) % 10 == 0)
            {
                return digits + key;
            }
        }

        throw new InvalidOperationException("unreachable");
    }

    /// <summary>The Luhn sum, computed here independently of the service's own implementation.</summary>
    public static int LuhnSum(string digits)
    {
        var sum = 0;
        var doubleIt = false;
        for (var i = digits.Length - 1; i >= 0; i--)
        {
            var d = digits[i] - '0';
            if (doubleIt)
            {
                d = d * 2 > 9 ? d * 2 - 9 : d * 2;
            }

            sum += d;
            doubleIt = !doubleIt;
        }

        return sum;
    }

    /// <summary>A valid registration request (a real SIREN checksum, commune and NAF code).</summary>
    public static JsonObject Registration(string? name = null, string? siren = null, string legalForm = "SCOP",
        string communeCode = "69123", string nafCode = "62.01Z") => new()
    {
        ["name"] = name ?? $"Coopérative {Guid.NewGuid():N}",
        ["siren"] = siren ?? NewSiren(),
        ["legalForm"] = legalForm,
        ["communeCode"] = communeCode,
        ["nafCode"] = nafCode,
    };

    public static HttpRequestMessage Post(string body, string contentType = "application/json", string? idempotencyKey = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/membership/cooperatives")
        {
            Content = new StringContent(body, Encoding.UTF8),
        };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        return request;
    }

    public static HttpRequestMessage Post(JsonObject body, string? idempotencyKey = null) =>
        Post(body.ToJsonString(), idempotencyKey: idempotencyKey);

    public static async Task<JsonElement> ReadJsonAsync(this HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    public static string Describe(HttpResponseMessage response, string body) =>
        $"{(int)response.StatusCode} {response.Content.Headers.ContentType}: {body}";
}
