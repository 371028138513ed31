using System.Text.Json.Nodes;

namespace Scop.Aspire.HostileInput.Tests.Contract;

/// <summary>
/// Valid values where a schema cannot say what is valid: a SIREN with its Luhn key, a real commune, a record created
/// in setup. Looked up from the most to the least precise key: <c>{METHOD} {path}.{name}</c>,
/// <c>{operationId}.{name}</c>, then for a path
/// parameter <c>{segment}.{name}</c> (<c>people.id</c> for <c>/people/{id}</c>), then <c>{name}</c>. A value can be
/// made afresh at each use (a new SIREN for each registration, so that none is refused as a duplicate).
/// </summary>
public sealed class ExampleValues
{
    /// <summary>An example that says: leave this optional field or parameter out of the valid request.</summary>
    public static readonly JsonNode Omitted = JsonValue.Create("\u0000omitted")!;

    private readonly Dictionary<string, Func<JsonNode?>> values = new(StringComparer.Ordinal);

    public ExampleValues Set(string key, JsonNode? value) =>
        Set(key, ReferenceEquals(value, Omitted) ? () => Omitted : () => value?.DeepClone());

    public ExampleValues Set(string key, Func<JsonNode?> make)
    {
        values[key] = make;
        return this;
    }

    public ExampleValues Set(string key, Guid id) => Set(key, JsonValue.Create(id.ToString()));

    public bool Has(string key) => values.ContainsKey(key);

    public bool TryGet(IEnumerable<string> keys, out JsonNode? value)
    {
        foreach (var key in keys)
        {
            if (values.TryGetValue(key, out var make))
            {
                value = make();
                return true;
            }
        }

        value = null;
        return false;
    }

    /// <summary>The keys of a parameter, most precise first.</summary>
    public static IEnumerable<string> KeysOf(ApiOperation operation, ApiParameter parameter)
    {
        yield return $"{operation.Name}.{parameter.Name}";
        if (operation.OperationId is { } id)
        {
            yield return $"{id}.{parameter.Name}";
        }

        if (parameter.In == "path" && operation.SegmentBefore(parameter.Name) is { } segment)
        {
            yield return $"{segment}.{parameter.Name}";
        }

        yield return parameter.Name;
    }

    /// <summary>The keys of a body property, most precise first (the property's own name, wherever it is nested).</summary>
    public static IEnumerable<string> KeysOf(ApiOperation operation, string property)
    {
        yield return $"{operation.Name}.{property}";
        if (operation.OperationId is { } id)
        {
            yield return $"{id}.{property}";
        }

        yield return property;
    }
}
