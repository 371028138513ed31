namespace Scop.Aspire.ServiceDefaults.Http;

/// <summary>
/// The characters no text a client sends may carry, wherever it comes (a JSON body, the query, the path, a header the
/// platform reads): control characters other than tab and line breaks (NUL, which PostgreSQL cannot store, among
/// them), halves of surrogate pairs (not text at all), the bidirectional embedding, override and isolate controls
/// (they make text display otherwise than it reads, as in "Trojan Source"), the noncharacters U+FFFE and U+FFFF, and
/// U+FFFD, the replacement character that stands where the bytes sent were not valid UTF-8.
/// </summary>
public static class TextInput
{
    /// <summary>Why <paramref name="text"/> is refused, naming the first character at fault; null when it is accepted.</summary>
    public static string? Problem(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
                continue;
            }

            if (Refused(c) is { } kind)
            {
                return $"The character U+{(int)c:X4} ({kind}) is not accepted.";
            }
        }

        return null;
    }

    private static string? Refused(char c) => c switch
    {
        '\t' or '\n' or '\r' => null,
        < ' ' or (>= '\u007f' and <= '\u009f') => "a control character",
        >= '\ud800' and <= '\udfff' => "half of a surrogate pair",
        (>= '\u202a' and <= '\u202e') or (>= '\u2066' and <= '\u2069') => "a bidirectional control",
        '\ufffe' or '\uffff' => "a noncharacter",
        '\ufffd' => "the replacement character: the text was not valid UTF-8",
        _ => null,
    };
}
