using System.Buffers;
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
/// (named by its field), an unknown field, a field given twice, text with a character <see cref="TextInput"/> refuses,
/// or an empty body all become a 400 with field-level errors, before any handler logic runs. A body over
/// <see cref="MaxBytes"/> is a 413, as at the gateway.
/// </summary>
public static class JsonBody
{
    /// <summary>The largest body read: the gateway's limit, held by the service too.</summary>
    public const int MaxBytes = 1024 * 1024;

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
        var body = await ReadBodyAsync(request, ct);
        try
        {
            var value = body.WrittenCount == 0 ? null : JsonSerializer.Deserialize<T>(body.WrittenSpan, strict);
            return value is null
                ? (null, Invalid("$", "The request body is empty or null."))
                : (value, null);
        }
        catch (JsonException exception)
        {
            return (null, Invalid(FieldName(exception.Path), Describe(exception)));
        }
    }

    /// <summary>The whole body, refused past <see cref="MaxBytes"/> however it is sent (with or without a length).</summary>
    private static async Task<ArrayBufferWriter<byte>> ReadBodyAsync(HttpRequest request, CancellationToken ct)
    {
        if (request.ContentLength > MaxBytes)
        {
            throw TooLarge();
        }

        var body = new ArrayBufferWriter<byte>((int)Math.Max(request.ContentLength ?? 0, 1024));
        while (true)
        {
            var read = await request.Body.ReadAsync(body.GetMemory(4096), ct);
            if (read == 0)
            {
                return body;
            }

            body.Advance(read);
            if (body.WrittenCount > MaxBytes)
            {
                throw TooLarge();
            }
        }
    }

    private static BadHttpRequestException TooLarge() =>
        new($"The request body is larger than {MaxBytes / 1024 / 1024} MiB.", StatusCodes.Status413PayloadTooLarge);

    private static JsonSerializerOptions Strict(JsonSerializerOptions options)
    {
        var strict = new JsonSerializerOptions(options)
        {
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
            AllowDuplicateProperties = false,
        };
        strict.Converters.Insert(0, new RefusingTextConverter());
        strict.MakeReadOnly(populateMissingResolver: true);
        return strict;
    }

    public static ValidationProblem Invalid(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] });

    /// <summary>"$.siren" → "siren"; the root stays "$".</summary>
    private static string FieldName(string? path) =>
        string.IsNullOrEmpty(path) || path == "$" ? "$" : path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path;

    private static string Describe(JsonException exception) => exception switch
    {
        RefusedTextException refused => refused.Message,
        { Message: var m } when m.Contains("could not be mapped", StringComparison.Ordinal) => "This field is not part of the request.",
        { Message: var m } when m.Contains("could not be converted", StringComparison.Ordinal) => "The value has the wrong type, or is out of its range.",
        { Message: var m } when m.Contains("Duplicate", StringComparison.OrdinalIgnoreCase) => "This field is given more than once.",
        { Message: var m } when m.Contains("maximum configured depth", StringComparison.Ordinal) => "The JSON is nested too deeply.",
        _ => "The request body is not valid JSON.",
    };

    /// <summary>Every string of a request goes through <see cref="TextInput"/>.</summary>
    private sealed class RefusingTextConverter : JsonConverter<string>
    {
        public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType != JsonTokenType.String)
            {
                return reader.GetString(); // throws for a token of another type, as the built-in converter does
            }

            string text;
            try
            {
                text = reader.GetString()!;
            }
            catch (InvalidOperationException)
            {
                // An escape such as \ud800 without its other half: the string cannot even be made.
                throw new RefusedTextException("The text holds half of a surrogate pair, which is not text.");
            }

            return TextInput.Problem(text) is { } problem ? throw new RefusedTextException(problem) : text;
        }

        public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) =>
            writer.WriteStringValue(value);
    }

    private sealed class RefusedTextException(string message) : JsonException(message);
}
