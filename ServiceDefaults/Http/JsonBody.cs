using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Scop.Aspire.ServiceDefaults.Http;

/// <summary>
/// Reads a JSON request body and says precisely what is wrong with it: malformed JSON, a value of the wrong type
/// (named by its field), an unknown field, or an empty body all become a 400 with field-level errors, before any
/// handler logic runs.
/// </summary>
public static class JsonBody
{
    /// <summary>
    /// The strict copy of each host's options, made once. A copy per request made System.Text.Json build its type
    /// metadata again whenever a collection had dropped the weakly held cache of equal options: reflection, emitted
    /// accessors compiled by the JIT, the same work in every request in flight. Under load that took a core for
    /// seconds, and requests queued behind it.
    /// </summary>
    private static readonly ConditionalWeakTable<JsonSerializerOptions, JsonSerializerOptions> StrictCopies = new();

    public static async Task<(T? Value, ValidationProblem? Problem)> ReadAsync<T>(HttpRequest request, CancellationToken ct)
        where T : class
    {
        if (!request.HasJsonContentType())
        {
            return (null, Invalid("$", "The request body must be JSON (Content-Type: application/json)."));
        }

        var options = request.HttpContext.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        var strict = StrictCopies.GetValue(options, Strict);
        try
        {
            var value = await JsonSerializer.DeserializeAsync<T>(request.Body, strict, ct);
            return value is null
                ? (null, Invalid("$", "The request body is empty or null."))
                : (value, null);
        }
        catch (JsonException exception)
        {
            return (null, Invalid(FieldName(exception.Path), Describe(exception)));
        }
    }

    private static JsonSerializerOptions Strict(JsonSerializerOptions options)
    {
        var strict = new JsonSerializerOptions(options) { UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow };
        strict.MakeReadOnly(populateMissingResolver: true);
        return strict;
    }

    public static ValidationProblem Invalid(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] });

    /// <summary>"$.siren" → "siren"; the root stays "$".</summary>
    private static string FieldName(string? path) =>
        string.IsNullOrEmpty(path) || path == "$" ? "$" : path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path;

    private static string Describe(JsonException exception) => exception.Message switch
    {
        var m when m.Contains("could not be mapped", StringComparison.Ordinal) => "This field is not part of the request.",
        var m when m.Contains("could not be converted", StringComparison.Ordinal) => "The value has the wrong type.",
        _ => "The request body is not valid JSON.",
    };
}
