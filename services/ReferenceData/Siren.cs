namespace Scop.Aspire.ReferenceData;

/// <summary>
/// A SIREN, the 9-digit company number of the French business register, whose last digit is a Luhn check key.
/// </summary>
public static class Siren
{
    public const int Length = 9;

    /// <summary>Removes the spaces people type ("123 456 789") and checks the digits and the Luhn key.</summary>
    public static bool TryNormalize(string? input, out string siren)
    {
        siren = new string((input ?? "").Where(c => !char.IsWhiteSpace(c)).ToArray());
        return siren.Length == Length && siren.All(char.IsAsciiDigit) && HasValidLuhnKey(siren);
    }

    public static bool HasValidLuhnKey(string digits)
    {
        var sum = 0;
        for (var i = 0; i < digits.Length; i++)
        {
            var digit = digits[digits.Length - 1 - i] - '0';
            if (i % 2 == 1)
            {
                digit *= 2;
                if (digit > 9)
                {
                    digit -= 9;
                }
            }

            sum += digit;
        }

        return sum % 10 == 0;
    }

    /// <summary>The check digit that makes <paramref name="firstEightDigits"/> a valid SIREN.</summary>
    public static char LuhnKey(string firstEightDigits)
    {
        for (var key = '0'; key <= '9'; key++)
        {
            if (HasValidLuhnKey(firstEightDigits + key))
            {
                return key;
            }
        }

        throw new InvalidOperationException("Unreachable: one of ten digits always completes a Luhn sum.");
    }
}
