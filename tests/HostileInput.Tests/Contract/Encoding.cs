using System.Globalization;
using System.Text;

namespace Scop.Aspire.HostileInput.Tests.Contract;

/// <summary>
/// Writes strings exactly as a hostile client would put them on the wire: as JSON text with every character outside
/// printable ASCII escaped (so a lone surrogate travels as the escape <c>\ud800</c>, which no encoder would produce),
/// and as percent-encoded UTF-8 (a lone surrogate as the three bytes a careless encoder writes for it).
/// </summary>
public static class WireText
{
    public static string JsonString(string value)
    {
        var json = new StringBuilder(value.Length + 2).Append('"');
        foreach (var c in value)
        {
            if (c is < ' ' or > '~' or '"' or '\\')
            {
                json.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
            }
            else
            {
                json.Append(c);
            }
        }

        return json.Append('"').ToString();
    }

    public static string Percent(string value)
    {
        var text = new StringBuilder(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            int codePoint = value[i];
            if (char.IsHighSurrogate(value[i]) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                codePoint = char.ConvertToUtf32(value[i], value[i + 1]);
                i++;
            }

            if (codePoint < 0x80 && (char.IsAsciiLetterOrDigit((char)codePoint) || "-._~".Contains((char)codePoint)))
            {
                text.Append((char)codePoint);
                continue;
            }

            foreach (var b in Utf8Bytes(codePoint))
            {
                text.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return text.ToString();
    }

    /// <summary>UTF-8 of a code point; for a lone surrogate, the generalised form (ED A0 80 for U+D800) UTF-8 forbids.</summary>
    private static IEnumerable<byte> Utf8Bytes(int codePoint) => codePoint switch
    {
        < 0x80 => [(byte)codePoint],
        < 0x800 => [(byte)(0xC0 | (codePoint >> 6)), (byte)(0x80 | (codePoint & 0x3F))],
        < 0x10000 => [(byte)(0xE0 | (codePoint >> 12)), (byte)(0x80 | ((codePoint >> 6) & 0x3F)), (byte)(0x80 | (codePoint & 0x3F))],
        _ => [(byte)(0xF0 | (codePoint >> 18)), (byte)(0x80 | ((codePoint >> 12) & 0x3F)), (byte)(0x80 | ((codePoint >> 6) & 0x3F)),
            (byte)(0x80 | (codePoint & 0x3F))],
    };
}
