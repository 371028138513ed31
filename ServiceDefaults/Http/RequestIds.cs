using System.Buffers.Text;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;

namespace Scop.Aspire.ServiceDefaults.Http;

/// <summary>
/// The public id of a request: what a client quotes to an operator, never the internal trace id. The gateway gives
/// every request a new one (whatever the client sent), answers it in the <c>X-Request-Id</c> header, passes it to the
/// service in the same header, and logs it beside the trace id of every answer that is a problem; ProblemDetails carry
/// it as <c>requestId</c>. A service called directly, inside the platform, uses its own request identifier instead.
/// </summary>
public static class RequestIds
{
    public const string Header = "X-Request-Id";

    /// <summary>The property of a ProblemDetails body that carries it.</summary>
    public const string ProblemProperty = "requestId";

    private const int MaxLength = 64;

    /// <summary>A new id: 96 random bits, 16 URL-safe characters. Nothing in it is derived from the trace.</summary>
    public static string New() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(12));

    /// <summary>The id the gateway gave the request, or, without one, the request's own identifier in this process.</summary>
    public static string Of(HttpContext http) =>
        http.Request.Headers[Header] is [{ } id] && IsWellFormed(id) ? id : http.TraceIdentifier;

    private static bool IsWellFormed(string id) =>
        id.Length is > 0 and <= MaxLength && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
}
