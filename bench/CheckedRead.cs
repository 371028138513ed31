using System.Net;
using System.Text.Json;

namespace Scop.Aspire.Bench;

/// <summary>
/// A read whose answer a scenario checks: a 200 whose JSON the scenario's check accepts, else an error outcome that
/// says why (the status, or what was wrong with the body).
/// </summary>
public static class CheckedRead
{
    public static async Task<Outcome> GetAsync(HttpClient http, string url, Func<JsonElement, Outcome> check, CancellationToken ct)
    {
        using var response = await http.GetAsync(url, ct);
        // The bytes as they came: parsing them directly spares the client a UTF-16 copy of every answer, and the client
        // runs on the cores it measures.
        var body = await response.Content.ReadAsByteArrayAsync(ct);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            return Outcome.Status(response.StatusCode);
        }

        try
        {
            using var json = JsonDocument.Parse(body);
            return check(json.RootElement);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or KeyNotFoundException)
        {
            return Outcome.BadBody("not the expected JSON");
        }
    }

    /// <summary>A page of the platform's lists: its <c>items</c> array and its <c>totalCount</c>, when both are there.</summary>
    public static bool TryPage(JsonElement root, out JsonElement items, out long totalCount)
    {
        totalCount = 0;
        return root.TryGetProperty("items", out items) && items.ValueKind == JsonValueKind.Array
            && root.TryGetProperty("totalCount", out var total) && total.TryGetInt64(out totalCount);
    }
}
