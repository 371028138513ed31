using System.Collections;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Unicode;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;

namespace Scop.Aspire.ServiceDefaults.Http;

/// <summary>
/// The rules every query string and path value meets before an endpoint sees it, and the 400 a value that cannot be
/// bound to its parameter gets: the same field-level ProblemDetails as a bad JSON field, in every environment.
/// </summary>
public static partial class RequestInput
{
    /// <summary>The longest query or path value accepted (the request line itself stops at 8 KiB in Kestrel).</summary>
    public const int MaxValueLength = 2048;

    /// <summary>
    /// A query parameter given twice for a single value, a query or path value with a character <see cref="TextInput"/>
    /// refuses or longer than <see cref="MaxValueLength"/>: a 400 naming the parameter, before any handler runs.
    /// </summary>
    public static async Task RefuseHostileValuesAsync(HttpContext context, RequestDelegate next)
    {
        var errors = new ValidationErrors();
        var endpoint = context.GetEndpoint();
        foreach (var (name, values) in context.Request.Headers)
        {
            if (values.Any(value => value is not null && !IsFieldValue(value)))
            {
                errors.Add(name, "A header holds visible ASCII characters, spaces and tabs only.");
            }
        }

        if (!IsUtf8(context.Request.QueryString.Value))
        {
            // The framework leaves undecodable escapes (%FF, or %ED%A0%80 for half a surrogate pair) as they are: the
            // value would reach the handler as the literal text "%FF".
            errors.Add("$query", "The query string's escapes are not UTF-8.");
        }

        foreach (var (name, values) in context.Request.Query)
        {
            if (values.Count > 1 && !TakesSeveral(endpoint, name))
            {
                errors.Add(name, "Given more than once.");
            }

            Check(errors, name, name);
            foreach (var value in values)
            {
                Check(errors, name, value ?? "");
            }
        }

        foreach (var (name, value) in context.Request.RouteValues)
        {
            if (value is string text)
            {
                Check(errors, name, text);
            }
        }

        if (errors.IsValid)
        {
            await next(context);
            return;
        }

        await TypedResults.ValidationProblem(errors.ToDictionary()).ExecuteAsync(context);
    }

    private static void Check(ValidationErrors errors, string name, string value)
    {
        if (value.Length > MaxValueLength)
        {
            errors.Add(name, $"At most {MaxValueLength} characters.");
        }
        else if (TextInput.Problem(value) is { } problem)
        {
            errors.Add(name, problem);
        }
    }

    /// <summary>
    /// RFC 9110's field value without its obsolete Latin-1 part, which Kestrel refuses too (as it refuses NUL, CR and
    /// LF): a header the platform reads (If-Match, Idempotency-Key) is checked the same way behind any front server.
    /// </summary>
    private static bool IsFieldValue(string value)
    {
        foreach (var c in value)
        {
            if (c is not ('\t' or (>= ' ' and <= '~')))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Whether the percent-escapes of a raw query string spell UTF-8.</summary>
    private static bool IsUtf8(string? query)
    {
        if (string.IsNullOrEmpty(query) || !query.Contains('%'))
        {
            return true;
        }

        var bytes = new List<byte>(query.Length);
        for (var i = 0; i < query.Length; i++)
        {
            if (query[i] == '%' && i + 2 < query.Length && byte.TryParse(query.AsSpan(i + 1, 2), NumberStyles.AllowHexSpecifier,
                    CultureInfo.InvariantCulture, out var escaped))
            {
                bytes.Add(escaped);
                i += 2;
            }
            else
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(query[i].ToString()));
            }
        }

        return Utf8.IsValid(CollectionsMarshal.AsSpan(bytes));
    }

    /// <summary>Whether the endpoint binds the query parameter to a list (<c>?id=1&amp;id=2</c>).</summary>
    private static bool TakesSeveral(Endpoint? endpoint, string name) =>
        endpoint?.Metadata.GetOrderedMetadata<IParameterBindingMetadata>().Any(parameter =>
            string.Equals(parameter.Name, name, StringComparison.OrdinalIgnoreCase)
            && parameter.ParameterInfo.ParameterType != typeof(string)
            && parameter.ParameterInfo.ParameterType.IsAssignableTo(typeof(IEnumerable))) ?? false;

    /// <summary>
    /// A request the framework refuses before the handler — a query or path value that does not convert to its
    /// parameter's type (a page number past the 32-bit range), a required parameter missing, a body too large —
    /// answered as ProblemDetails with its status, naming the parameter when the framework named it.
    /// </summary>
    public sealed class BadRequestHandler(IProblemDetailsService problems) : IExceptionHandler
    {
        public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken ct)
        {
            if (exception is not BadHttpRequestException bad)
            {
                return false;
            }

            context.Response.StatusCode = bad.StatusCode;
            var match = ParameterInMessage().Match(bad.Message);
            ProblemDetails problem = match.Success && bad.StatusCode == StatusCodes.Status400BadRequest
                ? new HttpValidationProblemDetails(new Dictionary<string, string[]>
                {
                    [match.Groups["name"].Value] = [Explain(bad.Message, match.Groups["type"].Value)],
                })
                : new ProblemDetails { Detail = match.Success ? null : bad.Message };
            problem.Status = bad.StatusCode;
            return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem, Exception = exception });
        }

        private static string Explain(string message, string type) =>
            message.StartsWith("Required parameter", StringComparison.Ordinal)
                ? "This parameter is required."
                : (Unwrapped(type) switch
                {
                    "int" or "long" or "short" or "Int32" or "Int64" or "Int16" => "A whole number within range is expected.",
                    "decimal" or "double" or "float" or "Decimal" or "Double" or "Single" => "A number is expected.",
                    "Guid" => "A UUID is expected.",
                    "DateOnly" => "A date that exists is expected (YYYY-MM-DD).",
                    "DateTimeOffset" or "DateTime" => "A date and time that exist are expected (ISO 8601).",
                    "bool" or "Boolean" => "true or false is expected.",
                    _ => "The value is not valid for this parameter.",
                });
    }

    /// <summary><c>int?</c> and <c>Nullable&lt;int&gt;</c> are both <c>int</c>.</summary>
    private static string Unwrapped(string type) =>
        type.StartsWith("Nullable<", StringComparison.Ordinal) ? type["Nullable<".Length..^1] : type.TrimEnd('?');

    /// <summary>The framework's messages name the parameter as <c>parameter "int? page"</c>.</summary>
    [GeneratedRegex("parameter \"(?<type>[^\"]+) (?<name>[^ \"]+)\"")]
    private static partial Regex ParameterInMessage();
}
