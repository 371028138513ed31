using System.Text.Json.Nodes;

namespace Scop.Aspire.HostileInput.Tests.Contract;

/// <summary>One parameter of an operation as the document declares it: in the path, the query or a header.</summary>
public sealed record ApiParameter(string Name, string In, JsonObject Schema, bool Required);

/// <summary>An operation of a service's OpenAPI document, with its schemas resolved.</summary>
public sealed record ApiOperation(string Method, string Path, string? OperationId, IReadOnlyList<ApiParameter> Parameters,
    JsonObject? BodySchema, string? BodyContentType, bool BodyRequired)
{
    public string Name => $"{Method} {Path}";

    /// <summary>The literal segment before a path parameter (<c>people</c> for <c>/people/{id}</c>), naming what the id is of.</summary>
    public string? SegmentBefore(string parameter)
    {
        var segments = Path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var index = Array.IndexOf(segments, "{" + parameter + "}");
        return index > 0 && !segments[index - 1].StartsWith('{') ? segments[index - 1] : null;
    }

    public override string ToString() => Name;
}

/// <summary>
/// Reads an OpenAPI 3.x document (as the services publish it) into operations whose schemas are resolved: every
/// <c>$ref</c> followed, <c>anyOf</c>/<c>oneOf</c> reduced to their first alternative that is not null.
/// </summary>
public sealed class ApiDocument
{
    private static readonly string[] Methods = ["get", "put", "post", "delete", "patch"];
    private readonly JsonObject root;

    private ApiDocument(JsonObject root) => this.root = root;

    public static ApiDocument Parse(string json) =>
        new(JsonNode.Parse(json) as JsonObject ?? throw new FormatException("An OpenAPI document is a JSON object."));

    public IReadOnlyList<ApiOperation> Operations()
    {
        var operations = new List<ApiOperation>();
        foreach (var (path, item) in root["paths"]?.AsObject() ?? [])
        {
            var shared = item?["parameters"]?.AsArray() ?? [];
            foreach (var method in Methods)
            {
                if (item?[method] is not JsonObject operation)
                {
                    continue;
                }

                var parameters = shared.Concat(operation["parameters"]?.AsArray() ?? [])
                    .Select(p => Resolve(p!.AsObject()))
                    .Select(p => new ApiParameter(
                        (string)p["name"]!, (string)p["in"]!, Resolve(p["schema"]?.AsObject() ?? []),
                        p["required"]?.GetValue<bool>() ?? false))
                    .ToList();
                var requestBody = Resolve(operation["requestBody"]?.AsObject() ?? []);
                var content = requestBody["content"]?.AsObject();
                var (contentType, media) = content?.FirstOrDefault(c => c.Key.Contains("json", StringComparison.Ordinal))
                    ?? content?.FirstOrDefault() ?? default;
                operations.Add(new ApiOperation(method.ToUpperInvariant(), path, (string?)operation["operationId"], parameters,
                    media?["schema"] is JsonObject schema ? Resolve(schema) : null, contentType,
                    requestBody["required"]?.GetValue<bool>() ?? false));
            }
        }

        return operations;
    }

    /// <summary>The schema itself, following <c>$ref</c> and taking the first non-null alternative of a union.</summary>
    public JsonObject Resolve(JsonObject schema)
    {
        for (var hops = 0; hops < 32; hops++)
        {
            if (schema["$ref"] is JsonValue reference)
            {
                var pointer = ((string)reference!).TrimStart('#').Split('/', StringSplitOptions.RemoveEmptyEntries);
                JsonNode? target = root;
                foreach (var step in pointer)
                {
                    target = target?[step.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal)];
                }

                schema = target as JsonObject ?? throw new FormatException($"Unresolved {(string)reference!}.");
                continue;
            }

            var union = (schema["anyOf"] ?? schema["oneOf"])?.AsArray();
            var alternative = union?.OfType<JsonObject>().FirstOrDefault(a => !Schema.IsNullOnly(a));
            if (alternative is not null)
            {
                schema = alternative;
                continue;
            }

            return schema;
        }

        throw new FormatException("A $ref cycle in the document.");
    }
}

/// <summary>What a (resolved) schema says about a value.</summary>
public static class Schema
{
    /// <summary>The JSON types a value may have, <c>null</c> left out.</summary>
    public static IReadOnlyList<string> Types(JsonObject schema) => schema["type"] switch
    {
        JsonArray types => types.Select(t => (string)t!).Where(t => t != "null").ToList(),
        JsonValue type => [(string)type!],
        _ when schema["properties"] is not null => ["object"],
        _ when schema["items"] is not null => ["array"],
        _ => [],
    };

    /// <summary>The main type: a number that the document also allows as a string (a pattern of digits) is a number.</summary>
    public static string? MainType(JsonObject schema)
    {
        var types = Types(schema);
        return types.FirstOrDefault(t => t is "integer" or "number") ?? types.FirstOrDefault();
    }

    public static string? Format(JsonObject schema) => (string?)schema["format"];

    public static bool IsNullOnly(JsonObject schema) => schema["type"] is JsonValue type && (string)type! == "null";

    public static IEnumerable<string> Enum(JsonObject schema) =>
        schema["enum"]?.AsArray().Select(v => v?.ToString()).OfType<string>() ?? [];

    public static ISet<string> Required(JsonObject schema) =>
        (schema["required"]?.AsArray().Select(r => (string)r!) ?? []).ToHashSet(StringComparer.Ordinal);
}
