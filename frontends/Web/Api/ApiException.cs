using System.Text.Json;

namespace Scop.Aspire.Web.Api;

/// <summary>
/// An API's answer other than success, as the generated clients throw it. <see cref="Problem"/> reads the RFC 9457
/// ProblemDetails every service answers with, field errors included, so a page can show each next to its field.
/// </summary>
public partial class ApiException : Exception
{
    public int StatusCode { get; }

    public string? Response { get; }

    public IReadOnlyDictionary<string, IEnumerable<string>> Headers { get; }

    public ApiException(string message, int statusCode, string? response,
        IReadOnlyDictionary<string, IEnumerable<string>> headers, Exception? innerException)
        : base(message, innerException)
    {
        StatusCode = statusCode;
        Response = response;
        Headers = headers;
    }

    /// <summary>The problem the service described, or a general one when the answer was not ProblemDetails.</summary>
    public ApiProblem Problem => ApiProblem.From(StatusCode, Response);

    /// <summary>
    /// The Idempotency-Key a form sends next: a service keeps a 4xx answer under its key as it keeps a success (the same
    /// request again gets the same answer), so a corrected form is a new request with a new key; after a 5xx or no
    /// answer, nothing was kept and the same key is sent again.
    /// </summary>
    public string RenewedFormKey(string key) => StatusCode is >= 400 and < 500 ? Guid.NewGuid().ToString("N") : key;
}

public partial class ApiException<TResult>(string message, int statusCode, string? response,
    IReadOnlyDictionary<string, IEnumerable<string>> headers, TResult result, Exception? innerException)
    : ApiException(message, statusCode, response, headers, innerException)
{
    public TResult Result { get; } = result;
}

/// <summary>What went wrong, in words a page can show: a title, a detail, the errors of each field, and the rule a
/// refusal names when the service says which (<c>rule</c>, e.g. the reprise watch's pipeline).</summary>
public sealed record ApiProblem(int Status, string Title, string? Detail, IReadOnlyDictionary<string, string[]> Errors, string? Rule = null)
{
    public static ApiProblem From(int status, string? body)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.OrdinalIgnoreCase);
        string? title = null, detail = null, rule = null;
        if (!string.IsNullOrWhiteSpace(body))
        {
            try
            {
                using var document = JsonDocument.Parse(body);
                var root = document.RootElement;
                if (root.ValueKind == JsonValueKind.Object)
                {
                    title = root.TryGetProperty("title", out var t) ? t.GetString() : null;
                    detail = root.TryGetProperty("detail", out var d) ? d.GetString() : null;
                    rule = root.TryGetProperty("rule", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : null;
                    if (root.TryGetProperty("errors", out var e) && e.ValueKind == JsonValueKind.Object)
                    {
                        foreach (var field in e.EnumerateObject())
                        {
                            errors[field.Name] = field.Value.ValueKind == JsonValueKind.Array
                                ? field.Value.EnumerateArray().Select(v => v.GetString() ?? "").ToArray()
                                : [field.Value.ToString()];
                        }
                    }
                }
            }
            catch (JsonException)
            {
                // not ProblemDetails: the status says enough
            }
        }

        return new ApiProblem(status, title ?? DefaultTitle(status), detail, errors, rule);
    }

    /// <summary>The errors of one field (the API's names: <c>siren</c>, <c>attendees[0].personId</c>…).</summary>
    public IReadOnlyList<string> For(string field) =>
        Errors.TryGetValue(field, out var messages) ? messages : [];

    private static string DefaultTitle(int status) => status switch
    {
        400 => "La demande n'est pas valide.",
        401 => "Votre session a pris fin : reconnectez-vous.",
        403 => "Vous n'avez pas accès à cette action.",
        404 => "Introuvable.",
        409 => "Cette action entre en conflit avec l'état actuel.",
        412 => "Quelqu'un a modifié ces données entre-temps : rechargez la page.",
        429 => "Trop de demandes : réessayez dans un instant.",
        >= 500 => "Le service ne répond pas pour l'instant : réessayez dans un instant.",
        _ => "La demande a échoué.",
    };
}
