using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Scop.Aspire.ServiceDefaults;
using Scop.Aspire.Testing;

namespace Scop.Aspire.Web.Tests;

/// <summary>
/// What the SCOP Ambassades' journeys set up through the gateway before the person under test arrives: a cooperative
/// and its manager's account, a label applied for, reviewed and approved, and any call whose status the journey checks.
/// </summary>
public static class AmbassadeRequests
{
    public sealed record Answer(HttpStatusCode Status, JsonElement Body, string? ETag);

    /// <summary>A call as it answers, whatever its status: a write with its Idempotency-Key, and its If-Match when given.</summary>
    public static async Task<Answer> SendApiAsync(this WebPlatform platform, HttpMethod method, string path, string token,
        object? body = null, string? ifMatch = null)
    {
        using var request = new HttpRequestMessage(method, path) { Headers = { Authorization = new("Bearer", token) } };
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
            request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
        }

        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        using var response = await platform.Gateway.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var json = string.IsNullOrEmpty(text) ? default : JsonDocument.Parse(text).RootElement.Clone();
        return new Answer(response.StatusCode, json, response.Headers.ETag?.ToString());
    }

    /// <summary>A cooperative named « <paramref name="kind"/> » and a number, of the union of the commune, with its manager.</summary>
    public static Task<(Guid Id, string Name, string ManagerUserName)> ManagedCooperativeAsync(this WebPlatform platform, string kind,
        string communeCode, string nafCode, string managerPassword) =>
        platform.NewManagedCooperativeAsync($"{kind} {Guid.NewGuid():N}"[..(kind.Length + 9)], communeCode, nafCode, managerPassword);

    /// <summary>
    /// A cooperative of the union of <paramref name="communeCode"/>, its membership paid, whose manager applies for the
    /// label and the union's delegate reviews and approves it, through the API: the labelled Ambassade's id and name.
    /// </summary>
    public static async Task<(Guid Id, string Name, string ManagerUserName)> LabelledAmbassadeAsync(this WebPlatform platform,
        string kind, string communeCode, string nafCode, string managerPassword)
    {
        var (_, name, manager) = await platform.ManagedCooperativeAsync(kind, communeCode, nafCode, managerPassword);
        using var browser = CodeFlow.NewBrowser(platform.Address);
        var managerToken = (await CodeFlow.SignInAsync(browser, manager, managerPassword, "openid ambassadors")).AccessToken!;

        // The service learns the cooperative from membership's events: the application waits for them.
        var applied = await Eventually.HoldsAsync(
            () => platform.SendApiAsync(HttpMethod.Post, "/api/ambassadors/me/ambassade", managerToken,
                new { motivation = "Accueillir les porteurs de projet du territoire." }),
            answer => answer.Status is HttpStatusCode.Created or HttpStatusCode.OK,
            Eventually.Patience, "the application for the label");
        var id = applied.Body.GetProperty("id").GetGuid();

        var delegateToken = await platform.TokenAsync("delegate-aura", "openid ambassadors");
        var read = await platform.SendApiAsync(HttpMethod.Get, $"/api/ambassadors/ambassades/{id}", delegateToken);
        var reviewed = await platform.SendApiAsync(HttpMethod.Post, $"/api/ambassadors/ambassades/{id}/review", delegateToken, new
        {
            visitOn = ParisCalendar.Today(TimeProvider.System), signageInPlace = true, canWelcomeAndInform = true, localRepresentation = true,
        }, read.ETag);
        Assert.True(reviewed.Status == HttpStatusCode.OK, $"review: {(int)reviewed.Status} {reviewed.Body}");

        // The membership current, as membership's events told the service: the approval waits for them too.
        var etag = reviewed.ETag;
        await Eventually.HoldsAsync(async () =>
            {
                var answer = await platform.SendApiAsync(HttpMethod.Post, $"/api/ambassadors/ambassades/{id}/approve", delegateToken,
                    new { comment = "Visite concluante." }, etag);
                if (answer.Status != HttpStatusCode.OK)
                {
                    etag = (await platform.SendApiAsync(HttpMethod.Get, $"/api/ambassadors/ambassades/{id}", delegateToken)).ETag;
                }

                return answer;
            },
            answer => answer.Status == HttpStatusCode.OK, Eventually.Patience, "the approval of the label");
        return (id, name, manager);
    }
}
