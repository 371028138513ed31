using System.Globalization;
using System.Text;

namespace Scop.Aspire.ReferenceData;

/// <summary>
/// Text as the register's search compares it: lower case, without accents, ligatures spelt out ("Œuvre" → "oeuvre"),
/// so that a word typed with or without its capitals and accents finds the name. Names are folded when written, and
/// the words searched for when read: the database then matches plain bytes, helped by a trigram index.
/// </summary>
public static class SearchText
{
    public static string Fold(string text)
    {
        var decomposed = text.Normalize(NormalizationForm.FormD);
        var folded = new StringBuilder(decomposed.Length);
        foreach (var character in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(character) == UnicodeCategory.NonSpacingMark)
            {
                continue; // the accent of the letter before it
            }

            var lower = char.ToLowerInvariant(character);
            _ = lower switch
            {
                'œ' => folded.Append("oe"),
                'æ' => folded.Append("ae"),
                'ß' => folded.Append("ss"),
                _ => folded.Append(lower),
            };
        }

        return folded.ToString().Normalize(NormalizationForm.FormC);
    }
}
