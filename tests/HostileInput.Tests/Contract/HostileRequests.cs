using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Scop.Aspire.HostileInput.Tests.Contract;

/// <summary>
/// Every hostile request for an operation, each one the valid request with one thing made hostile: one parameter,
/// one body field (however deeply nested, present in the valid body or not), or the body as a whole.
/// </summary>
public static class HostileRequests
{
    private const string Placeholder = "\"__hostile_value__\"";
    private const int Depth = 10_000;

    public static IEnumerable<ApiRequest> For(ApiRequest valid, JsonNode? body, ValidRequests requests)
    {
        var operation = valid.Operation;
        foreach (var parameter in operation.Parameters)
        {
            foreach (var request in ForParameter(valid, parameter, requests.ParameterValue(operation, parameter)))
            {
                yield return request;
            }
        }

        if (operation.BodySchema is null)
        {
            yield break;
        }

        foreach (var request in ForWholeBody(valid, body))
        {
            yield return request;
        }

        foreach (var field in Fields(requests.Document, operation.BodySchema, [], "", depth: 0))
        {
            var validValue = ValueAt(body, field) ?? requests.Value(operation, field.Leaf, field.Schema, depth: 1);
            foreach (var hostile in HostileValues.ForJson(field.Schema, validValue, field.Leaf))
            {
                var bytes = WithValue(body, field, hostile.Json!, operation, requests);
                yield return valid.With($"{field.Display}: {hostile.What}", body: bytes, contentType: valid.ContentType,
                    replaceBody: true);
            }
        }
    }

    private static IEnumerable<ApiRequest> ForParameter(ApiRequest valid, ApiParameter parameter, string? validValue)
    {
        foreach (var hostile in HostileValues.ForParameter(parameter, validValue))
        {
            var what = $"{parameter.In} parameter {parameter.Name}: {hostile.What}";
            switch (parameter.In)
            {
                case "path" when hostile.Url is { } url:
                    yield return valid.With(what, pathValues: new(valid.PathValues) { [parameter.Name] = url });
                    break;
                case "query" when hostile.Url is { } url:
                    yield return valid.With(what, query: [.. valid.Query.Where(q => q.Key != parameter.Name), new(parameter.Name, url)]);
                    break;
                case "header" when hostile.Header is { } header:
                    yield return valid.With(what, headers: new(valid.Headers, StringComparer.OrdinalIgnoreCase) { [parameter.Name] = header });
                    break;
            }
        }

        if (parameter.In == "query")
        {
            var twice = validValue is null ? "1" : WireText.Percent(validValue);
            yield return valid.With($"query parameter {parameter.Name}: given twice",
                query: [.. valid.Query.Where(q => q.Key != parameter.Name), new(parameter.Name, twice), new(parameter.Name, twice)]);
        }
    }

    private static IEnumerable<ApiRequest> ForWholeBody(ApiRequest valid, JsonNode? body)
    {
        var json = valid.ContentType ?? "application/json";
        var text = valid.Body is null ? "{}" : Encoding.UTF8.GetString(valid.Body);
        ApiRequest Body(string what, string? content, string? contentType = null) => valid.With($"body: {what}",
            body: content is null ? null : Encoding.UTF8.GetBytes(content), contentType: contentType ?? json, replaceBody: true);

        if (valid.Operation.BodyRequired)
        {
            yield return Body("empty, declared as JSON", "");
            yield return Body("absent, no content type", null, contentType: null);
        }

        yield return Body("valid JSON sent as text/plain", text, "text/plain");
        yield return Body("a form instead of JSON", "name=value", "application/x-www-form-urlencoded");
        yield return Body("valid JSON sent as application/xml", text, "application/xml");
        yield return Body("malformed JSON (cut in half)", text[..(text.Length / 2)]);
        yield return Body("trailing content after the JSON", text + "}");
        yield return Body("JSON with a comment", "/* hostile */" + text);
        yield return Body("JSON null", "null");
        yield return Body("a JSON array instead of an object", "[]");
        yield return Body("a JSON string instead of an object", "\"text\"");
        yield return Body("a JSON number instead of an object", "42");
        yield return Body($"deep nesting ({Depth:N0} arrays)", new string('[', Depth) + new string(']', Depth));
        yield return Body("a field that is not in the contract", text.Length > 2 ? "{\"isAdmin\":true," + text[1..] : "{\"isAdmin\":true}");
        if (body is JsonObject fields && fields.FirstOrDefault() is var (name, value) && name is not null)
        {
            var first = JsonSerializer.Serialize(name);
            yield return Body($"duplicate key {name}", $"{{{first}:{value?.ToJsonString() ?? "null"},{text[1..]}");
            var nested = new StringBuilder(Depth * 6);
            for (var i = 0; i < Depth; i++)
            {
                nested.Append("{\"a\":");
            }

            nested.Append("1").Append('}', Depth);
            var others = fields.Where(f => f.Key != name).Select(f => $"{JsonSerializer.Serialize(f.Key)}:{f.Value?.ToJsonString() ?? "null"}");
            yield return Body($"deep nesting in {name} ({Depth:N0} objects)",
                "{" + string.Join(',', others.Prepend($"{first}:{nested}")) + "}");
        }
    }

