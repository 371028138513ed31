using System.Net.Http.Headers;
using System.Text;

namespace Scop.Aspire.HostileInput.Tests.Contract;

/// <summary>
/// One request to send, with its path and query values already percent-encoded and its body as bytes, so that a
/// hostile variant can carry exactly the bytes it means to (an invalid UTF-8 byte, a JSON escape of a lone surrogate).
/// </summary>
public sealed class ApiRequest
{
    public required ApiOperation Operation { get; init; }

    /// <summary>What is hostile about it; null for the valid request.</summary>
    public string? Hostility { get; init; }

    public Dictionary<string, string> PathValues { get; init; } = new(StringComparer.Ordinal);

    public List<KeyValuePair<string, string>> Query { get; init; } = [];

    public Dictionary<string, string> Headers { get; init; } = new(StringComparer.OrdinalIgnoreCase);

    public byte[]? Body { get; init; }

    public string? ContentType { get; init; }

    public string Url
    {
        get
        {
            var path = new StringBuilder(Operation.Path);
            foreach (var (name, value) in PathValues)
            {
                path.Replace("{" + name + "}", value);
            }

            if (Query.Count > 0)
            {
                path.Append('?').AppendJoin('&', Query.Select(q => $"{Uri.EscapeDataString(q.Key)}={q.Value}"));
            }

            return path.ToString();
        }
    }

    public ApiRequest With(string hostility, Dictionary<string, string>? pathValues = null,
        List<KeyValuePair<string, string>>? query = null, Dictionary<string, string>? headers = null,
        byte[]? body = null, string? contentType = null, bool replaceBody = false) => new()
    {
        Operation = Operation,
        Hostility = hostility,
        PathValues = pathValues ?? new(PathValues, StringComparer.Ordinal),
        Query = query ?? [.. Query],
        Headers = headers ?? new(Headers, StringComparer.OrdinalIgnoreCase),
        Body = replaceBody ? body : Body,
        ContentType = replaceBody ? contentType : ContentType,
    };

    public HttpRequestMessage ToMessage(string? token)
    {
        var message = new HttpRequestMessage(new HttpMethod(Operation.Method), Url);
        if (token is not null)
        {
            message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        foreach (var (name, value) in Headers)
        {
            message.Headers.TryAddWithoutValidation(name, value);
        }

        if (Body is not null)
        {
            message.Content = new ByteArrayContent(Body);
            if (ContentType is not null)
            {
                message.Content.Headers.TryAddWithoutValidation("Content-Type", ContentType);
            }
        }

        return message;
    }

    /// <summary>The request line and what is hostile about it, short enough to read in a failure list.</summary>
    public string Describe()
    {
        var url = Url;
        return $"{Operation.Method} {(url.Length > 160 ? url[..160] + $"…({url.Length} chars)" : url)} — {Hostility ?? "valid request"}";
    }
}
