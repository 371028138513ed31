using System.Text;
using System.Text.Json.Nodes;

namespace Scop.Aspire.HostileInput.Tests.Contract;

/// <summary>
/// One hostile value, as it travels in each place it can: raw JSON bytes in a body, percent-encoded text in a path or
/// query, a header's text. A place it cannot travel (a JSON object in a URL) is null.
/// </summary>
public sealed record Hostile(string What, byte[]? Json, string? Url, string? Header)
{
    public static Hostile Text(string what, string value) => new(what, Encoding.ASCII.GetBytes(WireText.JsonString(value)),
        WireText.Percent(value), value.Contains('\r') || value.Contains('\n') ? null : value);

    /// <summary>A value written as is: a number too large for any type, a literal of the wrong JSON type.</summary>
    public static Hostile Literal(string what, string json, bool inUrl) =>
        new(what, Encoding.ASCII.GetBytes(json), inUrl ? WireText.Percent(json) : null, inUrl ? json : null);
}

/// <summary>The hostile values for a value of a schema, in the places a request can carry it.</summary>
public static class HostileValues
{
    public const int OneMegabyte = 1 << 20;

    /// <summary>The platform's paging parameters: negative, zero and huge values are tried on them.</summary>
    private static readonly HashSet<string> PagingParameters = new(StringComparer.Ordinal) { "page", "pageSize", "limit" };

    public static bool IsPaging(string name) => PagingParameters.Contains(name);

    /// <summary>Strings a client should never get stored: what PostgreSQL cannot store, what hides or garbles text.</summary>
    public static IEnumerable<Hostile> Strings(string? valid)
    {
        var v = string.IsNullOrEmpty(valid) ? "Valid text" : valid;
        string Inside(string c) => v[..(v.Length / 2)] + c + v[(v.Length / 2)..];
        yield return Hostile.Text("NUL (U+0000) inside", Inside("\0"));
        yield return Hostile.Text("NUL (U+0000) alone", "\0");
        yield return Hostile.Text("control character U+0001 inside", Inside("\u0001"));
        yield return Hostile.Text("terminal escape (U+001B) inside", Inside("\u001b[2J"));
        yield return Hostile.Text("DEL (U+007F) inside", Inside("\u007f"));
        yield return Hostile.Text("C1 control U+0085 inside", Inside("\u0085"));
        yield return Hostile.Text("lone high surrogate \\ud800 inside", Inside("\ud800"));
        yield return Hostile.Text("lone low surrogate \\udc00 inside", Inside("\udc00"));
        yield return Hostile.Text("right-to-left override (U+202E) inside", Inside("\u202e"));
        yield return Hostile.Text("right-to-left isolate (U+2067) inside", Inside("\u2067"));
        yield return Hostile.Text("1 MB string", new string('a', OneMegabyte));
        var half = Encoding.UTF8.GetBytes(WireText.JsonString(v[..(v.Length / 2)]));
        var rest = Encoding.UTF8.GetBytes(WireText.JsonString(v[(v.Length / 2)..]));
        yield return new Hostile("invalid UTF-8 byte 0xFF inside", [.. half[..^1], 0xFF, .. rest[1..]],
            WireText.Percent(v[..(v.Length / 2)]) + "%FF" + WireText.Percent(v[(v.Length / 2)..]), Header: null);
    }

    /// <summary>Hostile values for a body field: every string trick, then numbers out of range, then wrong JSON types.</summary>
    public static IEnumerable<Hostile> ForJson(JsonObject schema, JsonNode? valid, string name)
    {
        var type = Schema.MainType(schema);
        var validText = valid is JsonValue value && value.TryGetValue<string>(out var s) ? s : null;
        var values = type switch
        {
            "integer" or "number" => Numbers(schema, IsPaging(name), inUrl: false),
            "string" or null => Strings(validText).Concat(Formats(schema, inUrl: false)),
            _ => [],
        };
        return values.Concat(WrongTypes(type));
    }

    /// <summary>Hostile values for a path, query or header parameter.</summary>
    public static IEnumerable<Hostile> ForParameter(ApiParameter parameter, string? valid)
    {
        var type = Schema.MainType(parameter.Schema);
        var typed = type switch
        {
            "integer" or "number" => Numbers(parameter.Schema, IsPaging(parameter.Name), inUrl: true)
                .Append(Hostile.Literal("not a number", "abc", inUrl: true)),
            "boolean" => [Hostile.Literal("not a boolean", "maybe", inUrl: true)],
            _ => Formats(parameter.Schema, inUrl: true),
        };
        return Strings(valid).Concat(typed);
    }

    private static IEnumerable<Hostile> Numbers(JsonObject schema, bool paging, bool inUrl)
    {
        var format = Schema.Format(schema);
        if (Schema.MainType(schema) == "integer" && format != "int64")
        {
            yield return Hostile.Literal("past int (2^31)", "2147483648", inUrl);
            yield return Hostile.Literal("below int (-2^31 - 1)", "-2147483649", inUrl);
        }

        yield return Hostile.Literal("past long (2^63)", "9223372036854775808", inUrl);
        yield return Hostile.Literal("below long (-2^63 - 1)", "-9223372036854775809", inUrl);
        yield return Hostile.Literal("past double (1e400)", "1e400", inUrl);
        if (Schema.MainType(schema) == "integer")
        {
            yield return Hostile.Literal("a fraction for an integer", "1.5", inUrl);
        }

        if (paging)
        {
            yield return Hostile.Literal("negative page or size", "-1", inUrl);
            yield return Hostile.Literal("zero page or size", "0", inUrl);
            yield return Hostile.Literal("huge page or size (int.MaxValue)", "2147483647", inUrl);
            yield return Hostile.Literal("huge page or size (10^9)", "1000000000", inUrl);
        }
    }

    private static IEnumerable<Hostile> Formats(JsonObject schema, bool inUrl)
    {
        Hostile Value(string what, string text) => inUrl ? Hostile.Literal(what, text, inUrl: true) : Hostile.Text(what, text);
        switch (Schema.Format(schema))
        {
            case "uuid":
                yield return Value("not a UUID", "not-a-uuid");
                break;
            case "date":
                yield return Value("a date that does not exist (2026-02-30)", "2026-02-30");
                yield return Value("a month that does not exist (2026-13-01)", "2026-13-01");
                yield return Value("year zero", "0000-01-01");
                break;
            case "date-time":
                yield return Value("a date that does not exist (2026-02-30T12:00:00Z)", "2026-02-30T12:00:00Z");
                yield return Value("an hour that does not exist (T25:00)", "2026-01-01T25:00:00Z");
                break;
        }
    }

    private static IEnumerable<Hostile> WrongTypes(string? type)
    {
        Hostile Wrong(string json) => Hostile.Literal($"wrong JSON type: {json}", json, inUrl: false);
        if (type is not ("string" or null))
        {
            yield return Wrong("\"twelve\"");
        }

        if (type is "integer" or "number")
        {
            yield return Wrong("\"12\"");
        }

        if (type is not ("integer" or "number"))
        {
            yield return Wrong("12");
        }

        if (type != "boolean")
        {
            yield return Wrong("true");
        }

        if (type != "object")
        {
            yield return Wrong("{}");
        }

        if (type != "array")
        {
            yield return Wrong("[]");
        }
    }
}