    /// <summary>A place in the body: the properties (or first array item, a null property) leading to it.</summary>
    public sealed record BodyField(string Display, string Leaf, IReadOnlyList<(string? Property, JsonObject Schema)> Steps, JsonObject Schema);

    private static IEnumerable<BodyField> Fields(ApiDocument document, JsonObject schema,
        IReadOnlyList<(string? Property, JsonObject Schema)> steps, string display, int depth)
    {
        if (depth > 4)
        {
            yield break;
        }

        switch (Schema.MainType(schema))
        {
            case "object":
                foreach (var (name, propertySchema) in schema["properties"]?.AsObject() ?? [])
                {
                    var resolved = document.Resolve(propertySchema!.AsObject());
                    var path = steps.Append((name, resolved)).ToList();
                    var shown = display.Length == 0 ? name : $"{display}.{name}";
                    yield return new BodyField(shown, name, path, resolved);
                    foreach (var inner in Fields(document, resolved, path, shown, depth + 1))
                    {
                        yield return inner;
                    }
                }

                break;
            case "array":
                var items = document.Resolve(schema["items"]?.AsObject() ?? []);
                var itemPath = steps.Append(((string?)null, items)).ToList();
                var leaf = steps.LastOrDefault().Property ?? "item";
                yield return new BodyField($"{display}[0]", leaf, itemPath, items);
                foreach (var inner in Fields(document, items, itemPath, $"{display}[0]", depth + 1))
                {
                    yield return inner;
                }

                break;
        }
    }

    private static JsonNode? ValueAt(JsonNode? body, BodyField field)
    {
        var node = body;
        foreach (var (property, _) in field.Steps)
        {
            node = property is null
                ? node is JsonArray { Count: > 0 } array ? array[0] : null
                : node is JsonObject obj ? obj[property] : null;
        }

        return node;
    }

    /// <summary>The valid body with the value at <paramref name="field"/> replaced by raw JSON bytes.</summary>
    private static byte[] WithValue(JsonNode? body, BodyField field, byte[] hostile, ApiOperation operation, ValidRequests requests)
    {
        var root = body?.DeepClone() ?? new JsonObject();
        var node = root;
        for (var i = 0; i < field.Steps.Count; i++)
        {
            var (property, schema) = field.Steps[i];
            var last = i == field.Steps.Count - 1;
            JsonNode? child;
            if (property is null)
            {
                var array = (JsonArray)node;
                if (array.Count == 0)
                {
                    array.Add(requests.Value(operation, field.Leaf, schema, depth: 1));
                }

                if (last)
                {
                    array[0] = JsonValue.Create("__hostile_value__");
                    break;
                }

                child = array[0];
            }
            else
            {
                var obj = (JsonObject)node;
                if (last)
                {
                    obj[property] = JsonValue.Create("__hostile_value__");
                    break;
                }

                child = obj[property];
                if (child is null || (Schema.MainType(schema) == "array" ? child is not JsonArray : child is not JsonObject))
                {
                    child = requests.Value(operation, property, schema, depth: 1) ?? (Schema.MainType(schema) == "array" ? new JsonArray() : new JsonObject());
                    obj[property] = child;
                }
            }

            node = child!;
        }

        var bytes = JsonSerializer.SerializeToUtf8Bytes(root);
        var at = bytes.AsSpan().IndexOf(Encoding.ASCII.GetBytes(Placeholder));
        return [.. bytes[..at], .. hostile, .. bytes[(at + Placeholder.Length)..]];
    }
}
