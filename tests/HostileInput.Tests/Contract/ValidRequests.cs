using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Scop.Aspire.ServiceDefaults;

namespace Scop.Aspire.HostileInput.Tests.Contract;

/// <summary>
/// Builds, for an operation, a request the service accepts: every path parameter, required query parameters and those
/// the examples name, and a body with its required fields and every field the examples name. The schema says what
/// it can (types, formats, enumerations); the service's examples say the rest.
/// </summary>
public sealed class ValidRequests(ApiDocument document, ExampleValues examples)
{
    public ApiDocument Document => document;

    public (ApiRequest Request, JsonNode? Body) Build(ApiOperation operation)
    {
        var pathValues = new Dictionary<string, string>(StringComparer.Ordinal);
        var query = new List<KeyValuePair<string, string>>();
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var parameter in operation.Parameters)
        {
            if (ParameterValue(operation, parameter) is not { } value)
            {
                continue;
            }

            switch (parameter.In)
            {
                case "path":
                    pathValues[parameter.Name] = WireText.Percent(value);
                    break;
                case "query":
                    query.Add(new(parameter.Name, WireText.Percent(value)));
                    break;
                case "header":
                    headers[parameter.Name] = value;
                    break;
            }
        }

        // The body as a whole is looked up as "$" (as the platform names it in its errors): a field may be called "body".
        var body = operation.BodySchema is { } schema ? Value(operation, "$", schema, depth: 0) : null;
        var request = new ApiRequest
        {
            Operation = operation,
            PathValues = pathValues,
            Query = query,
            Headers = headers,
            Body = body is null ? null : JsonSerializer.SerializeToUtf8Bytes(body),
            ContentType = body is null ? null : operation.BodyContentType ?? "application/json",
        };
        return (request, body);
    }

    /// <summary>The valid text of a parameter, or null to leave it out.</summary>
    public string? ParameterValue(ApiOperation operation, ApiParameter parameter)
    {
        if (examples.TryGet(ExampleValues.KeysOf(operation, parameter), out var example))
        {
            return ReferenceEquals(example, ExampleValues.Omitted) || example is null ? null : Text(example);
        }

        return parameter.Required || parameter.In == "path" ? Text(Default(operation, parameter.Name, parameter.Schema, 0)) : null;
    }

    /// <summary>A valid value for a body field (or the body itself): its example, else what its schema allows.</summary>
    public JsonNode? Value(ApiOperation operation, string property, JsonObject schema, int depth)
    {
        if (examples.TryGet(ExampleValues.KeysOf(operation, property), out var example))
        {
            return ReferenceEquals(example, ExampleValues.Omitted) ? null : example;
        }

        return Default(operation, property, schema, depth);
    }

    private JsonNode? Default(ApiOperation operation, string property, JsonObject schema, int depth)
    {
        if (Schema.Enum(schema).FirstOrDefault() is { } first)
        {
            return JsonValue.Create(first);
        }

        var today = ParisCalendar.Today(TimeProvider.System).ToDateTime(TimeOnly.MinValue);
        switch (Schema.MainType(schema))
        {
            case "integer":
            case "number":
                return JsonValue.Create(schema["minimum"]?.GetValue<decimal>() is { } minimum ? Math.Max(minimum, 1) : 1);
            case "boolean":
                return JsonValue.Create(false);
            case "array":
                var itemSchema = document.Resolve(schema["items"]?.AsObject() ?? []);
                return depth > 4 ? new JsonArray() : new JsonArray(Value(operation, property, itemSchema, depth + 1));
            case "object":
                var value = new JsonObject();
                var required = Schema.Required(schema);
                foreach (var (name, propertySchema) in schema["properties"]?.AsObject() ?? [])
                {
                    var resolved = document.Resolve(propertySchema!.AsObject());
                    if (examples.TryGet(ExampleValues.KeysOf(operation, name), out var example))
                    {
                        if (!ReferenceEquals(example, ExampleValues.Omitted))
                        {
                            value[name] = example;
                        }
                    }
                    else if (required.Contains(name) && depth < 5)
                    {
                        value[name] = Default(operation, name, resolved, depth + 1);
                    }
                }

                return value;
            default:
                return JsonValue.Create(Schema.Format(schema) switch
                {
                    "uuid" => Guid.NewGuid().ToString(),
                    "date" => today.AddDays(60).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                    "date-time" => today.AddDays(60).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
                    "email" => "someone@example.org",
                    "uri" => "https://example.org/",
                    _ => "Valid text",
                });
        }
    }

    private static string Text(JsonNode? value) => value switch
    {
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        null => "",
        _ => value.ToJsonString(),
    };
}
