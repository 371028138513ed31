using System.Text.Json;
using Xunit;

namespace Scop.Aspire.Testing;

/// <summary>An answer checked for its status, its JSON body returned: what almost every test does with an answer.</summary>
public static class HttpAnswers
{
    /// <summary>Fails with the request, the status and the body unless the answer has <paramref name="status"/>; its body (default when empty).</summary>
    public static async Task<JsonElement> ExpectAsync(this HttpResponseMessage response, int status)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == status,
            $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: expected {status}, got {(int)response.StatusCode} "
            + $"{response.Content.Headers.ContentType}: {text}");
        if (text.Length == 0)
        {
            return default;
        }

        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    /// <summary>The same for a request being sent.</summary>
    public static async Task<JsonElement> ExpectAsync(this Task<HttpResponseMessage> sending, int status)
    {
        using var response = await sending;
        return await response.ExpectAsync(status);
    }
}
